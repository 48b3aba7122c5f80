"""`stagedoor eval`: measure the reader on labelled JSONL, with each dataset's labels mapped by its `source`.

It consumes only the stable batch output (`services.read_batch`), never the reader's internals, so it
measures whatever the reader ships, and runs unchanged on sealed sets of the same row format.
"""

from stagedoor.evaluation.mapping import EvaluationError, default_mapping_path, load_mapping
from stagedoor.evaluation.run import EvalOptions, EvalResult, evaluate

__all__ = [
    "EvalOptions",
    "EvalResult",
    "EvaluationError",
    "default_mapping_path",
    "evaluate",
    "load_mapping",
]
