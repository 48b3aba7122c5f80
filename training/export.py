"""Prune, quantise and write the model files: `linear.npz` (plain arrays) and `linear.json` (metadata).

Both are written atomically (a temporary file, then a rename) and byte-for-byte reproducibly: the zip
entries carry a fixed date, so the same data gives the same npz and the same sha256.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from stagedoor.read.models.linear import sha256_of

WEIGHTS_FILE = "linear.npz"
METADATA_FILE = "linear.json"
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def prune(coef: np.ndarray, keep: float) -> sp.csr_matrix:
    """Keep, per category, the largest-magnitude weights holding `keep` of the total |weight|, rounded to
    float16 (what the npz stores)."""
    rows = []
    for row in coef:
        order = np.argsort(-np.abs(row), kind="stable")
        mass = np.cumsum(np.abs(row[order]))
        n = int(np.searchsorted(mass, keep * mass[-1]) + 1) if mass[-1] > 0 else 0
        kept = np.zeros_like(row)
        kept[order[:n]] = row[order[:n]]
        rows.append(kept.astype(np.float16).astype(np.float32))  # float16 values, float32 storage for scipy
    matrix = sp.csr_matrix(np.vstack(rows))
    matrix.eliminate_zeros()
    return matrix


def weight_arrays(coef: sp.csr_matrix, intercept: Sequence[float]) -> dict[str, np.ndarray]:
    return {
        "coef_data": coef.data.astype(np.float16),
        "coef_indices": coef.indices.astype(np.int32),
        "coef_indptr": coef.indptr.astype(np.int64),
        "intercept": np.asarray(intercept, dtype=np.float64),
    }


def write_npz(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """An npz that np.load reads (allow_pickle=False), with fixed zip dates so the bytes are reproducible."""
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as handle:
                np.lib.format.write_array(handle, np.ascontiguousarray(array), allow_pickle=False)
    os.replace(tmp, path)


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def write_model(out: Path, arrays: Mapping[str, np.ndarray], metadata: dict[str, Any]) -> Path:
    """Weights first, then the metadata that names their checksum: a half-written pair is refused on load."""
    out.mkdir(parents=True, exist_ok=True)
    weights = out / WEIGHTS_FILE
    write_npz(weights, arrays)
    metadata["weights_file"] = WEIGHTS_FILE
    metadata["weights_sha256"] = sha256_of(weights)
    metadata["sizes"]["weights_file_bytes"] = weights.stat().st_size
    write_json(out / METADATA_FILE, metadata)
    return out / METADATA_FILE
