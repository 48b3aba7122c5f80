"""Reading in batches: the fast featurizer and the batched model give what one-at-a-time reading gives."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from stagedoor import services
from stagedoor.domain import Incoming, Reading
from stagedoor.ingest import discover, iter_source
from stagedoor.read import Reader, ReaderContext
from stagedoor.read.models import LinearModel, default_model_path
from stagedoor.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
TRICKY = [
    "",
    "   ",
    "a",
    "I",
    "Élodie   ÉCRIT\u00a0à toi &amp; moi http://x.example/a.b @bob. Next &#33; one.\n\nthree",
    "ﬁn ½ œuvre — « guillemets » l’apostrophe",
    "k i l l  su1c1de  ...!!! ??",
    "word\tword\r\nword",
]


def corpus() -> list[str]:
    """Our demo mail and French evaluation set: English and French, letters, DMs, accents and scraps."""
    _, inputs = services.demo_settings(Settings())
    demo = [
        item.message.text
        for source in discover(inputs)
        for item in iter_source(source)
        if isinstance(item, Incoming)
    ]
    lines = (ROOT / "eval" / "fr" / "stagedoor_fr_eval_v1.jsonl").read_text(encoding="utf-8").splitlines()
    return demo + [json.loads(line)["text"] for line in lines] + TRICKY


@pytest.fixture(scope="module")
def model() -> LinearModel:
    return LinearModel.load(default_model_path())


def test_remembered_columns_give_exactly_the_vectorizer_counts(model: LinearModel) -> None:
    texts = corpus()
    featurizer = model.featurizer_
    for _ in range(2):  # a cold cache, then a warm one
        for fast, reference in zip(featurizer.counts(texts), featurizer.reference_counts(texts), strict=True):
            assert fast.shape == reference.shape
            assert abs(fast - reference).sum() == 0


def test_both_at_once_equals_texts_and_sentences_apart(model: LinearModel) -> None:
    texts = corpus()
    featurizer = model.featurizer_
    docs, sents, starts = featurizer.transform_both(texts)
    alone_sents, alone_starts = featurizer.transform_sentences(texts)
    assert abs(docs - featurizer.transform(texts)).max() < 1e-6
    assert abs(sents - alone_sents).max() < 1e-6
    assert np.array_equal(starts, alone_starts)


def _same(a: Reading, b: Reading) -> None:
    assert a.message_id == b.message_id and a.severity == b.severity and a.language == b.language
    assert [(f.category, f.severity, f.evidence) for f in a.flags] == [
        (f.category, f.severity, f.evidence) for f in b.flags
    ]
    assert dict(a.scores) == pytest.approx(dict(b.scores), abs=1e-5)


@pytest.mark.parametrize("use_model", [True, False])
def test_a_batch_reads_like_one_message_at_a_time(use_model: bool) -> None:
    reader = Reader(ReaderContext(use_model=use_model))
    items = [(f"m{i}", text) for i, text in enumerate(corpus())]
    batch = reader.read_texts(items)
    assert len(batch) == len(items)
    for (message_id, text), reading in zip(items, batch, strict=True):
        _same(reading, reader.read_text(text, message_id=message_id))
    assert any(r.flags for r in batch) and any(not r.flags for r in batch)


def test_a_bad_line_past_the_first_batch_keeps_every_reading_before_it() -> None:
    reader = Reader(ReaderContext(use_model=False))
    good = [
        json.dumps({"id": i, "text": f"message {i}: I love the album"}) for i in range(services.BATCH + 40)
    ]
    out: list[dict[str, object]] = []
    with pytest.raises(services.BatchInputError, match=f"line {len(good) + 1}: not valid JSON"):
        for row in services.read_batch(reader, [*good, "{oops", json.dumps({"id": "after", "text": "x"})]):
            out.append(row)
    assert [row["id"] for row in out] == list(range(len(good)))
