"""Reader v1: domain.Message -> domain.Reading through a visible pipeline of small rule-based stages.

`Reader(ReaderContext(lyrics=...)).read(message)`; `reader.stages` lists each stage with what it requires
and provides. Lexicons and cue lists are JSON package data under read/lexicons/ and read/data/.
"""

from stagedoor.read.lyrics import load_lyrics
from stagedoor.read.pipeline import PipelineError, ReaderContext, StageInfo
from stagedoor.read.reader import PIPELINE_VERSION, Reader

__all__ = ["PIPELINE_VERSION", "PipelineError", "Reader", "ReaderContext", "StageInfo", "load_lyrics"]
