"""Identity keys: the exact ones that join messages silently, and the folded forms links compare.

Exact keys never guess: the same normalised email address, the same handle on the same platform, the same
postal address. Anything looser (a name, a style, a signature) is only ever a suggestion.
"""

from __future__ import annotations

import re
import unicodedata

from stagedoor.domain import Sender

_NON_WORD = re.compile(r"[^\w]+")
_POSTAL_WORDS = {
    "rue": "rue",
    "street": "st",
    "st": "st",
    "avenue": "av",
    "ave": "av",
    "av": "av",
    "road": "rd",
}
_TITLES = {"mr", "mrs", "ms", "miss", "mme", "mlle", "m", "dr", "monsieur", "madame", "mademoiselle"}


def fold(text: str) -> str:
    """Casefolded, accents removed, punctuation to single spaces: 'Céleste  MOREAU.' -> 'celeste moreau'."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(_NON_WORD.sub(" ", bare).replace("_", " ").split())


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """`fold` that also returns, for each folded character, the index of the original character it came from,
    so a cue found in folded text can be quoted in the writer's own words."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", ch))
        bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        for c in bare:
            c = c if (c.isalnum() and c != "_") else " "
            if c == " " and (not chars or chars[-1] == " "):
                continue
            chars.append(c)
            where.append(i)
    while chars and chars[-1] == " ":
        chars.pop()
        where.pop()
    return "".join(chars), where


def email_key(address: str) -> str:
    """Lower-cased; a '+tag' in the local part is dropped (the same mailbox receives it)."""
    local, at, domain = address.strip().lower().partition("@")
    if not at:
        return local
    return f"{local.split('+', 1)[0]}@{domain}"


def handle_key(handle: str, platform: str) -> str:
    return f"{(platform or 'unknown').strip().casefold()}:{handle.strip().lstrip('@').casefold()}"


def postal_key(postal: str) -> str:
    """Folded, with common street words shortened, so '14 Rue des Glycines' and '14 rue des glycines' agree."""
    return " ".join(_POSTAL_WORDS.get(w, w) for w in fold(postal).split())


def name_key(name: str) -> str:
    """Folded name without titles; empty when only an initial or a single letter is left."""
    words = [w for w in fold(name).split() if w not in _TITLES]
    return " ".join(words) if sum(len(w) for w in words) > 2 else ""


def exact_keys(sender: Sender) -> set[str]:
    """Every key that identifies this sender for certain; two senders sharing one are the same writer."""
    keys = set()
    if sender.address:
        keys.add("email:" + email_key(sender.address))
    if sender.handle:
        keys.add("handle:" + handle_key(sender.handle, sender.platform))
    if sender.postal_address and postal_key(sender.postal_address):
        keys.add("postal:" + postal_key(sender.postal_address))
    return keys


def signature_line(text: str) -> str:
    """The folded sign-off a writer repeats: the last short line of the message, if it has letters.

    A bare name is no signature (names have their own suggestion); two or more words or a symbol make one.
    """
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 2:
        return ""
    last = lines[-1]
    if len(last) > 60 or not any(c.isalpha() for c in last):
        return ""
    folded = fold(last)
    has_mark = any(not (c.isalnum() or c.isspace() or c in ".,-'") for c in last)
    return folded if folded and (has_mark or len(folded.split()) >= 3) else ""
