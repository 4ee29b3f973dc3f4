"""Buyer mail in: fetch raw bytes from a mailbox, parse them (pure), match threads, store.

Stages, one job each:
- `sources`: IMAP (imapclient) and Maildir; yield raw bytes with a checkpoint reference.
- `parse`: bytes -> `ParsedMail` (kind, order id, buyer alias, text, attachments); no database.
- `store`: one transaction per batch: threads matched, messages, notices, quarantine and the
  checkpoint written together, so a killed worker neither loses nor duplicates anything.
- `sync`: claims a mailbox, runs the batches and records progress for the page.
"""
