"""English or French. Lingua, restricted to the two languages we read, with a stopword heuristic for scraps.

The lingua detector costs about 157 MB and a second to load, so it is built on the first call and cached
for the process, never at import. Very short texts ("ok", "<3", a name) say too little for any detector:
they get a cheap count of French stopwords and accents instead, defaulting to English.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

LANGUAGES = ("en", "fr")
MIN_LETTERS_FOR_DETECTOR = 12

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]*)?")
_ACCENTED = re.compile(r"[àâçéèêëîïôûùüÿœ]", re.IGNORECASE)
FRENCH_WORDS = frozenset(
    [
        "je",
        "j'",
        "tu",
        "il",
        "elle",
        "on",
        "nous",
        "vous",
        "ils",
        "elles",
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "du",
        "de",
        "et",
        "est",
        "suis",
        "es",
        "sont",
        "pas",
        "ne",
        "plus",
        "mais",
        "ou",
        "où",
        "que",
        "qui",
        "quoi",
        "avec",
        "pour",
        "dans",
        "sur",
        "ce",
        "ça",
        "cette",
        "mon",
        "ma",
        "mes",
        "ton",
        "ta",
        "tes",
        "son",
        "sa",
        "ses",
        "moi",
        "toi",
        "c'est",
        "j'ai",
        "t'es",
        "chuis",
        "jsuis",
        "jvais",
        "merci",
        "bonjour",
        "salut",
        "coucou",
        "trop",
        "très",
        "bien",
        "aussi",
    ]
)
ENGLISH_WORDS = frozenset(
    [
        "i",
        "you",
        "he",
        "she",
        "it",
        "we",
        "they",
        "the",
        "a",
        "an",
        "and",
        "is",
        "am",
        "are",
        "was",
        "were",
        "not",
        "no",
        "but",
        "or",
        "that",
        "what",
        "who",
        "with",
        "for",
        "in",
        "on",
        "this",
        "my",
        "your",
        "me",
        "his",
        "her",
        "our",
        "i'm",
        "you're",
        "it's",
        "don't",
        "can't",
        "thanks",
        "thank",
        "hello",
        "hi",
        "love",
        "so",
        "very",
        "too",
    ]
)


def detect(text: str) -> str:
    """ "en" or "fr": lingua for anything with a dozen letters, the stopword count below that."""
    if sum(map(str.isalpha, text[:400])) < MIN_LETTERS_FOR_DETECTOR:
        return heuristic(text)
    found = _detector().detect_language_of(text)
    if found is None:
        return heuristic(text)
    return "fr" if found.name == "FRENCH" else "en"


def heuristic(text: str) -> str:
    """French when French stopwords and accents outnumber English stopwords; English otherwise."""
    words = _WORD.findall(text.lower().replace("\u2019", "'"))
    french = sum(w in FRENCH_WORDS for w in words) + len(_ACCENTED.findall(text))
    english = sum(w in ENGLISH_WORDS for w in words)
    return "fr" if french > english else "en"


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.FRENCH).build()
