"""Page image -> text through Tesseract, with the clean-up that scans need and a confidence per page.

Preprocessing (Pillow + NumPy): grey, autocontrast (faded ink, grey paper), a 3x3 median filter (scanner
speckle; NOTES.md measured it making a noisy French letter exact) and deskew by projection profile (a
slightly turned sheet). The language is decided per page by evidence: the page is read with French and
with English and the reading Tesseract is surer of wins, since English data on a French page (and the other
way round) loses accents and words (0.58 against 0.92 character accuracy in NOTES.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

import numpy as np
import pytesseract
from PIL import Image, ImageFilter, ImageOps

from stagedoor.domain.paper import LOW_CONFIDENCE

LANGUAGES = {"fra": "fr", "eng": "en"}
"""Tesseract language data tried on every page, and the language code each one stands for."""
MAX_SKEW_DEGREES = 8.0


class OcrUnavailable(RuntimeError):
    """Tesseract or its French/English data is missing: a setup problem, not bad input."""


@dataclass(frozen=True)
class OcrResult:
    text: str
    language: str
    confidence: float
    """Mean word confidence, 0-100, weighted by word length; 0 when no word was found."""
    rotation: int = 0
    """Degrees the page was turned clockwise to read it (a sheet fed sideways or upside down)."""


@cache
def _installed_languages() -> frozenset[str]:
    return frozenset(pytesseract.get_languages(config=""))


def check_tesseract() -> None:
    """Fail fast, with what to install, before any file is read."""
    try:
        langs = _installed_languages()
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError, OSError) as exc:
        raise OcrUnavailable(
            f"tesseract is not installed or does not run ({exc}); install Debian's tesseract-ocr "
            "tesseract-ocr-fra tesseract-ocr-eng (make system)"
        ) from None
    if missing := set(LANGUAGES) - langs:
        raise OcrUnavailable(
            f"tesseract lacks language data {sorted(missing)}; install tesseract-ocr-fra and tesseract-ocr-eng"
        )


def preprocess(image: Image.Image) -> Image.Image:
    """Grey, stretched contrast, speckle removed, straightened."""
    grey = ImageOps.autocontrast(image.convert("L"), cutoff=1)
    return deskew(grey.filter(ImageFilter.MedianFilter(3)))


def skew_angle(image: Image.Image, limit: float = MAX_SKEW_DEGREES) -> float:
    """The rotation (degrees) that makes text lines horizontal: where the row profile of ink is sharpest."""
    small = image.convert("L")
    small.thumbnail((900, 900))
    ink = Image.fromarray(((np.asarray(small) < 128) * 255).astype(np.uint8))

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST), dtype=np.float64).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    coarse = max(np.arange(-limit, limit + 0.01, 1.0), key=sharpness)
    fine = max(np.arange(coarse - 1.0, coarse + 1.01, 0.1), key=sharpness)
    return round(float(fine), 1)


def deskew(image: Image.Image) -> Image.Image:
    angle = skew_angle(image)
    if abs(angle) < 0.2:
        return image
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def recognise(image: Image.Image, lang: str) -> OcrResult:
    """One Tesseract pass: text rebuilt line by line from its word table, and the mean confidence."""
    data = pytesseract.image_to_data(image, lang=lang, output_type=pytesseract.Output.DICT)
    lines: dict[tuple[int, int, int], list[str]] = {}
    weighted = letters = 0.0
    for i, word in enumerate(data["text"]):
        conf = float(data["conf"][i])
        if conf < 0 or not word.strip():
            continue
        lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(word)
        weighted += conf * len(word)
        letters += len(word)
    text, last = [], None
    for (block, par, _line), words in lines.items():
        if last is not None and last != (block, par):
            text.append("")
        text.append(" ".join(words))
        last = (block, par)
    return OcrResult("\n".join(text), LANGUAGES.get(lang, lang), weighted / letters if letters else 0.0)


def read_page(image: Image.Image, doubtful_below: float = LOW_CONFIDENCE) -> OcrResult:
    """The page preprocessed, read in each language; the reading with the higher confidence wins.

    A doubtful reading may be a sheet fed sideways or upside down: Tesseract's orientation detection then
    says how to turn it, and the turned page is read again (kept only if it reads better).
    """
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # Tesseract's threads cost 3x on 2 cores (NOTES.md)
    clean = preprocess(image)
    best = max((recognise(clean, lang) for lang in LANGUAGES), key=lambda r: r.confidence)
    if best.confidence >= doubtful_below or not (turn := orientation(clean)):
        return best
    turned = preprocess(image.rotate(-turn, expand=True, fillcolor=255))
    again = max((recognise(turned, lang) for lang in LANGUAGES), key=lambda r: r.confidence)
    if again.confidence <= best.confidence:
        return best
    return OcrResult(again.text, again.language, again.confidence, turn)


def orientation(image: Image.Image, min_confidence: float = 2.0) -> int:
    """Degrees to turn the page clockwise so its text stands upright (0, 90, 180, 270); 0 when unsure."""
    try:
        osd = pytesseract.image_to_osd(image, output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError:  # "too few characters": nothing to orient by
        return 0
    turn = int(osd.get("rotate", 0)) % 360
    return turn if float(osd.get("orientation_conf", 0.0)) >= min_confidence else 0
