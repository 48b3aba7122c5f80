"""Stagedoor: reads fan mail, flags danger to the artist and to the writer, routes each message to a human."""

__version__ = "0.1.0"
