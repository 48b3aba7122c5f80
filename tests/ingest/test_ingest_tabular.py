"""CSV and JSON exports: dialects, encodings, mappings, one item per row with a stable canonical raw."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from stagedoor.domain import Channel, Incoming, IngestItem, Quarantined
from stagedoor.ingest import PRESETS, CsvMapping, IngestError, discover, iter_source

DATA = Path(__file__).resolve().parents[1] / "data"


def items(path: Path, mapping: CsvMapping | None = None) -> list[IngestItem]:
    return [item for source in discover([path], mapping) for item in iter_source(source)]


def test_generic_preset_columns() -> None:
    generic = PRESETS["generic"]
    assert (generic.sender, generic.name, generic.platform, generic.date, generic.text) == (
        "sender", "name", "platform", "date", "text",
    )  # fmt: skip
    assert (generic.id, generic.subject, generic.channel, generic.default_channel) == (
        "id",
        "subject",
        "channel",
        "dm",
    )


def test_semicolon_csv_with_bom_reads_the_right_columns() -> None:
    path = DATA / "csv/semicolon-bom-fr.csv"
    lucie, marc, empty, epoch, bad_date = items(path)
    assert isinstance(lucie, Incoming)
    m = lucie.message
    assert m.text == "Merci Maya ; tu m'as sauvé la soirée, vraiment."
    assert (m.sender.handle, m.sender.name, m.sender.platform) == ("lucie_fan", "Lucie", "instagram")
    assert m.sender.key == "handle:instagram:lucie_fan"  # the first header (sender) is not BOM-polluted
    assert m.received_at == datetime(2024, 3, 2, 21, 15, tzinfo=UTC) and m.channel is Channel.DM
    assert m.origin == f"{path}#1"
    assert (
        lucie.raw.startswith(b"csv:{") and b"\\ufeff" not in lucie.raw and "\ufeff" not in lucie.raw.decode()
    )
    assert isinstance(marc, Incoming) and marc.message.sender.address == "marc@example.fr"
    assert marc.message.channel is Channel.EMAIL and marc.message.text == "Deux lignes :\nla seconde ici."
    assert isinstance(empty, Quarantined) and empty.reason == "row 3: empty text"
    assert empty.channel is Channel.COMMENT and empty.origin == f"{path}#3"
    assert isinstance(epoch, Incoming) and epoch.message.received_at == datetime(2024, 3, 3, 10, tzinfo=UTC)
    assert isinstance(bad_date, Incoming) and bad_date.message.received_at is None
    assert bad_date.message.notes == ("date not understood: 'le trois mars'",)


def test_cp1252_excel_csv_is_decoded_with_a_note_and_headers_match_case_insensitively() -> None:
    noemie, _ = items(DATA / "csv/cp1252-comma-excel.csv")
    assert isinstance(noemie, Incoming)
    assert noemie.message.text == "J’ai acheté le vinyle, 25 €. Génial !"
    assert noemie.message.sender.name == "Noémie"
    assert "charset guessed: cp1252" in noemie.message.notes


def test_tab_separated_export_with_ids_and_timezones() -> None:
    tabby, tz = items(DATA / "csv/tab-separated.tsv")
    assert isinstance(tabby, Incoming) and isinstance(tz, Incoming)
    assert tabby.message.text == "Tabs between columns, commas, too." and tabby.message.external_id == "yt-1"
    assert tz.message.received_at == datetime(2024, 3, 6, 9, 30, tzinfo=timezone(timedelta(hours=1)))


def test_json_messages_export() -> None:
    path = DATA / "json/dm-export.json"
    first, epoch, not_object, empty = items(path)
    assert isinstance(first, Incoming)
    assert first.message.text == "Coucou Maya 💜 ton live était incroyable"
    assert (first.message.external_id, first.message.sender.name) == ("dm-1", "Maëlle")
    assert isinstance(epoch, Incoming) and epoch.message.received_at == datetime(2024, 3, 7, 19, tzinfo=UTC)
    assert isinstance(not_object, Quarantined) and not_object.reason == "item 3: not an object"
    assert isinstance(empty, Quarantined) and empty.reason == "item 4: empty text"


def test_jsonl_comments_with_one_broken_line() -> None:
    first, broken, second = items(DATA / "json/comments.jsonl")
    assert isinstance(first, Incoming) and first.message.channel is Channel.COMMENT
    assert isinstance(broken, Quarantined) and broken.reason.startswith("item 2: not valid JSON")
    assert isinstance(second, Incoming) and second.message.text == "Second comment."


def test_broken_json_file_is_quarantined_whole() -> None:
    path = DATA / "garbage/broken.json"
    (item,) = items(path)
    assert isinstance(item, Quarantined) and item.raw == path.read_bytes()
    assert item.reason.startswith("not valid JSON")


def test_binary_csv_is_quarantined_whole() -> None:
    (item,) = items(DATA / "garbage/binary.csv")
    assert isinstance(item, Quarantined) and item.reason == "not a CSV: binary content (NUL bytes)"


def test_missing_column_is_an_ingest_error_naming_found_and_expected(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("from,message,when\n@a,hello,2024-03-01\n", encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        discover([path])
    said = str(caught.value)
    assert "\n" not in said and "sender=sender" in said and "text=text" in said and "'message'" in said
    mapping = dataclasses.replace(PRESETS["generic"], sender="from", text="message", date="when")
    (item,) = items(path, mapping)
    assert isinstance(item, Incoming) and item.message.text == "hello" and item.message.sender.handle == "a"


def test_json_mapping_reaches_into_nested_objects(tmp_path: Path) -> None:
    path = tmp_path / "nested.json"
    path.write_text('[{"author": {"username": "@deep"}, "body": "nested", "ts": "2024-03-01T10:00:00Z"}]')
    mapping = CsvMapping(sender="author.username", text="body", date="ts", default_platform="tiktok")
    (item,) = items(path, mapping)
    assert isinstance(item, Incoming)
    assert (item.message.sender.handle, item.message.sender.platform) == ("deep", "tiktok")


def test_unknown_channel_value_falls_back_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("sender,date,text,channel\n@a,2024-03-01T10:00:00Z,hi,pigeon\n", encoding="utf-8")
    (item,) = items(path)
    assert isinstance(item, Incoming) and item.message.channel is Channel.DM
    assert item.message.notes == ("unknown channel 'pigeon': read as dm",)


def test_unknown_default_channel_is_refused() -> None:
    with pytest.raises(IngestError, match="default_channel"):
        CsvMapping(default_channel="pigeon")


@pytest.mark.parametrize("name", ["csv/semicolon-bom-fr.csv", "json/dm-export.json", "json/comments.jsonl"])
def test_same_row_read_again_gives_the_same_raw_and_id(name: str) -> None:
    first = [(type(i), i.raw) for i in items(DATA / name)]
    again = [(type(i), i.raw) for i in items(DATA / name)]
    assert first == again and len({raw for _, raw in first}) == len(first)
