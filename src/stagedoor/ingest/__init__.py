"""Bytes and files -> domain Messages: one importer per source, every bad input quarantined with a reason.

`discover(paths, mapping)` plans the Sources (IngestError for what the user must fix first), then
`iter_source(source)` yields Incoming(message, raw) or Quarantined(raw, channel, origin, reason).
"""

from stagedoor.ingest.base import Importer, IngestError, Source
from stagedoor.ingest.mapping import PRESETS, CsvMapping
from stagedoor.ingest.sources import IMPORTERS, discover, iter_source

__all__ = [
    "IMPORTERS",
    "PRESETS",
    "CsvMapping",
    "Importer",
    "IngestError",
    "Source",
    "discover",
    "iter_source",
]
