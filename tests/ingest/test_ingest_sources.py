"""Discovery, dispatch and the importer registry contract: every importer keeps the same promises."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from stagedoor.domain import Channel, Incoming, IngestItem, Quarantined, message_id_for, sha256_hex
from stagedoor.ingest import IMPORTERS, IngestError, Source, discover, iter_source

DATA = Path(__file__).resolve().parents[1] / "data"

SAMPLES = {
    "eml": "email/quoted-printable-fr.eml",
    "mbox": "mbox/mixed-encodings.mbox",
    "maildir": "maildir/fan-inbox",
    "csv": "csv/semicolon-bom-fr.csv",
    "json": "json/dm-export.json",
    "letter": "letters/typed-header-block.txt",
    "paper": "paper/typed-letter-en.png",
}
"""One good sample per registered kind: a new importer must add one here."""


def read_all(sources: list[Source], max_bytes: int = 50 * 1024 * 1024) -> list[IngestItem]:
    return [item for source in sources for item in iter_source(source, max_bytes)]


def test_every_registered_importer_has_a_sample() -> None:
    assert set(SAMPLES) == set(IMPORTERS)


@pytest.mark.parametrize("kind", sorted(IMPORTERS))
def test_importer_contract(kind: str) -> None:
    importer = IMPORTERS[kind]
    assert importer.kind == kind and isinstance(importer.channel, Channel)
    assert all(s.startswith(".") and s == s.lower() for s in importer.suffixes)
    path = DATA / SAMPLES[kind]
    sources = discover([path])
    assert {s.kind for s in sources} == {kind} and sources[0].path == path and sources[0].size > 0
    found = read_all(sources)
    assert any(isinstance(i, Incoming) for i in found)
    for item in found:
        assert isinstance(item, Incoming | Quarantined)
        if isinstance(item, Quarantined):
            assert item.reason and "\n" not in item.reason and item.origin.startswith(str(path))
            continue
        m = item.message
        assert m.raw_sha256 == sha256_hex(item.raw) and m.id == message_id_for(m.raw_sha256, m.channel)
        assert m.origin.startswith(str(path))
        assert m.received_at is None or m.received_at.utcoffset() is not None
        assert "\r" not in m.text and m.text == m.text.rstrip() and "\x00" not in m.text
    assert [i.raw for i in read_all(discover([path]))] == [i.raw for i in found]


@pytest.mark.parametrize("kind", sorted(IMPORTERS))
def test_importer_quarantines_binary_garbage(kind: str, tmp_path: Path) -> None:
    garbage = b"\x00\xff\xfe" + random.Random(kind).randbytes(4096)
    if kind == "maildir":
        for sub in ("cur", "new", "tmp"):
            (tmp_path / "box" / sub).mkdir(parents=True)
        (tmp_path / "box/new/1.M1.garbage").write_bytes(garbage)
        path = tmp_path / "box"
    else:
        path = tmp_path / f"garbage{IMPORTERS[kind].suffixes[0]}"
        path.write_bytes(
            (b"From x@example.com Sat Mar  2 10:00:00 2024\n" if kind == "mbox" else b"") + garbage
        )
    found = read_all(discover([path]))
    assert found and all(isinstance(i, Quarantined) for i in found), found


def test_discover_a_folder_mixing_every_kind_sorted_and_deterministic() -> None:
    sources = discover([DATA])
    assert {s.kind for s in sources} == set(IMPORTERS)
    assert [str(s.path) for s in sources] == sorted(str(s.path) for s in sources)
    assert discover([DATA]) == sources
    by_name = {s.path.name: s for s in sources}
    assert by_name["fan-inbox"].kind == "maildir" and by_name["comments.jsonl"].kind == "json"
    assert by_name["tab-separated.tsv"].mapping is not None and by_name["no-body.eml"].mapping is None
    assert not any(".keep" in str(s.path) or "/cur/" in str(s.path) for s in sources)


def test_every_sample_is_stored_or_quarantined_and_ids_are_stable() -> None:
    first = read_all(discover([DATA]))
    again = read_all(discover([DATA]))
    key = lambda i: i.message.id if isinstance(i, Incoming) else f"q:{i.raw_sha256}:{i.origin}"  # noqa: E731
    assert [key(i) for i in first] == [key(i) for i in again]
    assert (
        sum(isinstance(i, Incoming) for i in first) > 30
        and sum(isinstance(i, Quarantined) for i in first) >= 10
    )


def test_same_file_twice_is_one_source() -> None:
    path = DATA / "email/no-body.eml"
    assert len(discover([path, DATA / "email", path])) == len(discover([DATA / "email"]))


@pytest.mark.parametrize(
    ("name", "head", "kind"),
    [
        ("inbox", b"From someone@example.com Sat Mar  2 10:00:00 2024\nFrom: a@example.com\n\nhi\n", "mbox"),
        ("message", b"Received: by x\nFrom: a@example.com\nSubject: s\n\nhi\n", "eml"),
    ],
)
def test_files_without_extension_are_sniffed(tmp_path: Path, name: str, head: bytes, kind: str) -> None:
    (tmp_path / name).write_bytes(head)
    (source,) = discover([tmp_path / name])
    assert source.kind == kind
    assert isinstance(read_all([source])[0], Incoming)


def test_missing_path_is_a_one_line_ingest_error() -> None:
    with pytest.raises(
        IngestError, match=r"^/no/such/mailbox\.mbox: no such file or folder; check the path$"
    ):
        discover([Path("/no/such/mailbox.mbox")])


def test_unknown_file_type_is_a_one_line_ingest_error(tmp_path: Path) -> None:
    (tmp_path / "scan.docx").write_bytes(b"PK\x03\x04 synthetic")
    with pytest.raises(IngestError) as caught:
        discover([tmp_path])
    assert "scan.docx: cannot read this kind of file" in str(caught.value) and "\n" not in str(caught.value)


def test_hidden_files_in_folders_are_skipped(tmp_path: Path) -> None:
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00")
    (tmp_path / "a.txt").write_text("Hello Maya\n", encoding="utf-8")
    assert [s.path.name for s in discover([tmp_path])] == ["a.txt"]


def test_unreadable_file_is_an_ingest_error_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "gone.eml"
    path.write_bytes(b"From: a@example.com\n\nhi\n")
    (source,) = discover([path])
    path.unlink()
    with pytest.raises(IngestError, match=r"gone\.eml: cannot read it"):
        list(iter_source(source))


@pytest.mark.parametrize(
    "sample", sorted(p.relative_to(DATA) for p in DATA.rglob("*") if p.is_file() and "maildir" not in p.parts)
)
def test_any_cut_of_any_sample_never_raises_more_than_an_ingest_error(sample: Path, tmp_path: Path) -> None:
    data = (DATA / sample).read_bytes()
    for cut in sorted({len(data) // 3, len(data) // 2, len(data) - 7}):
        path = tmp_path / f"cut{cut}{sample.suffix}"
        path.write_bytes(data[: max(cut, 0)])
        try:
            found = read_all(discover([path]))
        except IngestError:
            continue
        assert all(isinstance(i, Incoming | Quarantined) for i in found)
