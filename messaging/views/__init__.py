"""Views of the messaging app, one module per page family (inbox, mailboxes, notices, ...)."""
