"""Synthetic paper letters for the OCR tests: typed letters rendered with Pillow, as a scanner would see them.

Every letter here is ours and synthetic. The renderings add what real scans have: a turned sheet, faded ink
on grey paper, speckle, several pages, a PDF with and one without a text layer.
"""

from __future__ import annotations

import difflib
import io
import random
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
PAGE = (1240, 1754)  # A4 at 150 dpi

FR_APPROACH = (
    "Chère Maya,\n"
    "Je t'écris encore depuis Lille. Personne ne te connaît comme moi, et je sais que tes chansons "
    "parlent de nous deux. Samedi soir je serai devant ta loge après le concert, je sais dans quel hôtel "
    "tu dors et j'attendrai le temps qu'il faudra.\n"
    "Ta Célestine, pour toujours"
)
EN_SUICIDE = (
    "Dear Maya,\n"
    "Your songs got me through a very long winter and I wanted you to know that. But I am so tired now. "
    "I don't want to be here anymore and I have bought pills to end it on Sunday night.\n"
    "Thank you for everything,\nRuby"
)
EN_PAGE_ONE = (
    "Dear Maya,\n"
    "This is my fourth letter this year. I know you read them all, because the lyrics in your new "
    "single were written for me, I recognised every line of our story."
)
EN_PAGE_TWO = (
    "I know which floor your flat is on and I followed your car to the studio last week. "
    "Next time I will wait for you at the stage door.\n"
    "Yours, always,\nTobias"
)
FR_THANKS = (  # its own words: two copies of one letter would (rightly) be one campaign in the queue
    "Chère Maya,\n"
    "Merci pour la dédicace à Nantes, ma sœur l'a encadrée dans sa chambre. Nous viendrons en famille "
    "à Bordeaux au printemps, avec des pancartes faites à la main.\n"
    "Avec toute notre affection, Odile"
)
FR_FAN = (
    "Bonjour Maya,\n"
    "Je voulais simplement te remercier pour le concert de Roubaix. Ma fille a chanté toutes les "
    "chansons, elle a dix ans et elle rêve de jouer de la guitare comme toi.\n"
    "Bien amicalement, Bernard"
)


def render(text: str, *, ink: int = 0, paper: int = 255, angle: float = 0.0, speckle: int = 0) -> Image.Image:
    """One typed page; `angle` turns the sheet, `ink`/`paper` fade it, `speckle` adds scanner dots."""
    image = Image.new("L", PAGE, paper)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 30)
    y = 140
    for paragraph in text.split("\n"):
        for line in textwrap.wrap(paragraph, 62) or [""]:
            draw.text((120, y), line, font=font, fill=ink)
            y += 46
        y += 24
    if speckle:
        rng = random.Random(speckle)
        for _ in range(speckle):
            draw.point((rng.randrange(PAGE[0]), rng.randrange(PAGE[1])), fill=ink)
    if angle:
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=paper)
    return image


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def tiff(*pages: Image.Image) -> bytes:
    out = io.BytesIO()
    pages[0].save(out, format="TIFF", save_all=True, append_images=list(pages[1:]), compression="tiff_lzw")
    return out.getvalue()


def scanned_pdf(*pages: Image.Image) -> bytes:
    """A PDF of page images only, as a scanner without OCR writes it: no text layer."""
    out = io.BytesIO()
    pages[0].convert("RGB").save(
        out, format="PDF", save_all=True, append_images=[p.convert("RGB") for p in pages[1:]], resolution=150
    )
    return out.getvalue()


def typed_pdf(text: str) -> bytes:
    """A PDF with a real text layer (fonts embedded as TrueType), as a word processor writes it."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    with matplotlib.rc_context({"pdf.fonttype": 42}):
        figure = plt.figure(figsize=(8.27, 11.69))
        lines = [line for paragraph in text.split("\n") for line in (textwrap.wrap(paragraph, 70) or [""])]
        figure.text(0.1, 0.9, "\n".join(lines), va="top", fontsize=12, family="DejaVu Serif")
        out = io.BytesIO()
        figure.savefig(out, format="pdf")
        plt.close(figure)
    return out.getvalue()


def accuracy(got: str, want: str) -> float:
    """Character accuracy, whitespace folded: 1 - (edits / length) as difflib's ratio approximates it."""
    return difflib.SequenceMatcher(
        None, " ".join(got.split()), " ".join(want.split()), autojunk=False
    ).ratio()
