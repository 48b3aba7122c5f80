"""`make bench`: OCR pages per minute for Stagedoor next to the plain `tesseract` CLI on the same pages.

The pages are synthetic typed letters (French and English, some turned, faded or speckled like real scans),
written once as PNG files. Each page is read by both in turn, side by side in one run, so the ratio is the
figure to quote (absolute speed on a shared 2-core machine is noise). Plain tesseract gets `-l fra+eng`, the
one call a user would make not knowing the language; Stagedoor preprocesses, reads the page in French and in
English and keeps the surer reading, and keeps a PNG of the page. Character accuracy is shown for both.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "paper"))
import paperkit as k  # the synthetic letters the tests render

from stagedoor import services
from stagedoor.ingest.paper import read_paper
from stagedoor.settings import Settings

OUT = Path("bench-results")
TEXTS = (k.FR_APPROACH, k.EN_SUICIDE, k.EN_PAGE_ONE, k.FR_FAN, k.EN_PAGE_TWO)
STYLES = ({}, {"angle": 3.0}, {"ink": 150, "paper": 215, "speckle": 4000}, {"angle": -2.0, "speckle": 20000})


def pages(n: int, folder: Path) -> list[tuple[Path, str]]:
    out = []
    for i in range(n):
        text, style = TEXTS[i % len(TEXTS)], STYLES[i % len(STYLES)]
        path = folder / f"page-{i:03d}.png"
        path.write_bytes(k.png(k.render(text, **style)))  # type: ignore[arg-type]
        out.append((path, text))
    return out


def plain_tesseract(path: Path) -> str:
    done = subprocess.run(
        ["tesseract", str(path), "stdout", "-l", "fra+eng"], capture_output=True, text=True, check=True
    )
    return done.stdout


def stagedoor_ocr(path: Path) -> str:
    return "\n".join(p.text for p in read_paper(path.read_bytes(), ".png"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=12, help="pages (default 12)")
    args = parser.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"  # both sides alike; NOTES.md: 3x faster on 2 cores
    timings: dict[str, float] = {"tesseract": 0.0, "stagedoor": 0.0}
    accuracy: dict[str, list[float]] = {"tesseract": [], "stagedoor": []}
    with tempfile.TemporaryDirectory() as tmp:
        batch = pages(args.n, Path(tmp))
        stagedoor_ocr(batch[0][0])  # warm the page cache and Tesseract's data files for both
        for path, want in batch:  # alternate, so drift on a shared machine hits both sides alike
            for name, read in (("tesseract", plain_tesseract), ("stagedoor", stagedoor_ocr)):
                start = time.perf_counter()
                got = read(path)
                timings[name] += time.perf_counter() - start
                accuracy[name].append(k.accuracy(got, want))
        desk = services.open_desk(Settings(data_dir=Path(tmp) / "desk"))
        start = time.perf_counter()
        services.ingest_sources(desk, services.plan_ingest([p for p, _ in batch]))
        timings["ingest"] = time.perf_counter() - start  # OCR, store (page PNGs too) and read, end to end
        desk.store.close()
    per_minute = {name: args.n / seconds * 60 for name, seconds in timings.items()}
    result = {
        "pages": args.n,
        "tesseract_cli_pages_per_min": round(per_minute["tesseract"], 1),
        "stagedoor_pages_per_min": round(per_minute["stagedoor"], 1),
        "ratio_stagedoor_to_tesseract": round(per_minute["stagedoor"] / per_minute["tesseract"], 2),
        "stagedoor_ingest_pages_per_min": round(per_minute["ingest"], 1),
        "ratio_ingest_to_tesseract": round(per_minute["ingest"] / per_minute["tesseract"], 2),
        "tesseract_cli_mean_accuracy": round(sum(accuracy["tesseract"]) / args.n, 3),
        "stagedoor_mean_accuracy": round(sum(accuracy["stagedoor"]) / args.n, 3),
        "tesseract_cli_worst_accuracy": round(min(accuracy["tesseract"]), 3),
        "stagedoor_worst_accuracy": round(min(accuracy["stagedoor"]), 3),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "ocr_throughput.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"OCR on {args.n} synthetic A4 pages at 150 dpi, side by side in one run (OMP_THREAD_LIMIT=1):")
    print("| what | pages/min | mean accuracy | worst page |")
    print("|---|---|---|---|")
    print(
        f"| plain `tesseract PAGE stdout -l fra+eng` | {result['tesseract_cli_pages_per_min']} |"
        f" {result['tesseract_cli_mean_accuracy']} | {result['tesseract_cli_worst_accuracy']} |"
    )
    print(
        f"| Stagedoor (preprocess, fra and eng, page PNG kept) | {result['stagedoor_pages_per_min']} |"
        f" {result['stagedoor_mean_accuracy']} | {result['stagedoor_worst_accuracy']} |"
    )
    print(
        f"| `stagedoor ingest` of the same files (OCR, store, read; reader load included) |"
        f" {result['stagedoor_ingest_pages_per_min']} | | |"
    )
    print(
        f"Stagedoor OCR reads {result['ratio_stagedoor_to_tesseract']}x as many pages a minute as plain"
        f" tesseract; ingest end to end {result['ratio_ingest_to_tesseract']}x"
    )


if __name__ == "__main__":
    main()
