"""Each entry with a test: every lexicon example raises its entry, every counter-example does not.

Examples run through the whole reader, not just the regex, so an example that context would set aside
(a negation, someone else's story) fails here and gets rewritten or the rule fixed.
"""

from __future__ import annotations

import json

import pytest

from stagedoor.domain import Category
from stagedoor.read import Reader
from stagedoor.read.lexicon import LEXICON_DIR, Entry, LexiconError, compile_pattern, load_lexicon
from stagedoor.read.needles import required_literals
from stagedoor.read.normalise import fold

LEXICON = load_lexicon()
READER = Reader()
ENTRIES = LEXICON.entries
CUES = [cue for cues in LEXICON.cues.values() for cue in cues]


def _rules(text: str) -> set[str]:
    return {rule for flag in READER.read_text(text).flags for rule in flag.rule.split(",")}


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_every_example_raises_its_entry(entry: Entry) -> None:
    missed = [example for example in entry.examples if entry.id not in _rules(example)]
    assert not missed, f"{entry.id} ({entry.pattern}) did not raise for {missed}"


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.counter], ids=lambda e: e.id)
def test_no_counter_example_raises_its_entry(entry: Entry) -> None:
    raised = [counter for counter in entry.counter if entry.id in _rules(counter)]
    assert not raised, f"{entry.id} raised for counter-examples {raised}"


@pytest.mark.parametrize("cue", CUES, ids=lambda c: c.id)
def test_every_cue_example_matches_and_no_counter_does(cue: object) -> None:
    assert all(cue.regex.search(fold(example)) for example in cue.examples), cue.id  # type: ignore[attr-defined]
    assert not any(cue.regex.search(fold(counter)) for counter in cue.counter), cue.id  # type: ignore[attr-defined]


def test_every_category_has_a_rich_lexicon_in_both_languages() -> None:
    for language in ("en", "fr"):
        for category in Category:
            count = sum(e.language == language and e.category is category for e in ENTRIES)
            assert count >= 12, f"{language} {category.value}: only {count} entries"


def test_entry_files_are_one_per_language_and_category() -> None:
    files = sorted(p.relative_to(LEXICON_DIR).as_posix() for p in LEXICON_DIR.glob("*/*.json"))
    assert len(files) == 16
    for path in LEXICON_DIR.glob("*/*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["language"] == path.parent.name
        assert data["category"].endswith("." + path.stem)


def test_needles_never_skip_a_matching_pattern() -> None:
    """The prefilter is only safe if every example contains one of its entry's needles."""
    for entry in ENTRIES:
        if entry.needles:
            for example in entry.examples:
                text = fold(example)
                if entry.regex.search(text):
                    assert any(n in text for n in entry.needles), (entry.id, example, entry.needles)


def test_most_entries_get_a_needle() -> None:
    with_needles = sum(bool(e.needles) for e in ENTRIES)
    assert with_needles / len(ENTRIES) > 0.9


def test_required_literals_of_simple_patterns() -> None:
    assert required_literals(r"(?<!\w)(?:i\s+want\s+to\s+die)(?!\w)") == ("i want to die",)
    assert set(required_literals(r"(?:mourir|crever)")) == {"mourir", "crever"}
    assert required_literals(r"(?:a|bc)") == ()
    assert set(required_literals(r"k[i*]ll")) == {"kill", "k*ll"}


def test_patterns_fold_accents_and_spaces() -> None:
    regex = compile_pattern("je suis épuisée", "fr", {})
    assert regex.search(fold("Je  suis\népuisée"))
    assert regex.search(fold("je suis epuisee"))


def test_unknown_macro_is_refused() -> None:
    with pytest.raises(LexiconError):
        compile_pattern("{NOPE} die", "en", {"en": {}})
