"""Texts as they are received (plain text, Markdown, HTML, EPUB, PDF) -> paragraphs, each with its place."""
