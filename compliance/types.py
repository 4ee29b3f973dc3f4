"""Values that cross the compliance boundary: drafts in, findings out. Pure Python."""
