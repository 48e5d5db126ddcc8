"""Files to located cards: which files are sources, YAML with places, the card format.

Imports only the records below it (model, errors, problems).
"""
