"""HTML to plain text with inscriptis: nothing is executed or fetched, script and style contents dropped."""

from __future__ import annotations

from inscriptis import get_text


def html_to_text(html: str) -> tuple[str, list[str]]:
    """The visible text of an HTML body, laid out roughly as a reader would see it, and a note."""
    try:
        return get_text(html), ["converted from HTML"]
    except Exception as exc:  # lxml refuses some inputs; the text is then lost, not the message
        return "", [f"HTML could not be converted to text ({type(exc).__name__})"]
