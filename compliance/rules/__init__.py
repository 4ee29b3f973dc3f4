"""One module per family of Amazon messaging rules."""
