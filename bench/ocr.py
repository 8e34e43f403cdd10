"""The digitization pipeline's throughput against bare Tesseract on the same pages,
in the same run, on this machine's cores.

    uv run python bench/ocr.py               # 12 pages, 2 workers
    uv run python bench/ocr.py --pages 24 --workers 2

- pages: rendered Vietnamese A4 pages at 300 dpi, greyscale, skewed 1–3° either way,
  with noise and dust (`scans/tests/samples.py`), as JPEG files (quality 90, as office
  scanners write them; `--format png` for lossless files);
- bare: `tesseract page.jpg - -l vie` with one thread (OMP_THREAD_LIMIT=1), as many at
  once as there are workers: the floor;
- pipeline: a fresh database and that many `vanphong worker` processes, started and
  idle as in an office where they always run; then, timed, `vanphong import-scans` of
  the same files until every page is read and every file assembled: the whole pipeline
  (receive and checksum, normalize, cut, deskew, clean, OCR, rotation when a page reads
  badly, PDF/A, merge, index).

A second floor, bare Tesseract on the same pages scanned level (no skew), shows what
reading the pages right costs Tesseract itself: it reads skewed pages faster, and
wrongly. Prints pages per minute of each, their ratios, the character error rate of each, the
peak memory of a worker (with the OCR processes it starts), and the projected time
for 62,000 pages on one machine and on several. Also the CPU seconds per page of each
(the OCR processes included, and for the pipeline the import command): their ratio is
what the pipeline costs against bare Tesseract whatever else the machine is doing,
where the ratio of rates also counts the workers' waits.

    uv run python bench/ocr.py --pages-per-file 8   # files of 8 pages, as dossiers are scanned
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

ARCHIVE_PAGES = 62_000  # the city office's paper archive (DOMAIN.md §4)


def _skew(n: int) -> int:
    return (1 + n % 3) * (1 if n % 2 else -1)


def _children_cpu() -> float:
    """CPU seconds of this process's children that have ended (and been waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _process_cpu(pid: int) -> float:
    """CPU seconds of a running process and of its children that have ended."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # utime, stime, cutime, cstime: fields 14-17 of proc(5), 12-15 after the name.
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _multipage(folder: Path, pages: list[tuple[Path, str]], per_file: int) -> None:
    """The pages as PDF files of `per_file` pages, each page the scanner's JPEG, as an
    office scanner scans a dossier to PDF: one file, many pages."""
    import img2pdf

    for start in range(0, len(pages), per_file):
        target = folder / f"ho-so-{start // per_file + 1:03d}.pdf"
        target.write_bytes(img2pdf.convert([str(path) for path, _text in pages[start : start + per_file]]))


def _pages(folder: Path, count: int, kind: str, *, level: bool = False) -> list[tuple[Path, str]]:
    from vanphong.scans.tests import samples

    texts = [samples.LETTER, samples.MINUTES]
    made = []
    for n in range(count):
        text = texts[n % len(texts)]
        image = samples.render_page(text, skew=0 if level else _skew(n), seed=n)
        if kind == "png":
            path = samples.write_png(folder / f"trang-{n + 1:03d}.png", image)
        else:
            path = folder / f"trang-{n + 1:03d}.jpg"
            image.save(path, format="JPEG", quality=90, dpi=(samples.DPI, samples.DPI))
        made.append((path, samples.page_text(text)))
    return made


def _bare(pages: list[tuple[Path, str]], workers: int) -> tuple[float, float, list[str]]:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def read(path: Path) -> str:
        done = subprocess.run(
            ["tesseract", str(path), "-", "-l", "vie"], capture_output=True, text=True, env=env, check=True
        )
        return done.stdout

    started, cpu = time.perf_counter(), _children_cpu()
    with ThreadPoolExecutor(workers) as pool:
        texts = list(pool.map(read, [path for path, _text in pages]))
    return time.perf_counter() - started, _children_cpu() - cpu, texts


def _peak_kib(pid: int) -> int:
    """The resident memory of a process and its children now, in KiB."""
    total = 0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    for ident in [str(pid), *children]:
        try:
            for line in Path(f"/proc/{ident}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def _pipeline(folder: Path, workers: int, source: str) -> tuple[float, float, int, list[str]]:
    var = folder / "var"
    env = {**os.environ, "VANPHONG_VAR_DIR": str(var), "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "-m", "vanphong"]
    subprocess.run([*command, "migrate", "-v", "0"], env=env, check=True)
    setup = (
        "from vanphong.core.models import Organization, OrganizationKind;"
        "from vanphong.archive.models import Fonds;"
        "k = OrganizationKind.objects.get(code='provincial');"
        "o = Organization.add_root(name='Thành ủy', abbreviation='TU', kind=k);"
        "Fonds.objects.create(organization=o, number='01', name=o.name)"
    )
    subprocess.run([*command, "shell", "-c", setup], env=env, check=True, capture_output=True)
    database = var / "vanphong.sqlite3"
    processes = [
        subprocess.Popen(
            [*command, "worker"],
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    peak = 0
    try:
        time.sleep(5)  # started and waiting, as they are in an office
        started = time.perf_counter()
        cpu = _children_cpu() + sum(_process_cpu(process.pid) for process in processes)
        subprocess.run(
            [*command, "import-scans", str(folder / source), "--fonds", "01", "--no-wait"],
            env=env,
            check=True,
            capture_output=True,
        )
        while True:
            peak = max([peak, *(_peak_kib(process.pid) for process in processes)])
            with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
                waiting = db.execute(
                    "SELECT count(*) FROM scans_scanfile WHERE state IN ('received', 'split')"
                ).fetchone()[0]
            if waiting == 0:
                break
            time.sleep(0.1)  # the granularity of the measure
        elapsed = time.perf_counter() - started
        cpu = _children_cpu() + sum(_process_cpu(process.pid) for process in processes) - cpu
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        texts = [row[0] for row in db.execute("SELECT text FROM scans_scanpage ORDER BY file_id, number")]
    return elapsed, cpu, peak, texts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--machines", type=int, default=4, help="for the projection on several machines")
    parser.add_argument("--format", choices=["jpeg", "png"], default="jpeg", help="the scanned files' format")
    parser.add_argument(
        "--pages-per-file",
        type=int,
        default=1,
        help="the pipeline imports the pages as PDF files of this many pages (a JPEG each)",
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanphong.settings")
    from vanphong.scans.tests import samples

    with tempfile.TemporaryDirectory(prefix="vanphong-bench-ocr-") as work:
        folder = Path(work)
        (folder / "pages").mkdir()
        pages = _pages(folder / "pages", args.pages, args.format)
        bare_s, bare_cpu, bare_texts = _bare(pages, args.workers)
        (folder / "level").mkdir()
        level = _pages(folder / "level", args.pages, args.format, level=True)
        level_s, _level_cpu, level_texts = _bare(level, args.workers)
        source = "pages"
        if args.pages_per_file > 1:
            source = "files"
            (folder / source).mkdir()
            _multipage(folder / source, pages, args.pages_per_file)
        pipeline_s, pipeline_cpu, peak_kib, pipeline_texts = _pipeline(folder, args.workers, source)
    references = [text for _path, text in pages]
    bare_rate = 60 * args.pages / bare_s
    pipeline_rate = 60 * args.pages / pipeline_s
    hours_one = ARCHIVE_PAGES / pipeline_rate / 60
    result = {
        "pages": args.pages,
        "format": args.format,
        "pages_per_file": args.pages_per_file,
        "workers": args.workers,
        "bare_pages_per_minute": round(bare_rate, 1),
        "pipeline_pages_per_minute": round(pipeline_rate, 1),
        "ratio_pipeline_to_bare": round(pipeline_rate / bare_rate, 3),
        "bare_cpu_seconds_per_page": round(bare_cpu / args.pages, 3),
        "pipeline_cpu_seconds_per_page": round(pipeline_cpu / args.pages, 3),
        "ratio_bare_cpu_to_pipeline_cpu": round(bare_cpu / pipeline_cpu, 3),
        "bare_on_level_pages_per_minute": round(60 * args.pages / level_s, 1),
        "ratio_pipeline_to_bare_on_level_pages": round(pipeline_rate / (60 * args.pages / level_s), 3),
        "bare_on_level_cer_percent": round(
            100 * sum(map(samples.cer, references, level_texts)) / args.pages, 2
        ),
        "bare_cer_percent": round(100 * sum(map(samples.cer, references, bare_texts)) / args.pages, 2),
        "pipeline_cer_percent": round(
            100 * sum(map(samples.cer, references, pipeline_texts)) / args.pages, 2
        ),
        "peak_worker_mib": round(peak_kib / 1024 / args.workers, 1),
        f"hours_for_{ARCHIVE_PAGES}_pages_one_machine": round(hours_one, 1),
        f"hours_for_{ARCHIVE_PAGES}_pages_{args.machines}_machines": round(hours_one / args.machines, 1),
        "pipeline_cer_percent_per_page": {
            f"{n + 1} ({_skew(n):+d}°)": round(100 * samples.cer(reference, text), 2)
            for n, (reference, text) in enumerate(zip(references, pipeline_texts, strict=True))
        },
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
