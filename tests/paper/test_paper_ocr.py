"""Scanned and PDF letters through the real Tesseract: text, language, confidence, and the flags raised."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from pathlib import Path

import paperkit as k
import pytesseract
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageStat

from stagedoor import services
from stagedoor.domain import Category, Channel, Incoming, Quarantined, Route, sha256_hex
from stagedoor.domain.paper import PageSource, PaperIncoming
from stagedoor.ingest import discover, iter_source
from stagedoor.ingest.ocr import read_page, skew_angle
from stagedoor.services import Desk

MIN_ACCURACY = 0.95
"""Character accuracy every typed test letter must reach (they read at 0.99-1.0 here)."""

Build = Callable[[], bytes]
LETTERS: dict[str, tuple[str, Build, str, list[str]]] = {
    # name: (suffix, bytes, expected text, page languages)
    "skewed-speckled-fr.png": (
        ".png",
        lambda: k.png(k.render(k.FR_APPROACH, angle=4, speckle=3000)),
        k.FR_APPROACH,
        ["fr"],
    ),
    "low-contrast-en.png": (
        ".png",
        lambda: k.png(k.render(k.EN_SUICIDE, ink=180, paper=200, speckle=40000)),
        k.EN_SUICIDE,
        ["en"],
    ),
    "two-page-en.tiff": (
        ".tiff",
        lambda: k.tiff(k.render(k.EN_PAGE_ONE), k.render(k.EN_PAGE_TWO, angle=-2)),
        k.EN_PAGE_ONE + "\n" + k.EN_PAGE_TWO,
        ["en", "en"],
    ),
    "phone-photo-fr.jpg": (".jpg", lambda: k.jpeg(k.render(k.FR_FAN, angle=-3)), k.FR_FAN, ["fr"]),
    "scanned-no-text-layer-fr.pdf": (
        ".pdf",
        lambda: k.scanned_pdf(k.render(k.FR_THANKS)),
        k.FR_THANKS,
        ["fr"],
    ),
}


def drop(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read_file(path: Path) -> list[Incoming | Quarantined]:
    return [item for source in discover([path]) for item in iter_source(source)]


@pytest.mark.parametrize("name", sorted(LETTERS))
def test_scanned_letters_read_back_with_language_and_confidence(name: str, tmp_path: Path) -> None:
    _suffix, build, want, languages = LETTERS[name]
    path = drop(tmp_path, name, build())
    (item,) = read_file(path)
    assert isinstance(item, PaperIncoming), item
    assert item.message.channel is Channel.LETTER and item.message.raw_sha256 == sha256_hex(item.raw)
    assert item.raw == path.read_bytes()
    assert [p.language for p in item.pages] == languages
    assert all(p.source is PageSource.OCR and p.confidence and p.confidence > 80 for p in item.pages)
    assert not any(p.needs_transcription for p in item.pages)
    assert all(p.image_png.startswith(b"\x89PNG") for p in item.pages)
    assert k.accuracy(item.message.text, want) >= MIN_ACCURACY, item.message.text
    assert f"{len(languages)} page(s)" in item.message.notes[0]


def test_a_pdf_text_layer_is_taken_as_it_is(tmp_path: Path) -> None:
    (item,) = read_file(drop(tmp_path, "typed.pdf", k.typed_pdf(k.EN_SUICIDE)))
    assert isinstance(item, PaperIncoming)
    (page,) = item.pages
    assert page.source is PageSource.TEXT_LAYER and page.confidence is None and not page.needs_transcription
    assert k.accuracy(page.text, k.EN_SUICIDE) >= 0.99 and page.image_png.startswith(b"\x89PNG")


def test_preprocessing_rescues_a_faded_speckled_page_plain_tesseract_misreads() -> None:
    page = k.render(k.FR_APPROACH, ink=180, paper=200, speckle=40000, angle=3)
    plain = pytesseract.image_to_string(page, lang="fra")
    ours = read_page(page)
    assert k.accuracy(ours.text, k.FR_APPROACH) >= MIN_ACCURACY
    assert k.accuracy(plain, k.FR_APPROACH) < k.accuracy(ours.text, k.FR_APPROACH) - 0.1


@pytest.mark.parametrize("angle", [-5.0, -2.5, 3.0, 6.0])
def test_skew_is_measured_from_the_text_lines(angle: float) -> None:
    assert skew_angle(k.render(k.EN_PAGE_ONE, angle=angle)) == pytest.approx(-angle, abs=0.5)


def scribbles() -> Image.Image:
    """Lines of scribble where handwriting would be: nothing Tesseract can read."""
    image = Image.new("L", k.PAGE, 255)
    draw, rng = ImageDraw.Draw(image), random.Random(7)
    for row in range(20):
        draw.line([(120 + i * 12, 150 + row * 60 + rng.randint(-12, 12)) for i in range(80)], fill=0, width=3)
    return image


@pytest.mark.parametrize(
    "page",
    [lambda: k.render(k.EN_SUICIDE).filter(ImageFilter.GaussianBlur(3.5)), scribbles],
    ids=["blurred", "handwriting"],
)
def test_doubtful_pages_are_marked_for_a_person(page: Callable[[], Image.Image], tmp_path: Path) -> None:
    (item,) = read_file(drop(tmp_path, "doubtful.png", k.png(page())))
    assert isinstance(item, PaperIncoming)
    (only,) = item.pages
    assert only.needs_transcription and only.confidence is not None and only.confidence < 70
    assert any("marked for a person to transcribe" in n for n in item.message.notes)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("noise.png", b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(3000), "image"),
        ("cut.png", k.png(k.render(k.FR_FAN))[:5000], "damaged image"),
        ("words.jpg", b"this is not a photo of a letter", "not a readable image"),
        ("broken.pdf", b"%PDF-1.4\n" + random.Random(2).randbytes(2000), "not a readable PDF"),
    ],
)
def test_unreadable_scans_are_quarantined_with_the_reason_and_bytes(
    name: str, data: bytes, reason: str, tmp_path: Path
) -> None:
    (item,) = read_file(drop(tmp_path, name, data))
    assert isinstance(item, Quarantined) and item.raw == data and item.channel is Channel.LETTER
    assert reason in item.reason and "\n" not in item.reason


TYPED_SUICIDE = (
    "Dear Maya,\n"
    "I play your album every night because nothing else helps anymore. I have decided to kill myself "
    "after your concert on Friday, and I wanted someone to know why.\nSam"
)


@pytest.fixture
def letters(tmp_path: Path) -> Path:
    folder = tmp_path / "scans"
    folder.mkdir()
    for name, (_suffix, build, _want, _langs) in LETTERS.items():
        drop(folder, name, build())
    # its own words: a copy of the low-contrast letter would (rightly) join it as one campaign in the queue
    drop(folder, "typed.pdf", k.typed_pdf(TYPED_SUICIDE))
    return folder


def test_scanned_letters_are_stored_read_and_routed_once(any_desk: Desk, letters: Path) -> None:
    counts = services.ingest_sources(any_desk, services.plan_ingest([letters]))
    assert (counts.new, counts.quarantined) == (len(LETTERS) + 1, 0)
    again = services.ingest_sources(any_desk, services.plan_ingest([letters]))
    assert (again.new, again.duplicate) == (0, len(LETTERS) + 1)
    by_name = {r.message.external_id: r for r in services.queue(any_desk, None, limit=50)}
    flagged = {name: {f.category for f in r.reading.flags} for name, r in by_name.items() if r.reading}
    assert {Category.ARTIST_APPROACH, Category.ARTIST_FIXATION} <= flagged["skewed-speckled-fr.png"]
    assert Category.ARTIST_APPROACH in flagged["two-page-en.tiff"]
    assert Category.WRITER_SUICIDE in flagged["low-contrast-en.png"]
    assert Category.WRITER_SUICIDE in flagged["typed.pdf"]
    assert flagged["phone-photo-fr.jpg"] == set() and flagged["scanned-no-text-layer-fr.pdf"] == set()
    assert Route.SECURITY in by_name["skewed-speckled-fr.png"].reading.routes  # type: ignore[union-attr]
    assert by_name["low-contrast-en.png"].reading.routes == (Route.WELFARE,)  # type: ignore[union-attr]
    assert by_name["phone-photo-fr.jpg"].reading.language == "fr"  # type: ignore[union-attr]
    tiff = services.paper_file(any_desk, by_name["two-page-en.tiff"].message.id)
    assert tiff is not None and [p.number for p in tiff.pages] == [1, 2]
    image = services.page_image(any_desk, by_name["two-page-en.tiff"].message.id, 2)
    assert image is not None and image.startswith(b"\x89PNG")
    raw = any_desk.store.raw(by_name["two-page-en.tiff"].message.id)
    assert raw == (letters / "two-page-en.tiff").read_bytes()


def test_an_image_too_large_to_decode_is_quarantined_not_decoded(tmp_path: Path) -> None:
    """A PNG header claiming 20,000 x 20,000 pixels (a decompression bomb): refused before decoding."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 20_000, 20_000, 8, 0, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    (item,) = read_file(drop(tmp_path, "bomb.png", data))
    assert isinstance(item, Quarantined) and "not a readable image" in item.reason and item.raw == data


def test_without_tesseract_ingest_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one thing that cannot run here is a machine without Tesseract: point the binding at nothing."""
    from stagedoor.ingest import IngestError, ocr

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-tesseract"))
    ocr._installed_languages.cache_clear()
    try:
        with pytest.raises(IngestError, match="install Debian's tesseract-ocr") as caught:
            discover([drop(tmp_path, "scan.png", k.png(k.render(k.FR_FAN)))])
        assert "\n" not in str(caught.value)
    finally:
        ocr._installed_languages.cache_clear()


@pytest.mark.parametrize("turned", [90, 180, 270])
def test_a_sheet_fed_sideways_or_upside_down_is_turned_and_read(turned: int, tmp_path: Path) -> None:
    sheet = k.render(k.FR_APPROACH, speckle=2000).rotate(turned, expand=True, fillcolor=255)
    (item,) = read_file(drop(tmp_path, "turned.png", k.png(sheet)))
    assert isinstance(item, PaperIncoming)
    (page,) = item.pages
    assert k.accuracy(page.text, k.FR_APPROACH) >= MIN_ACCURACY and not page.needs_transcription
    with Image.open(io.BytesIO(page.image_png)) as shown:
        assert shown.height > shown.width  # kept upright for the desk, as the letter was written
        top = ImageStat.Stat(shown.crop((0, 0, shown.width, shown.height // 2))).mean[0]
        bottom = ImageStat.Stat(shown.crop((0, shown.height // 2, shown.width, shown.height))).mean[0]
        assert top < bottom  # the ink (the letter starts at the top) is in the upper half


def test_an_unexpected_decoder_failure_quarantines_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug or an exotic file in a decoder must not stall a batch or the watched folder."""
    from stagedoor.ingest import paper

    def broken(raw: bytes, suffix: str) -> list[object]:
        raise RuntimeError("decoder\nfell over")

    monkeypatch.setattr(paper, "read_paper", broken)
    data = k.png(k.render(k.FR_FAN))
    (item,) = read_file(drop(tmp_path, "exotic.png", data))
    assert isinstance(item, Quarantined) and item.raw == data
    assert item.reason == "could not be read: RuntimeError: decoder fell over"  # one line
