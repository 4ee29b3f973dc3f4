"""Views of the accounts app: signing in, second factors, invitations and the audit log."""
