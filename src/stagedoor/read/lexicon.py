"""Load, validate and compile the reader's data files: lexicons per language and category, and context cues.

Lexicons are data so that a welfare lead can read them and a reviewer can diff them. A broken file must
fail loudly at start-up, naming the file and the entry, never silently match nothing. Patterns are written
over the normalised text (lowercase, no accents needed); a space means "any run of whitespace", `{MACRO}`
names a shared fragment from data/macros.json, and every pattern is wrapped in word boundaries. " ?" means
optional whitespace. Optional entry keys: "counter" (texts that must not raise it), "note", and "escalate"
(the plan kinds that may make it imminent, when fewer than its category's: see plans.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from stagedoor.domain import Category, Severity
from stagedoor.read.language import LANGUAGES
from stagedoor.read.needles import required_literals
from stagedoor.read.normalise import fold_pattern

ROOT = Path(__file__).resolve().parent
LEXICON_DIR = ROOT / "lexicons"
DATA_DIR = ROOT / "data"
ENTRY_KEYS = {"id", "pattern", "severity", "reason", "first_person", "examples"}
OPTIONAL_KEYS = {"counter", "note", "escalate"}
PLAN_KIND_NAMES = frozenset({"time", "place", "suicide_means", "weapon"})
CUE_KEYS = {"id", "pattern", "examples"}
CUE_OPTIONAL = {"counter", "note", "kind"}
_MACRO = re.compile(r"\{([A-Z][A-Z_]*)\}")
_SPACE = re.compile(r" ([?*+])?")


class LexiconError(ValueError):
    """A data file is missing, malformed, or holds a pattern that does not compile."""


@dataclass(frozen=True)
class Entry:
    """One lexicon rule: when `regex` matches the normalised text, the category gets a candidate flag."""

    id: str
    language: str
    category: Category
    severity: Severity
    reason: str
    first_person: bool
    pattern: str
    regex: re.Pattern[str]
    needles: tuple[str, ...]
    """Literal strings of which every match contains one: the entry is skipped when none is in the text."""
    examples: tuple[str, ...]
    counter: tuple[str, ...] = ()
    escalate: tuple[str, ...] | None = None
    """Plan kinds that may make this entry imminent; None: every kind its category takes (plans.py)."""


@dataclass(frozen=True)
class Cue:
    """One context or plan cue (hyperbole idiom, negation, subject, time, means...)."""

    id: str
    language: str
    kind: str
    regex: re.Pattern[str]
    examples: tuple[str, ...]
    counter: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    entries: tuple[Entry, ...]
    cues: dict[str, tuple[Cue, ...]]
    """Cue sets by data file name: "hyperbole", "negation", "perspective", "hypothetical", "plans"..."""
    checksum: str

    def cue_set(self, name: str, languages: tuple[str, ...]) -> tuple[Cue, ...]:
        return tuple(c for c in self.cues.get(name, ()) if c.language in languages)


def label_of(category: Category) -> str:
    return category.value.split(".", 1)[1]


@lru_cache(maxsize=4)
def load_lexicon(lexicon_dir: Path = LEXICON_DIR, data_dir: Path = DATA_DIR) -> Lexicon:
    """Every lexicon and cue file, compiled once per process (the result is immutable and shared)."""
    macros = _load_macros(data_dir / "macros.json")
    entries: list[Entry] = []
    digest = hashlib.sha256()
    for language in LANGUAGES:
        for category in Category:
            path = lexicon_dir / language / f"{label_of(category)}.json"
            digest.update(path.read_bytes() if path.exists() else b"")
            entries.extend(_load_entries(path, language, category, macros))
    _check_unique(entries)
    cues: dict[str, tuple[Cue, ...]] = {}
    for path in sorted(data_dir.glob("*.json")):
        digest.update(path.read_bytes())
        if path.stem != "macros":
            cues[path.stem] = _load_cues(path, macros)
    return Lexicon(tuple(entries), cues, digest.hexdigest())


def compile_pattern(pattern: str, language: str, macros: dict[str, dict[str, str]]) -> re.Pattern[str]:
    """Expand macros, fold accents, let a space match any whitespace (" ?": maybe none), add word boundaries."""
    expanded = pattern
    for _ in range(4):  # macros may use macros, a little
        expanded = _MACRO.sub(lambda m: _macro(m.group(1), language, macros), expanded)
    body = _SPACE.sub(lambda m: r"\s*" if m.group(1) in ("?", "*") else r"\s+", fold_pattern(expanded))
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


def _macro(name: str, language: str, macros: dict[str, dict[str, str]]) -> str:
    for scope in (language, "any"):
        if name in macros.get(scope, {}):
            return f"(?:{macros[scope][name]})"
    raise LexiconError(f"unknown macro {{{name}}} for language {language!r}")


def _load_macros(path: Path) -> dict[str, dict[str, str]]:
    data = _read_json(path)
    tables = {k: v for k, v in data.items() if k != "description"} if isinstance(data, dict) else None
    if tables is None or not all(isinstance(v, dict) for v in tables.values()):
        raise LexiconError(f"{path.name}: expected {{language: {{NAME: fragment}}}}")
    return tables


def _load_entries(
    path: Path, language: str, category: Category, macros: dict[str, dict[str, str]]
) -> list[Entry]:
    data = _read_json(path)
    where = f"{language}/{path.name}"
    if data.get("language") != language or data.get("category") != category.value:
        raise LexiconError(f"{where}: language/category header must be {language!r}/{category.value!r}")
    prefix = f"{language}.{label_of(category)}."
    return [_entry(raw, where, prefix, language, category, macros) for raw in data.get("entries", [])]


def _entry(
    raw: dict[str, Any],
    where: str,
    prefix: str,
    language: str,
    category: Category,
    macros: dict[str, dict[str, str]],
) -> Entry:
    name = raw.get("id", "?")
    _check_keys(raw, ENTRY_KEYS, OPTIONAL_KEYS, f"{where}: entry {name}")
    if not name.startswith(prefix):
        raise LexiconError(f"{where}: entry id {name!r} must start with {prefix!r}")
    if raw["severity"] not in {"low", "concern", "urgent", "imminent"}:
        raise LexiconError(f"{where}: entry {name}: severity {raw['severity']!r}")
    if not set(raw.get("escalate", ())) <= PLAN_KIND_NAMES:
        raise LexiconError(f"{where}: entry {name}: escalate must name plan kinds {sorted(PLAN_KIND_NAMES)}")
    if not isinstance(raw["first_person"], bool) or not raw["reason"].strip() or not raw["examples"]:
        raise LexiconError(f"{where}: entry {name}: needs first_person (bool), a reason and examples")
    try:
        regex = compile_pattern(raw["pattern"], language, macros)
    except (re.error, LexiconError) as exc:
        raise LexiconError(f"{where}: entry {name}: pattern does not compile: {exc}") from None
    return Entry(
        id=name,
        language=language,
        category=category,
        severity=Severity(raw["severity"]),
        reason=raw["reason"].strip(),
        first_person=raw["first_person"],
        pattern=raw["pattern"],
        regex=regex,
        needles=required_literals(regex.pattern),
        examples=tuple(raw["examples"]),
        counter=tuple(raw.get("counter", ())),
        escalate=tuple(raw["escalate"]) if "escalate" in raw else None,
    )


def _load_cues(path: Path, macros: dict[str, dict[str, str]]) -> tuple[Cue, ...]:
    data = _read_json(path)
    cues: list[Cue] = []
    for language in LANGUAGES:
        for raw in data.get(language, []):
            where = f"data/{path.name}: {raw.get('id', '?')}"
            _check_keys(raw, CUE_KEYS, CUE_OPTIONAL, where)
            try:
                regex = compile_pattern(raw["pattern"], language, macros)
            except (re.error, LexiconError) as exc:
                raise LexiconError(f"{where}: pattern does not compile: {exc}") from None
            cues.append(
                Cue(
                    id=raw["id"],
                    language=language,
                    kind=raw.get("kind", path.stem),
                    regex=regex,
                    examples=tuple(raw["examples"]),
                    counter=tuple(raw.get("counter", ())),
                )
            )
    return tuple(cues)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LexiconError(f"missing data file {path}") from None
    except json.JSONDecodeError as exc:
        raise LexiconError(f"{path.name}: not valid JSON: {exc}") from None


def _check_keys(raw: dict[str, Any], required: set[str], optional: set[str], where: str) -> None:
    missing, unknown = required - raw.keys(), raw.keys() - required - optional
    if missing or unknown:
        raise LexiconError(f"{where}: missing keys {sorted(missing)}, unknown keys {sorted(unknown)}")


def _check_unique(entries: list[Entry]) -> None:
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise LexiconError(f"duplicate lexicon entry id {entry.id!r}")
        seen.add(entry.id)
