"""Helping a curator write cards: finding passages, scaffolding a deck, fixing quotes.

Reads through sources/ and verify/; never builds, prints or exits.
"""
