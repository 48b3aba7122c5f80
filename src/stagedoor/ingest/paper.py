"""Scanned letters (PNG, JPEG, TIFF with any number of pages) and PDFs -> one letter message per file.

A PDF page with a text layer (typed, or already OCR'd by the scanner) is taken as it is; every other page
goes through Tesseract (ingest/ocr.py). Each page keeps a PNG for the desk and, for OCR, its confidence; a
page under LOW_CONFIDENCE (or with almost no text: handwriting, a photo) is marked for a human to transcribe.
A file that is not a readable image or PDF is quarantined with the reason, its bytes kept.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator

import pypdfium2 as pdfium
import pytesseract
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from stagedoor.domain import Channel, IngestItem, Quarantined, Sender
from stagedoor.domain.paper import LOW_CONFIDENCE, Page, PageSource, PaperIncoming, letter_text
from stagedoor.ingest.base import IngestError, Source, make_message, too_big
from stagedoor.ingest.ocr import OcrUnavailable, check_tesseract, read_page

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
PDF_SUFFIXES = (".pdf",)
MIN_TEXT_LAYER = 20
"""A PDF page with fewer letters than this in its text layer is treated as a scan (a stray page number)."""
MIN_OCR_LETTERS = 15
"""An OCR'd page with fewer letters than this is most likely handwriting or a picture: a human reads it."""
OCR_DPI = 300
MAX_RENDER_SIDE = 5000
"""Pixels on the long side of a PDF page rendered for OCR, at most (A4 at 300 dpi is 3508)."""
SHOWN_MAX_SIDE = 1600
"""Pages are kept for the desk at most this many pixels on their long side (enough to read, small to store)."""
MAX_PAGES = 200


class UnreadablePaper(ValueError):
    """The file's content is not a readable image or PDF; its message is the quarantine reason."""


class PaperImporter:
    """A scanned or PDF letter; every page through the text layer or OCR."""

    kind = "paper"
    channel = Channel.LETTER
    suffixes: tuple[str, ...] = IMAGE_SUFFIXES + PDF_SUFFIXES

    def check(self, source: Source) -> None:
        try:
            check_tesseract()
        except OcrUnavailable as exc:
            raise IngestError(f"{source.path}: cannot read scanned letters: {exc}") from None

    def iter_items(self, source: Source, max_bytes: int) -> Iterator[IngestItem]:
        raw = source.path.read_bytes()
        origin = str(source.path)
        if len(raw) > max_bytes:
            yield Quarantined(raw, self.channel, origin, too_big(len(raw), max_bytes))
            return
        try:
            pages = read_paper(raw, source.path.suffix.lower())
        except UnreadablePaper as exc:
            yield Quarantined(raw, self.channel, origin, str(exc))
            return
        except Exception as exc:  # hostile bytes can trip any decoder: keep the file, never stall a batch
            yield Quarantined(
                raw, self.channel, origin, f"could not be read: {type(exc).__name__}: {_one_line(exc)}"
            )
            return
        yield paper_message(raw, pages, origin, source.path.name)


def paper_message(raw: bytes, pages: list[Page], origin: str, name: str) -> PaperIncoming:
    incoming = make_message(
        raw,
        Channel.LETTER,
        sender=Sender(),
        received_at=None,
        subject="",
        text=letter_text(pages),
        origin=origin,
        external_id=name,
        notes=paper_notes(pages),
    )
    return PaperIncoming(message=incoming.message, raw=raw, pages=tuple(pages))


def paper_notes(pages: list[Page]) -> list[str]:
    ocr = [p for p in pages if p.source is PageSource.OCR]
    notes = [f"paper letter: {len(pages)} page(s), {len(ocr)} read by OCR"]
    notes += [
        f"page {p.number}: OCR confidence {p.confidence:.0f}, marked for a person to transcribe"
        for p in pages
        if p.needs_transcription
    ]
    return notes


def read_paper(raw: bytes, suffix: str) -> list[Page]:
    """Every page of an image or PDF file; UnreadablePaper for content that is neither."""
    if suffix in PDF_SUFFIXES or raw.startswith(b"%PDF"):
        return _pdf_pages(raw)
    return [_ocr_page(n, image) for n, image in enumerate(_image_frames(raw), start=1)]


def _image_frames(raw: bytes) -> list[Image.Image]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
            frames: list[Image.Image] = []
            for frame in ImageSequence.Iterator(image):
                if len(frames) == MAX_PAGES:
                    raise UnreadablePaper(f"more than {MAX_PAGES} pages in one image file; split it")
                frames.append(ImageOps.exif_transpose(frame).convert("L"))  # a phone photo's rotation
    except UnreadablePaper:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UnreadablePaper(f"not a readable image: {_one_line(exc)}") from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:  # Pillow's ways of saying "truncated/broken"
        raise UnreadablePaper(f"damaged image: {_one_line(exc)}") from None
    if not frames:
        raise UnreadablePaper("image file with no pages")
    return frames


def _pdf_pages(raw: bytes) -> list[Page]:
    try:
        pdf = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as exc:
        raise UnreadablePaper(f"not a readable PDF: {_one_line(exc)}") from None
    try:
        if len(pdf) == 0:
            raise UnreadablePaper("PDF with no pages")
        if len(pdf) > MAX_PAGES:
            raise UnreadablePaper(f"PDF of {len(pdf)} pages is over the {MAX_PAGES}-page limit; split it")
        return [_pdf_page(n, pdf[n - 1]) for n in range(1, len(pdf) + 1)]
    except pdfium.PdfiumError as exc:
        raise UnreadablePaper(f"damaged PDF: {_one_line(exc)}") from None
    finally:
        pdf.close()


def _pdf_page(number: int, page: pdfium.PdfPage) -> Page:
    text = page.get_textpage().get_text_bounded().replace("\r\n", "\n").replace("\r", "\n")
    if sum(c.isalpha() for c in text) >= MIN_TEXT_LAYER:
        image = page.render(scale=150 / 72).to_pil()
        return Page(number, _tidy(text), PageSource.TEXT_LAYER, "", None, _png(image))
    width, height = page.get_size()  # points; an absurd page size must not render to gigapixels
    scale = min(OCR_DPI / 72, MAX_RENDER_SIDE / max(width, height, 1.0))
    return _ocr_page(number, page.render(scale=scale).to_pil())


def _ocr_page(number: int, image: Image.Image) -> Page:
    try:
        result = read_page(image, doubtful_below=LOW_CONFIDENCE)
    except pytesseract.TesseractError as exc:
        raise UnreadablePaper(f"page {number}: Tesseract could not read it: {_one_line(exc)}") from None
    letters = sum(c.isalpha() for c in result.text)
    doubtful = result.confidence < LOW_CONFIDENCE or letters < MIN_OCR_LETTERS
    text = _tidy(result.text)
    shown = image.rotate(-result.rotation, expand=True, fillcolor=255) if result.rotation else image
    return Page(
        number, text, PageSource.OCR, result.language, round(result.confidence, 1), _png(shown), doubtful
    )


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\x00", "").split("\n")]
    return "\n".join(lines).strip()


def _png(image: Image.Image) -> bytes:
    shown = image.convert("L")
    shown.thumbnail((SHOWN_MAX_SIDE, SHOWN_MAX_SIDE))
    out = io.BytesIO()
    shown.save(out, format="PNG")
    return out.getvalue()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
