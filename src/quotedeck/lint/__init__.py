"""Weak cards: cards that verify, but teach less than they could. Warnings only.

Reads verified cards (model records) and verify's helpers; never the lock, the notes or the output.
"""
