"""A card against its text: the quote found, the phrases to hide placed.

Imports extract, sources and the records below them; never the lock (state) or anything above.
"""
