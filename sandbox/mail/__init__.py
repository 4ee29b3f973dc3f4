"""Generated buyer mail for the demo: relay-style emails about the sandbox catalogue's orders,
written into a Maildir the demo seller's mailbox reads. Everything is invented."""
