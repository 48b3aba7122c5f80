"""The shared vocabulary of ../shared/TAXONOMY.md: categories, severities, routes, channels.

Names are stable identifiers: the CLI, the API, stored readings and evaluation files all use them.
"""

from __future__ import annotations

from enum import StrEnum


class Side(StrEnum):
    ARTIST = "artist"
    WRITER = "writer"


class Category(StrEnum):
    ARTIST_THREAT = "artist.threat"
    ARTIST_FIXATION = "artist.fixation"
    ARTIST_APPROACH = "artist.approach"
    ARTIST_HARASSMENT = "artist.harassment"
    WRITER_SUICIDE = "writer.suicide"
    WRITER_SELF_HARM = "writer.self_harm"
    WRITER_EATING_DISORDER = "writer.eating_disorder"
    WRITER_DISTRESS = "writer.distress"

    @property
    def side(self) -> Side:
        return Side(self.value.split(".", 1)[0])

    @property
    def label(self) -> str:
        """A name a non-engineer reads: 'self harm', 'eating disorder'."""
        return self.value.split(".", 1)[1].replace("_", " ")


_SEVERITY_ORDER = ("none", "low", "concern", "urgent", "imminent")


class Severity(StrEnum):
    """Ordered: none < low < concern < urgent < imminent."""

    NONE = "none"
    LOW = "low"
    CONCERN = "concern"
    URGENT = "urgent"
    IMMINENT = "imminent"

    @property
    def rank(self) -> int:
        return _SEVERITY_ORDER.index(self.value)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank

    @classmethod
    def from_rank(cls, rank: int) -> Severity:
        return cls(_SEVERITY_ORDER[max(0, min(rank, len(_SEVERITY_ORDER) - 1))])


class Route(StrEnum):
    SECURITY = "security"
    WELFARE = "welfare"
    ARTIST = "artist"


class Channel(StrEnum):
    EMAIL = "email"
    DM = "dm"
    COMMENT = "comment"
    LETTER = "letter"
    FORM = "form"
