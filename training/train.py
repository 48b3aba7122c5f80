"""Train the shipped linear models: `python -m training.train [--data DIR] [--out DIR]` (`make models`)."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from stagedoor.datasets.corpus import DEFAULT_DATA, Example, counts, load_examples
from stagedoor.datasets.labelmap import LABEL_MAP, load_label_map
from stagedoor.datasets.seen import SEEN_FILE, SeenTexts, text_hash
from stagedoor.read.fusion import FUSION_FILE
from stagedoor.read.models.features import Featurizer, default_params
from stagedoor.read.models.linear import FORMAT_VERSION, LinearModel
from training import report
from training.baseline import baseline_probs
from training.export import prune, weight_arrays, write_json, write_model
from training.fit import C, CategoryFit, Features, fit_category
from training.fusion import fit_fusion, fused_probs, rule_matrix
from training.metrics import category_metrics, per_dataset, target_metrics

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "src" / "stagedoor" / "read" / "models"
KEEP_WEIGHT_MASS = 0.98  # pruning: keep the largest weights holding 98% of each category's total |weight|
BUDGET_BYTES = 25_000_000


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m training.train", description=__doc__)
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="the shared data dir (../shared/data)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where linear.npz and linear.json go")
    parser.add_argument("--no-baseline", action="store_true", help="skip the TF-IDF + LR comparison")
    parser.add_argument(
        "--fusion-only",
        action="store_true",
        help="keep the shipped linear model; refit only the rules+model fusion layer and thresholds",
    )
    return parser.parse_args(argv)


def evaluate(
    examples: Sequence[Example], probs: dict[str, np.ndarray], categories: Sequence[str]
) -> dict[str, Any]:
    dev = [ex for ex in examples if ex.split == "dev"]
    cal = [ex for ex in examples if ex.split == "calibration"]
    return {
        "categories": category_metrics(dev, probs["dev"], categories),
        "targets": target_metrics(dev, probs["dev"], categories, (cal, probs["calibration"])),
        "per_dataset": per_dataset(dev, probs["dev"], categories),
    }


def metadata(
    examples: Sequence[Example],
    fits: Sequence[CategoryFit],
    label_map: dict[str, Any],
    metrics: dict[str, Any],
) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "created": dt.date.today().isoformat(),
        "categories": [f.category for f in fits],
        "not_modelled": label_map["not_modelled"],
        "label_map": {
            "version": label_map["version"],
            "sha256": hashlib.sha256(LABEL_MAP.read_bytes()).hexdigest(),
        },
        "vectorizer": default_params(),
        "calibration": {
            "method": "logistic (Platt) on [whole-text score, best-sentence score], fitted on the calibration split",
            "coef": [f.calibration_coef for f in fits],
            "intercept": [f.calibration_intercept for f in fits],
        },
        "training": {
            "estimator": f"LogisticRegression(solver=liblinear, C={C}, class_weight=balanced), one per category",
            "split": "sha256 of writer/conversation (else normalised text): 70% train, 10% calibration, 20% dev",
            "sets": counts(examples),
            "excluded": label_map["excluded"],
            "per_category": {f.category: f.summary for f in fits},
        },
        "dev_metrics": metrics,
        "sizes": {},
    }


def train_fusion(
    examples: Sequence[Example],
    model: LinearModel,
    categories: list[str],
    rows: dict[str, np.ndarray],
    out: Path,
) -> dict[str, Any]:
    """Fit the rules+model layer on calibration rows, write fusion.json, and return fused dev metrics."""
    split = {s: [examples[i] for i in r] for s, r in rows.items()}
    model_p = {s: model.predict_proba([ex.text for ex in split[s]]) for s in rows}
    rules = {s: rule_matrix((ex.text for ex in split[s]), categories, f"rules on {s}") for s in rows}
    config, specs = fit_fusion(categories, split["calibration"], model_p["calibration"], rules["calibration"])
    write_json(out / FUSION_FILE, config)
    probs = {s: fused_probs(specs, categories, model_p[s], rules[s]) for s in rows}
    return evaluate(examples, probs, categories)


def refit_fusion(examples: Sequence[Example], categories: list[str], out: Path) -> int:
    path = out / "linear.json"
    model = LinearModel.load(path)
    rows = {
        s: np.array([i for i, ex in enumerate(examples) if ex.split == s]) for s in ("calibration", "dev")
    }
    fused = train_fusion(examples, model, categories, rows, out)
    meta = dict(model.metadata_)
    meta["dev_metrics"]["fused_with_rules"] = {k: fused[k] for k in ("categories", "targets")}
    write_json(path, meta)
    report.print_categories("Dev metrics per category, fused with the rules", fused["categories"])
    report.print_targets(fused["targets"], None)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    started = time.perf_counter()
    label_map = load_label_map()
    examples = load_examples(args.data, label_map)
    if args.fusion_only:
        return refit_fusion(examples, list(label_map["modelled"]), args.out)
    featurizer = Featurizer(default_params())
    features = Features.of(featurizer, examples)
    categories = list(label_map["modelled"])
    fits = [fit_category(c, examples, features, featurizer, label_map) for c in categories]
    print(f"trained {len(fits)} categories on {len(examples)} texts in {time.perf_counter() - started:.0f} s")
    rows = {
        s: np.array([i for i, ex in enumerate(examples) if ex.split == s]) for s in ("calibration", "dev")
    }
    full = evaluate(
        examples,
        {s: np.column_stack([f.proba(features, r) for f in fits]) for s, r in rows.items()},
        categories,
    )
    coef = prune(np.vstack([f.coef for f in fits]), KEEP_WEIGHT_MASS)
    arrays = weight_arrays(coef, [f.intercept for f in fits])
    meta = metadata(examples, fits, label_map, {})
    model = LinearModel(categories, coef, arrays["intercept"], meta["calibration"], meta["vectorizer"])
    shipped = evaluate(
        examples, {s: model.predict_proba([examples[i].text for i in r]) for s, r in rows.items()}, categories
    )
    meta["dev_metrics"] = {**shipped, "before_pruning": {k: full[k] for k in ("categories", "targets")}}
    baseline = None
    if not args.no_baseline:
        baseline = evaluate(
            examples, {s: baseline_probs(examples, categories, r) for s, r in rows.items()}, categories
        )
        meta["dev_metrics"]["baseline_tfidf_lr"] = {k: baseline[k] for k in ("categories", "targets")}
    meta["sizes"] = {
        "n_features": featurizer.n_features,
        "nonzero_weights": dict(zip(categories, np.diff(coef.indptr).tolist(), strict=True)),
        "pruning": f"per category, the largest weights holding {KEEP_WEIGHT_MASS:.0%} of total |weight|, float16",
    }
    path = write_model(args.out, arrays, meta)
    LinearModel.load(path)
    fused = train_fusion(examples, model, categories, rows, args.out)
    meta["dev_metrics"]["fused_with_rules"] = {k: fused[k] for k in ("categories", "targets")}
    write_json(path, meta)
    SeenTexts(text_hash(ex.text) for ex in examples if ex.split != "dev").save(args.out / SEEN_FILE)
    report.print_categories("Dev metrics per category, before pruning", full["categories"])
    report.print_categories("Dev metrics per category, shipped (pruned, float16)", shipped["categories"])
    if baseline is not None:
        report.print_categories("Dev metrics per category, baseline TF-IDF + LR", baseline["categories"])
    report.print_per_dataset(shipped["per_dataset"])
    report.print_categories("Dev metrics per category, fused with the rules", fused["categories"])
    report.print_targets(shipped["targets"], baseline["targets"] if baseline else None)
    print("\nTargets, fused with the rules (what the reader ships):")
    report.print_targets(fused["targets"], None)
    size = meta["sizes"]["weights_file_bytes"] + path.stat().st_size
    print(
        f"\nwrote {path} and {meta['weights_file']}: {size / 1e6:.2f} MB (budget {BUDGET_BYTES / 1e6:.0f} MB)"
    )
    print(f"total time {time.perf_counter() - started:.0f} s")
    return 0 if size <= BUDGET_BYTES else 1


if __name__ == "__main__":
    raise SystemExit(main())
