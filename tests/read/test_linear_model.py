"""The shipped linear models: checksums, refusals, calibrated output and explanations."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from stagedoor.domain import Category
from stagedoor.read.models import LinearModel, ModelError, default_model_path

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def model() -> LinearModel:
    return LinearModel.load(default_model_path())


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A private copy of the shipped files, free to damage."""
    source = default_model_path()
    meta = json.loads(source.read_text(encoding="utf-8"))
    shutil.copy(source, tmp_path / source.name)
    shutil.copy(source.with_name(meta["weights_file"]), tmp_path / meta["weights_file"])
    return tmp_path / source.name


def _edit_metadata(path: Path, **changes: object) -> None:
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta.update(changes)
    path.write_text(json.dumps(meta), encoding="utf-8")


def test_the_shipped_model_loads_with_known_categories(model: LinearModel) -> None:
    assert set(model.categories) <= {c.value for c in Category}
    assert {"artist.threat", "artist.harassment", "writer.suicide", "writer.distress"} <= set(
        model.categories
    )
    assert model.metadata_["weights_sha256"]


def test_the_shipped_files_fit_the_size_budget() -> None:
    meta = json.loads(default_model_path().read_text(encoding="utf-8"))
    total = (
        default_model_path().stat().st_size
        + default_model_path().with_name(meta["weights_file"]).stat().st_size
    )
    assert total <= 25_000_000


def test_categories_without_data_say_so_in_the_metadata(model: LinearModel) -> None:
    assert set(model.metadata_["not_modelled"]) == {c.value for c in Category} - set(model.categories)


def test_the_npz_or_json_path_both_load(copy: Path) -> None:
    assert LinearModel.load(copy.with_suffix(".npz")).categories == LinearModel.load(copy).categories


def test_a_tampered_weights_file_is_refused(copy: Path) -> None:
    weights = copy.with_suffix(".npz")
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelError, match=r"sha256.*make models"):
        LinearModel.load(copy)


def test_a_missing_weights_file_is_refused(copy: Path) -> None:
    copy.with_suffix(".npz").unlink()
    with pytest.raises(ModelError, match="make models"):
        LinearModel.load(copy)


def test_another_format_version_is_refused(copy: Path) -> None:
    _edit_metadata(copy, format_version=999)
    with pytest.raises(ModelError, match="format version 999"):
        LinearModel.load(copy)


def test_an_unknown_label_set_is_refused(copy: Path) -> None:
    meta = json.loads(copy.read_text(encoding="utf-8"))
    _edit_metadata(copy, categories=["artist.threat", "artist.grumpiness", *meta["categories"][2:]])
    with pytest.raises(ModelError, match="label set"):
        LinearModel.load(copy)


def test_corrupt_metadata_is_refused_in_one_line(copy: Path) -> None:
    copy.write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError) as info:
        LinearModel.load(copy)
    assert "\n" not in str(info.value)


def test_predict_proba_shape_and_range(model: LinearModel) -> None:
    texts = ["I love your new album", "", "Je t'attendrai devant chez toi.\nTu vas voir."]
    probs = model.predict_proba(texts)
    assert probs.shape == (3, len(model.categories))
    assert np.all((probs >= 0) & (probs <= 1))
    assert model.predict_proba([]).shape == (0, len(model.categories))


@pytest.mark.parametrize(
    ("category", "risky", "safe"),
    [
        (
            "artist.threat",
            "I will kill you after the show, I know where you live",
            "I loved the show, thank you so much",
        ),
        (
            "artist.threat",
            "je vais te casser la gueule, on va te tuer à la sortie",
            "merci pour ce concert magnifique",
        ),
        (
            "artist.harassment",
            "you are a stupid ugly bitch, shut up",
            "you are amazing, your voice is beautiful",
        ),
        (
            "writer.suicide",
            "I want to kill myself tonight, I can't go on living",
            "your song makes me so happy every day",
        ),
        (
            "writer.distress",
            "I feel so alone and hopeless, nothing will ever get better",
            "had a great day at the concert",
        ),
    ],
)
def test_obvious_examples_rank_sensibly(model: LinearModel, category: str, risky: str, safe: str) -> None:
    column = model.categories.index(category)
    probs = model.predict_proba([risky, safe])[:, column]
    assert probs[0] > probs[1]


def test_top_features_come_from_the_text(model: LinearModel) -> None:
    text = "After the Lille show I will kill you. I know where you live."
    top = model.top_features(text, "artist.threat", k=5)
    assert 0 < len(top) <= 5
    assert all(score > 0 for _, score in top)
    assert [s for _, s in top] == sorted((s for _, s in top), reverse=True)
    for words, _ in top:
        assert all(word.lower() in text.lower() for word in words.split())


def test_attributions_add_up_to_the_linear_score(model: LinearModel) -> None:
    text = "Je vais te faire du mal. You will regret it!!"
    row = model.categories.index("writer.suicide")
    weights = np.asarray(model.coef_[row].toarray()).ravel()
    total = sum(model.featurizer_.attribute(text, weights).values()) + model.intercept_[row]
    assert total == pytest.approx(model.decision_function([text])[0, row], abs=1e-4)


def test_top_features_for_an_unmodelled_category_is_a_clear_error(model: LinearModel) -> None:
    with pytest.raises(KeyError, match="no model"):
        model.top_features("hello", "artist.fixation")


def test_the_hashing_rule_matches_the_vectorizer(model: LinearModel) -> None:
    featurizer = model.featurizer_
    text = "Tu vas voir ce qui t'arrive après le concert"
    X = featurizer.transform([text])
    columns = set()
    for block, vectorizer in enumerate(featurizer.blocks):
        columns |= {featurizer.column(block, gram) for gram in vectorizer.build_analyzer()(text)}
    assert columns == set(X.indices.tolist())
