"""The team pages: who is on a seller account's team, with which role and access.

A separate app above messaging because deactivating a member touches both accounts (the
membership, their sessions) and messaging (their assigned threads go back to the queue), and
accounts sits below messaging in the import layers.
"""
