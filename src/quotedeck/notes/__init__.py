"""Verified cards become Anki notes: numbered, escaped, identified.

Imports verify, sources and the records below them; never the lock (state) or anything above.
"""
