"""Bytes on disk: the package and the lock, written whole or not at all.

Imports state and below; the only place genanki is imported.
"""
