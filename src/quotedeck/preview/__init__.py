"""What Anki shows, without Anki: a card rendered as Anki renders it, and the preview page.

Imports the pipeline and below, never speed.
"""
