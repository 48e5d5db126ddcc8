"""quotedeck: curated quote cards in, an Anki deck out."""

__version__ = "0.1.0"
