"""The Reader: runs the stage pipeline over a message and returns the domain Reading.

Built once (lexicons compiled, lyrics indexed, stage order checked), then used for any number of
messages. Routing is triage's job, so a Reading leaves here with no routes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from stagedoor.domain import Message, Reading, overall_severity
from stagedoor.read.fusion import Fusion, default_fusion_path
from stagedoor.read.language import LANGUAGES
from stagedoor.read.lexicon import load_lexicon
from stagedoor.read.lyrics import LyricIndex
from stagedoor.read.models import LinearModel, default_model_path
from stagedoor.read.patterns import Matcher
from stagedoor.read.pipeline import Doc, Env, ReaderContext, Stage, StageInfo, check_order
from stagedoor.read.stages import DEFAULT_PIPELINE

PIPELINE_VERSION = "stagedoor.reader.v2"
DEFAULT_CONTEXT = ReaderContext()


class Reader:
    """Message in, Reading out: flags with evidence and reasons, and the candidates context set aside."""

    def __init__(
        self, context: ReaderContext = DEFAULT_CONTEXT, stages: tuple[Stage, ...] = DEFAULT_PIPELINE
    ) -> None:
        check_order(stages)
        lexicon = load_lexicon()
        model, fusion = _load_model() if context.use_model else (None, None)
        self._env = Env(
            context,
            lexicon,
            Matcher.build(lexicon, LANGUAGES),
            LyricIndex.build(context.lyrics),
            model,
            fusion,
        )
        self._stages = stages
        learned = f"{model.metadata_['weights_sha256'][:8]}.{fusion.version}" if model and fusion else "rules"
        self.version = f"{PIPELINE_VERSION}+{_checksum(lexicon.checksum, context)}+{learned}"

    @property
    def context(self) -> ReaderContext:
        return self._env.context

    @property
    def stages(self) -> list[StageInfo]:
        return [s.info for s in self._stages]

    def read(self, message: Message) -> Reading:
        return self.read_text(message.text, message_id=message.id)

    def read_text(self, text: str, message_id: str = "") -> Reading:
        return self.read_texts([(message_id, text)])[0]

    def read_many(self, messages: Sequence[Message]) -> list[Reading]:
        return self.read_texts([(m.id, m.text) for m in messages])

    def read_texts(self, items: Sequence[tuple[str, str]]) -> list[Reading]:
        """(message id, text) pairs in, readings out in the same order; the model scores them as one batch."""
        docs = [Doc(message_id=message_id, text=text) for message_id, text in items]
        for s in self._stages:
            docs = s.over(docs, self._env)
        return [self._reading(doc) for doc in docs]

    def _reading(self, doc: Doc) -> Reading:
        return Reading(
            message_id=doc.message_id,
            language=doc.language or "en",
            flags=doc.flags,
            severity=overall_severity(doc.flags),
            routes=(),
            pipeline_version=self.version,
            suppressed=doc.suppressed,
            scores=doc.scores,
        )


def _load_model() -> tuple[LinearModel, Fusion]:
    model = LinearModel.load(default_model_path())
    return model, Fusion.load(default_fusion_path(), model.categories)


def _checksum(lexicon_checksum: str, context: ReaderContext) -> str:
    """Data files and lyrics both change readings, so both change the version (and trigger a re-read)."""
    digest = hashlib.sha256(lexicon_checksum.encode())
    digest.update(repr((context.lyrics, context.lyric_similarity)).encode())
    return digest.hexdigest()[:12]
