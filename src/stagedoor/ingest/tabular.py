"""CSV and JSON exports of DMs, comments and form entries: one item per row, through a CsvMapping.

CSV: the dialect is sniffed (commas, semicolons, tabs, pipes) and checked against the mapped columns;
utf-8 with or without BOM, UTF-16 with BOM, else cp1252 with a note. JSON: a list of objects,
{"messages": [...]}, a single object, or JSON lines (.jsonl/.ndjson, or a .json that turns out to be one).
Columns the mapping needs but the export lacks are an IngestError, raised already at discovery.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from stagedoor.domain import Channel, IngestItem, Quarantined
from stagedoor.ingest.base import Source
from stagedoor.ingest.mapping import PRESETS, CsvMapping
from stagedoor.ingest.rows import canonical, check_columns, has_cell, missing_columns, row_item
from stagedoor.ingest.text import decode_file, looks_binary

_DELIMITERS = ",;\t|"


def _mapping(source: Source) -> CsvMapping:
    return source.mapping or PRESETS["generic"]


def _header(text: str, mapping: CsvMapping) -> tuple[str, list[str]]:
    """The delimiter and header: the sniffed one if it yields the mapped columns, else the first that does."""
    first = text.split("\n", 1)[0]
    try:
        sniffed = csv.Sniffer().sniff(first, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = ","
    headers = {d: _first_row(text, d) for d in dict.fromkeys(sniffed + _DELIMITERS)}
    for delimiter, header in headers.items():
        if _fits(mapping, header):
            return delimiter, [h.strip() for h in header]
    return sniffed, [h.strip() for h in headers[sniffed]]


def _first_row(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    except csv.Error:
        return []


def _fits(mapping: CsvMapping, header: list[str]) -> bool:
    have = {h.strip().casefold() for h in header}
    return not missing_columns(mapping, lambda column: column.strip().casefold() in have)


def _unique(header: list[str]) -> list[str]:
    """Duplicate column names get a suffix so no cell is lost: text, text_2."""
    seen: dict[str, int] = {}
    out = []
    for name in header:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


class CsvImporter:
    """A CSV (or TSV) export."""

    kind = "csv"
    channel = Channel.DM
    suffixes: tuple[str, ...] = (".csv", ".tsv")

    def check(self, source: Source) -> None:
        data = source.path.read_bytes()
        text = _newlines(decode_file(data)[0])
        if text.strip() and not looks_binary(data):
            check_columns(_mapping(source), _header(text, _mapping(source))[1], source.path.name)

    def iter_items(self, source: Source, max_bytes: int) -> Iterator[IngestItem]:
        data, origin, mapping = source.path.read_bytes(), str(source.path), _mapping(source)
        channel = Channel(mapping.default_channel)
        if looks_binary(data):
            yield Quarantined(data, channel, origin, "not a CSV: binary content (NUL bytes)")
            return
        text, notes = decode_file(data)
        text = _newlines(text)
        if not text.strip():
            return
        delimiter, header = _header(text, mapping)
        check_columns(mapping, header, source.path.name)
        header = _unique(header)
        csv.field_size_limit(max(csv.field_size_limit(), max_bytes))
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        n = 0
        try:
            next(reader)
            for n, cells in enumerate(reader, start=1):
                if not any(c.strip() for c in cells):
                    continue
                row: dict[str, object] = dict(zip(header, cells, strict=False))
                row.update({name: "" for name in header[len(cells) :]})
                if extra := cells[len(header) :]:
                    row["_extra"] = extra
                yield row_item("csv", row, mapping, f"{origin}#{n}", n, max_bytes, notes)
        except csv.Error as exc:
            reason = f"row {n + 1}: unreadable CSV ({exc}); the rest of the file was not read"
            yield Quarantined(data, channel, origin, reason)


def _newlines(text: str) -> str:
    """Old Mac exports end lines with a lone CR, which the csv module refuses outside quotes."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class _BadLine:
    text: str
    reason: str


class JsonImporter:
    """A JSON or JSON-lines export."""

    kind = "json"
    channel = Channel.DM
    suffixes: tuple[str, ...] = (".json", ".jsonl", ".ndjson")

    def check(self, source: Source) -> None:
        items = _json_items(decode_file(source.path.read_bytes())[0], source.path.suffix.lower())
        if isinstance(items, list):
            _check_items(items, _mapping(source), source.path.name)

    def iter_items(self, source: Source, max_bytes: int) -> Iterator[IngestItem]:
        data, origin, mapping = source.path.read_bytes(), str(source.path), _mapping(source)
        channel = Channel(mapping.default_channel)
        if looks_binary(data):
            yield Quarantined(data, channel, origin, "not JSON: binary content (NUL bytes)")
            return
        text, notes = decode_file(data)
        items = _json_items(text, source.path.suffix.lower())
        if isinstance(items, str):
            yield Quarantined(data, channel, origin, items)
            return
        _check_items(items, mapping, source.path.name)
        for n, item in enumerate(items, start=1):
            where = f"{origin}#{n}"
            if isinstance(item, _BadLine):
                yield Quarantined(item.text.encode(), channel, where, f"item {n}: {item.reason}")
            elif not isinstance(item, dict):
                yield Quarantined(canonical("json", item), channel, where, f"item {n}: not an object")
            else:
                yield row_item("json", item, mapping, where, n, max_bytes, notes)


def _check_items(items: list[object], mapping: CsvMapping, where: str) -> None:
    rows = [i for i in items if isinstance(i, dict)]
    if rows:
        found = list(dict.fromkeys(str(k) for row in rows[:1000] for k in row))
        check_columns(mapping, found, where, lambda column: any(has_cell(row, column) for row in rows))


def _json_items(text: str, suffix: str) -> list[object] | str:
    """The items of an export, or the one-line reason the file is not one."""
    if not text.strip():
        return []
    if suffix not in (".jsonl", ".ndjson"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            if exc.msg != "Extra data":
                return f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        else:
            if isinstance(doc, list):
                return doc
            if isinstance(doc, dict):
                messages = doc.get("messages")
                return messages if isinstance(messages, list) else [doc]
            return 'not a message export: expected a list of objects, {"messages": [...]} or JSON lines'
    return [_line(line) for line in text.splitlines() if line.strip()]


def _line(line: str) -> object:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        return _BadLine(line, f"not valid JSON ({exc.msg})")
