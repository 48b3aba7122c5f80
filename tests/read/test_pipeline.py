"""The reader's contract: the public API, the stage table and the order check at start-up."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stagedoor.domain import Channel, Message, Sender, Severity
from stagedoor.read import PIPELINE_VERSION, PipelineError, Reader, ReaderContext, StageInfo, load_lyrics
from stagedoor.read.lexicon import LexiconError, load_lexicon
from stagedoor.read.pipeline import DOC_FIELDS, check_order
from stagedoor.read.stages import DEFAULT_PIPELINE


def test_the_stage_table_is_the_documented_pipeline() -> None:
    stages = Reader().stages
    assert [s.name for s in stages] == [
        "normalise",
        "language",
        "patterns",
        "lyrics",
        "context",
        "plans",
        "severity",
        "model",
        "fusion",
    ]
    for info in stages:
        assert isinstance(info, StageInfo) and info.doc and info.provides
        assert set(info.requires) | set(info.provides) <= DOC_FIELDS


@pytest.mark.parametrize("stage", DEFAULT_PIPELINE, ids=lambda s: s.info.name)
def test_every_stage_keeps_the_protocol(stage: object) -> None:
    """A stage is a pure function of (doc, env): it returns a new Doc, and only its own fields change."""
    reader = Reader()
    doc = dataclasses.replace(_doc_before(stage, "I want to kill myself tonight"))
    after = stage.run(doc, reader._env)  # type: ignore[attr-defined]
    changed = {f.name for f in dataclasses.fields(doc) if getattr(doc, f.name) != getattr(after, f.name)}
    assert changed <= set(stage.info.provides)  # type: ignore[attr-defined]


def _doc_before(stage: object, text: str):  # type: ignore[no-untyped-def]
    from stagedoor.read.pipeline import Doc

    reader = Reader()
    doc = Doc(message_id="m", text=text)
    for s in DEFAULT_PIPELINE:
        if s is stage:
            return doc
        doc = s.run(doc, reader._env)
    raise AssertionError("stage not in the pipeline")


def test_a_stage_before_what_it_needs_is_refused_at_start_up() -> None:
    swapped = (DEFAULT_PIPELINE[0], DEFAULT_PIPELINE[2], DEFAULT_PIPELINE[1], *DEFAULT_PIPELINE[3:])
    with pytest.raises(PipelineError, match="patterns"):
        check_order(swapped)
    with pytest.raises(PipelineError):
        Reader(stages=swapped)


def test_a_field_provided_twice_is_refused() -> None:
    with pytest.raises(PipelineError, match="second time"):
        check_order((*DEFAULT_PIPELINE, DEFAULT_PIPELINE[0]))


def test_read_takes_a_message_and_leaves_routing_to_triage() -> None:
    message = Message(
        id="abc123",
        channel=Channel.DM,
        sender=Sender(handle="fan"),
        received_at=datetime(2026, 3, 1, tzinfo=UTC),
        subject="",
        text="je veux mourir",
        raw_sha256="0" * 64,
    )
    reading = Reader().read(message)
    assert reading.message_id == "abc123"
    assert reading.language == "fr"
    assert reading.routes == ()
    assert reading.severity == Severity.CONCERN
    assert reading.pipeline_version.startswith(PIPELINE_VERSION + "+")


def test_an_empty_or_harmless_text_reads_clean() -> None:
    for text in ("", "   ", "Merci pour le concert !", "Thank you for the album <3"):
        reading = Reader().read_text(text, message_id="x")
        assert reading.flags == () and reading.severity == Severity.NONE and reading.language in {"en", "fr"}


def test_version_names_the_rules_the_model_and_changes_with_the_lyrics() -> None:
    plain, with_lyrics = Reader(), Reader(ReaderContext(lyrics=("I want to disappear into the blue",)))
    rules_only = Reader(ReaderContext(use_model=False))
    assert plain.version.startswith(PIPELINE_VERSION + "+")
    assert plain.version != with_lyrics.version
    assert plain.version == Reader().version
    assert rules_only.version.endswith("+rules") and not plain.version.endswith("+rules")


def test_load_lyrics_skips_blank_lines_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "lyrics.txt"
    path.write_text(
        "# Blue Hour\nI want to disappear into the blue\n\n  nobody hears me when I fall  \n#end\n",
        encoding="utf-8",
    )
    assert load_lyrics(path) == ("I want to disappear into the blue", "nobody hears me when I fall")


def _write_lexicons(root: Path, entry: dict[str, object]) -> tuple[Path, Path]:
    from stagedoor.domain import Category
    from stagedoor.read.lexicon import DATA_DIR, label_of

    lexicons, data = root / "lexicons", root / "data"
    data.mkdir(parents=True)
    for source in DATA_DIR.glob("*.json"):
        (data / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    for language in ("en", "fr"):
        (lexicons / language).mkdir(parents=True)
        for category in Category:
            entries = [entry] if (language, category) == ("en", Category.WRITER_SUICIDE) else []
            body = {"language": language, "category": category.value, "entries": entries}
            (lexicons / language / f"{label_of(category)}.json").write_text(
                json.dumps(body), encoding="utf-8"
            )
    return lexicons, data


GOOD = {
    "id": "en.suicide.x",
    "pattern": "want to die",
    "severity": "concern",
    "reason": "r",
    "first_person": True,
    "examples": ["i want to die"],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pattern": "want to (die"}, "does not compile"),
        ({"id": "en.threat.x"}, "must start with"),
        ({"severity": "high"}, "severity"),
        ({"examples": []}, "examples"),
        ({"escalate": ["tomorrow"]}, "escalate"),
        ({"typo": 1}, "unknown keys"),
    ],
)
def test_a_broken_lexicon_fails_loudly_naming_the_entry(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    lexicons, data = _write_lexicons(tmp_path, {**GOOD, **change})
    with pytest.raises(LexiconError, match=message):
        load_lexicon(lexicons, data)


def test_a_good_lexicon_loads(tmp_path: Path) -> None:
    lexicons, data = _write_lexicons(tmp_path, GOOD)
    assert [e.id for e in load_lexicon(lexicons, data).entries] == ["en.suicide.x"]


def test_nothing_heavy_happens_on_import() -> None:
    import importlib
    import sys

    from stagedoor.read import language

    language._detector.cache_clear()
    importlib.reload(sys.modules["stagedoor.read"])
    assert language._detector.cache_info().currsize == 0
