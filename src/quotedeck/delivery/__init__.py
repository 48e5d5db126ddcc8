"""Delivering a built deck into an Anki collection, and reading back what the collection holds.

The only package that imports `anki` (an optional extra: `pip install 'quotedeck[anki]'`),
and only when a command needs it.
"""
