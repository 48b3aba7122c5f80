"""Small helpers the desk's repositories share."""

from __future__ import annotations

from typing import Any


def affected(result: Any) -> int:
    """Rows an UPDATE or DELETE touched (typed Result objects do not declare rowcount)."""
    return int(result.rowcount)
