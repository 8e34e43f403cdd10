"""The steps of digitizing scanned files, as plain functions on files.

The archive's pipeline (issue 6) is: receive → checksum and de-duplicate → normalize to
PDF → OCR (Tesseract `vie`, deskew, clean, rotation) → PDF/A → text per page → index.
This module holds the steps that touch files; the models, the tasks that call these
steps and the pages that show their progress live elsewhere. Nothing here reads or
writes the database, so a step can be run, timed and tested on its own:

    inspect(upload)                   refuse what is not a usable scan, before any work
    sha256_of(upload)                 the key to recognize a file already received
    expand_zip(upload, folder)        the files of a ZIP, safely
    to_pdf(file, original.pdf)        any accepted file as one PDF (a PDF is copied as is)
    split_pages(original.pdf, folder) one PDF per page: pages are the unit of work
    ocr_page(page, ocr_page)          one page deskewed, cleaned, turned and read: its text layer
    merge_pages(ocr_pages, out.pdf)   the pages back into one (PDF/A) document
    page_texts(out.pdf)               the text of each page, for the search

One page per task is what lets several workers share a batch, and a worker killed in
the middle redo at most one page: so every step writes its output under a temporary
name and renames it into place, and an output that exists is complete.

A file refused by a step raises `ScanRefused`, whose message (translated) names the
file and the problem; the rest of the batch goes on. Any other exception is a failure
of the machine (a program missing, a full disk), not of the file.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import logging
import math
import os
import re
import shutil
import stat
import statistics
import struct
import subprocess
import tempfile
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import Any, cast

import filetype
import img2pdf
import pikepdf
import pluggy
import pypdf
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, JpegImagePlugin, PngImagePlugin, TiffImagePlugin

logger = logging.getLogger(__name__)

# --- Limits --------------------------------------------------------------------------------

# One uploaded file. An A4 page scanned at 300 dpi in greyscale is 0.3–9 MB (JPEG to
# uncompressed TIFF), so 2 GiB holds a 200-page uncompressed TIFF or a 1,000-page PDF of
# JPEGs; beyond that the file is a volume that should be scanned as several files, and
# reading it (the checksum alone) ties a worker up for minutes.
MAX_FILE_BYTES = 2 * 1024**3

# One page image, read from its header before anything decodes it. 100 million pixels is
# A3 at 600 dpi or A1 at 300 dpi, far above what an office scans (A4 at 300 dpi is 8.7
# million); decoded in colour it is 300 MB, and deskew and clean hold a few copies of it,
# about 1 GB per worker. A 30,000 × 30,000 image (900 million pixels, 2.7 GB decoded) is
# refused. Pillow's own guard is not relied on: its threshold is a process-wide setting
# that OCRmyPDF changes for its own runs.
MAX_PIXELS = 100_000_000

# One file's pages. Each page is one OCR task (6–7 s on one core, measured), so a file of
# 1,000 pages is about 2 hours of one worker and is merged back in one task; a bigger
# volume is better split where its dossiers split.
MAX_PAGES = 1000

# What a ZIP may hold (the defaults of `expand_zip`).
MAX_ZIP_FILES = 2000
MAX_ZIP_BYTES = 4 * 1024**3
# Scans are compressed already (JPEG, PNG, CCITT), so a ZIP gains a few percent on them;
# deflate's ceiling is about 1,032:1 (runs of one byte). A member above this ratio is a
# bomb, not a scan; members under a megabyte are not judged by it (a tiny blank TIFF
# compresses well and harms nobody).
MAX_ZIP_RATIO = 100.0
_RATIO_FLOOR = 1024 * 1024

_CHUNK = 1024 * 1024
# What the type of a file is read from: its first bytes.
_HEAD = 8192
# A PDF ends with %%EOF; readers look for it in the last kilobyte (some writers add a few
# bytes after it). A file without it was cut short: an interrupted copy or download.
_PDF_TAIL = 1024
# The pages a merge keeps open at once: qpdf copies a page's streams from its source
# file only when the result is written, so every source stays open until then, and a
# process has about a thousand file descriptors.
_MERGE_GROUP = 200
# Files that operating systems add to archives and that are not anybody's scans.
_OS_LITTER = {".ds_store", "thumbs.db", "desktop.ini"}
# The key under which `ocr_page` tells its OCR engine the folder where it keeps what
# OCRmyPDF does not return: the page's hOCR and the turn it applied.
_KEEP = "vanphong_keep"
_KEPT_HOCR = "page.hocr"
_KEPT_TURN = "turn.txt"
# OCRmyPDF's text for a page Tesseract gave up on (timed out, or reported an error
# such as "Image too large"); the run itself still succeeds (MEASURED.md).
_SKIPPED = "[skipped page]"
# Lossless optimization only: no image is re-encoded with loss by the optimizer.
OCR_OPTIMIZE = 1


# --- Refusals ------------------------------------------------------------------------------


class Refusal(StrEnum):
    """Why a file was refused; stored with the file so the page can say it again."""

    EMPTY = "empty"
    CORRUPT = "corrupt"
    ENCRYPTED = "encrypted"
    TOO_LARGE_FILE = "too_large_file"
    TOO_LARGE_IMAGE = "too_large_image"
    TOO_MANY_PAGES = "too_many_pages"
    TOO_MANY_FILES = "too_many_files"
    ZIP_BOMB = "zip_bomb"
    UNSAFE_ZIP = "unsafe_zip"
    NESTED_ZIP = "nested_zip"
    NOT_A_SCAN = "not_a_scan"
    UNSUPPORTED = "unsupported"


class ScanRefused(Exception):
    """A file that cannot be digitized. `code` says why (a `Refusal`), `message` says it
    to the archivist in the active language, naming the file (`name`)."""

    def __init__(self, code: Refusal, message: str, *, name: str, member: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.name = name
        # The file inside an archive the refusal is about, if any.
        self.member = member


def _refuse(code: Refusal, name: str, message: str, **params: Any) -> ScanRefused:
    return ScanRefused(code, message % {"name": name, **params}, name=name)


# --- Receiving -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Inspected:
    """What a received file is: `kind` one of "pdf", "tiff", "jpeg", "png", "zip";
    `pages` its pages (for a ZIP, the files it holds); `size` in bytes; `sha256` hex."""

    kind: str
    pages: int
    size: int
    sha256: str


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file in hex, read a megabyte at a time (never whole in memory):
    the key that recognizes a file received twice."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def inspect(path: Path, *, name: str | None = None) -> Inspected:
    """Check a received file before any work is queued for it, and say what it is.

    Refuses (`ScanRefused`, the message naming `name`, by default the file's name) a
    file that is empty or above MAX_FILE_BYTES; a PDF that is cut short, damaged,
    that asks for a password to open, without pages or with more
    than MAX_PAGES; an image whose header declares more than MAX_PIXELS; a ZIP that is
    damaged, protected, would unpack to too much or holds too many files; and anything
    that is not a scan (text, office documents, programs, other image formats). Reads
    headers only: no image is decoded, no ZIP member inflated."""
    name = name or path.name
    size = path.stat().st_size
    if size == 0:
        raise _refuse(Refusal.EMPTY, name, _("“%(name)s” is empty (0 bytes): copy or scan it again."))
    if size > MAX_FILE_BYTES:
        raise _refuse(
            Refusal.TOO_LARGE_FILE,
            name,
            _("“%(name)s” is too large (%(size)s, at most %(limit)s): split it into several files."),
            size=filesizeformat(size),
            limit=filesizeformat(MAX_FILE_BYTES),
        )
    kind, pages = _examine(path, name)
    return Inspected(kind=kind, pages=pages, size=size, sha256=sha256_of(path))


def expected_pages(path: Path) -> int | None:
    """The pages a file will give, read from its header as `inspect` reads it (nothing
    decoded, no checksum); None for a ZIP (its files are counted once unpacked) or a
    file that will be refused."""
    try:
        if path.stat().st_size == 0:
            return None
        kind, pages = _examine(path, path.name)
    except (ScanRefused, OSError):
        return None
    return None if kind == "zip" else pages


def _examine(path: Path, name: str) -> tuple[str, int]:
    """The kind and pages of a file, from its content (never its name)."""
    with path.open("rb") as stream:
        head = stream.read(_HEAD)
    kind = _kind(head)
    if kind == "pdf":
        return kind, _pdf_pages(path, name)
    if kind == "zip":
        return kind, _zip_files(path, name)
    if kind in {"tiff", "jpeg", "png"}:
        return kind, _image_pages(path, kind, name)
    raise _not_a_scan(head, name)


def _kind(head: bytes) -> str | None:
    # The PDF header may follow a little junk (some scanners write it); readers accept
    # it within the first kilobyte.
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return "tiff"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    return None


def _not_a_scan(head: bytes, name: str) -> ScanRefused:
    guess = filetype.guess(head)
    if guess is not None and str(guess.mime).startswith("image/"):
        return _refuse(
            Refusal.UNSUPPORTED,
            name,
            _(
                "“%(name)s” is a %(format)s image, which the archive does not take: save it as "
                "PDF, TIFF, PNG or JPEG."
            ),
            format=str(guess.extension).upper(),
        )
    if guess is not None:
        found = _("a %(format)s file") % {"format": str(guess.extension).upper()}
    elif _looks_like_text(head):
        found = _("a text file")
    else:
        found = _("a file of unknown type")
    return _refuse(
        Refusal.NOT_A_SCAN,
        name,
        _("“%(name)s” is not a scan: it is %(found)s, not a PDF, TIFF, JPEG or PNG (or a ZIP of them)."),
        found=found,
    )


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        # The head may end in the middle of a character.
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(head) - 3
    return True


# --- PDF -----------------------------------------------------------------------------------


def _pdf_pages(path: Path, name: str) -> int:
    with path.open("rb") as stream:
        stream.seek(max(0, path.stat().st_size - _PDF_TAIL))
        tail = stream.read()
    if b"%%EOF" not in tail:
        raise _refuse(
            Refusal.CORRUPT,
            name,
            _("“%(name)s” is incomplete: the end of the PDF is missing (an interrupted copy or download?)."),
        )
    try:
        # A PDF that opens without a password is read: encrypted with an owner password
        # alone it only restricts (printing, copying), and `to_pdf` writes its working
        # copy without them. One that asks for a password raises PasswordError.
        with pikepdf.open(path) as pdf:
            pages = len(pdf.pages)
            if pages == 0:
                raise _refuse(Refusal.EMPTY, name, _("“%(name)s” is a PDF without pages."))
            if pages > MAX_PAGES:
                raise _too_many_pages(name, pages)
            for page in pdf.pages:
                for width, height in _pdf_image_sizes(page):
                    _check_pixels(name, width, height)
    except pikepdf.PasswordError:
        raise _encrypted_pdf(name) from None
    except pikepdf.PdfError:
        logger.info("Refused a damaged PDF %s", path, exc_info=True)
        raise _damaged_pdf(name) from None
    return pages


def _pdf_image_sizes(page: pikepdf.Page) -> Iterator[tuple[int, int]]:
    """The declared sizes of the images drawn on a page (read from their dictionaries,
    nothing decoded)."""
    resources = page.obj.get("/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    if not isinstance(xobjects, pikepdf.Dictionary):
        return
    for xobject in xobjects.values():
        if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == pikepdf.Name.Image:
            yield int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0))


def _damaged_pdf(name: str) -> ScanRefused:
    return _refuse(Refusal.CORRUPT, name, _("“%(name)s” is damaged: it cannot be read as a PDF."))


def _encrypted_pdf(name: str) -> ScanRefused:
    # A PDF that opens only with its password (a user password).
    return _refuse(
        Refusal.ENCRYPTED,
        name,
        _("“%(name)s” is protected with a password: remove the protection, then add it again."),
    )


def _too_many_pages(name: str, pages: int) -> ScanRefused:
    return _refuse(
        Refusal.TOO_MANY_PAGES,
        name,
        _("“%(name)s” has %(pages)s pages, more than %(limit)s: split it into several files."),
        pages=pages,
        limit=MAX_PAGES,
    )


def _check_pixels(name: str, width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise _refuse(
            Refusal.TOO_LARGE_IMAGE,
            name,
            _(
                "“%(name)s” holds an image of %(width)s × %(height)s pixels, more than the "
                "%(limit)s million a page may have: scan it at a lower resolution (300 dpi is enough)."
            ),
            width=width,
            height=height,
            limit=MAX_PIXELS // 1_000_000,
        )


def _too_large_image(name: str) -> ScanRefused:
    return _refuse(
        Refusal.TOO_LARGE_IMAGE,
        name,
        _(
            "“%(name)s” holds an image of more than %(limit)s million pixels: scan it at a "
            "lower resolution (300 dpi is enough)."
        ),
        limit=MAX_PIXELS // 1_000_000,
    )


# --- Images --------------------------------------------------------------------------------

_HEADER_READERS: dict[str, type[Image.Image]] = {
    "tiff": TiffImagePlugin.TiffImageFile,
    "jpeg": JpegImagePlugin.JpegImageFile,
    "png": PngImagePlugin.PngImageFile,
}


def _image_pages(path: Path, kind: str, name: str) -> int:
    """The frames of an image file, each checked against MAX_PIXELS from its header.

    The format's reader class is used directly rather than `Image.open`: it reads the
    header and stops, and it does not apply Pillow's decompression-bomb threshold, which
    is a process-wide setting (OCRmyPDF changes it); the limit here is ours."""
    if kind == "png":
        # The size is the first thing in a PNG (IHDR); read it by hand so that even the
        # reader's own parsing of later chunks only happens for a sane size.
        with path.open("rb") as stream:
            header = stream.read(24)
        if len(header) < 24 or header[12:16] != b"IHDR":
            raise _damaged_image(name, kind)
        _check_pixels(name, *struct.unpack(">II", header[16:24]))
    size = path.stat().st_size
    try:
        with path.open("rb") as stream, _HEADER_READERS[kind](stream) as image:  # type: ignore[call-arg]
            frames = int(getattr(image, "n_frames", 1))
            if frames > MAX_PAGES:
                raise _too_many_pages(name, frames)
            for frame in range(frames):
                image.seek(frame)
                _check_pixels(name, *image.size)
                if kind == "tiff" and _tiff_data_end(image) > size:
                    raise _truncated_image(name)
    except ScanRefused:
        raise
    except Exception:  # Pillow raises many kinds of errors on damaged headers
        logger.info("Refused a damaged image %s", path, exc_info=True)
        raise _damaged_image(name, kind) from None
    if kind in _IMAGE_ENDS:
        with path.open("rb") as stream:
            stream.seek(max(0, size - 1024))
            if _IMAGE_ENDS[kind] not in stream.read():
                raise _truncated_image(name)
    return frames


# How a complete JPEG and PNG end: the end-of-image marker (FF D9 cannot occur inside
# JPEG scan data, where FF is always followed by 00 or a restart marker), and the IEND
# chunk with its fixed CRC. A few bytes after it are tolerated, as readers do. Checked by
# hand because Pillow's refusal of truncated images is a process-wide switch that
# WeasyPrint turns off when it is imported (ImageFile.LOAD_TRUNCATED_IMAGES = True).
_IMAGE_ENDS = {"jpeg": b"\xff\xd9", "png": b"IEND\xaeB`\x82"}


def _tiff_data_end(image: Image.Image) -> int:
    """Where the current TIFF frame's last strip or tile ends, from its tags."""
    tags = getattr(image, "tag_v2", {})
    offsets = tags.get(273) or tags.get(324) or ()  # StripOffsets, TileOffsets
    counts = tags.get(279) or tags.get(325) or ()  # StripByteCounts, TileByteCounts
    ends = [int(offset) + int(count) for offset, count in zip(offsets, counts, strict=False)]
    return max(ends, default=0)


def _truncated_image(name: str) -> ScanRefused:
    return _refuse(
        Refusal.CORRUPT,
        name,
        _("“%(name)s” is incomplete: the end of the image is missing (an interrupted copy or download?)."),
    )


def _damaged_image(name: str, kind: str) -> ScanRefused:
    return _refuse(
        Refusal.CORRUPT,
        name,
        _("“%(name)s” is damaged: it cannot be read as a %(format)s image."),
        format=kind.upper(),
    )


# --- ZIP -----------------------------------------------------------------------------------


def _zip_files(path: Path, name: str) -> int:
    """The files a ZIP holds, after the checks that need no inflating."""
    try:
        with zipfile.ZipFile(path) as archive:
            # A ZIP inside is refused alone when the archive is unpacked (`expand_zip`).
            return len(_zip_members(archive, name, nested=[]))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        raise _damaged_zip(name) from None


def _damaged_zip(name: str) -> ScanRefused:
    return _refuse(Refusal.CORRUPT, name, _("“%(name)s” is damaged: it cannot be opened as a ZIP archive."))


def _zip_members(
    archive: zipfile.ZipFile,
    name: str,
    *,
    max_files: int = MAX_ZIP_FILES,
    max_total_bytes: int = MAX_ZIP_BYTES,
    max_ratio: float = MAX_ZIP_RATIO,
    nested: list[ScanRefused] | None = None,
) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """The members to extract and where (a relative path), after every check that the
    archive's directory allows: office documents (DOCX, ODT… are ZIPs) are not scans;
    no member may be encrypted, a link, or point outside the folder; the declared sizes
    must be possible and within the limits. Folders and operating-system litter are
    skipped. A ZIP inside refuses the whole archive, or, given a `nested` list, is
    left out and its refusal added to the list."""
    infos = archive.infolist()
    names = {info.filename for info in infos}
    if names & {"[Content_Types].xml", "mimetype", "META-INF/MANIFEST.MF"}:
        raise _refuse(
            Refusal.NOT_A_SCAN,
            name,
            _("“%(name)s” is not a scan: it is %(found)s, not a PDF, TIFF, JPEG or PNG (or a ZIP of them)."),
            found=_("an office document"),
        )
    members: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
    total = 0
    for info in infos:
        relative = _member_path(info)
        if info.is_dir() or relative is None:
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            raise _unsafe(name, info, _("“%(name)s” is refused: “%(member)s” inside it is a link."))
        if _escapes(info.filename):
            raise _escaping(name, info)
        if info.flag_bits & 0x1:
            raise _refuse(
                Refusal.ENCRYPTED,
                name,
                _("“%(name)s” is protected with a password: unpack it, then add its files."),
            )
        if info.filename.lower().endswith(".zip"):
            if nested is None:
                raise _nested(name, info)
            nested.append(_nested(name, info))
            continue
        members.append((info, relative))
        if len(members) > max_files:
            raise _refuse(
                Refusal.TOO_MANY_FILES,
                name,
                _("“%(name)s” holds more than %(limit)s files: split it into several archives."),
                limit=max_files,
            )
        if not _sizes_possible(info):
            raise _lying(name, info)
        if info.file_size > _RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
            raise _refuse(
                Refusal.ZIP_BOMB,
                name,
                _(
                    "“%(name)s” is refused: “%(member)s” inside it would unpack to %(ratio)s times "
                    "its compressed size, which no scan does (a ZIP bomb)."
                ),
                member=info.filename,
                ratio=round(info.file_size / max(info.compress_size, 1)),
            )
        total += info.file_size
        if total > max_total_bytes:
            raise _too_big_zip(name, max_total_bytes)
    if not members and not nested:
        raise _refuse(Refusal.EMPTY, name, _("“%(name)s” holds no files."))
    return members


def _member_path(info: zipfile.ZipInfo) -> PurePosixPath | None:
    """Where a member goes, relative to the folder; None for what is skipped (folders,
    macOS resource forks, operating-system litter). Names are NFC: macOS writes them
    decomposed."""
    filename = _member_name(info)
    parts = [part for part in filename.replace("\\", "/").split("/") if part not in {"", "."}]
    if not parts or parts[0] == "__MACOSX" or parts[-1].startswith("._") or parts[-1].lower() in _OS_LITTER:
        return None
    return PurePosixPath(*parts)


def _member_name(info: zipfile.ZipInfo) -> str:
    filename = info.filename
    if not info.flag_bits & 0x800:
        # Without the UTF-8 flag Python reads the name as CP437; 7-Zip and others write
        # UTF-8 without setting the flag, which would turn Vietnamese names to mojibake.
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            filename = filename.encode("cp437").decode("utf-8")
    return unicodedata.normalize("NFC", filename)


def _escapes(filename: str) -> bool:
    """A name that is absolute, has a drive, or climbs out with `..`."""
    normalized = filename.replace("\\", "/")
    return (
        normalized.startswith("/")
        or bool(re.match(r"^[A-Za-z]:", normalized))
        or ".." in normalized.split("/")
    )


def _sizes_possible(info: zipfile.ZipInfo) -> bool:
    """Whether the declared sizes can be true. Deflate never grows data by more than 5
    bytes per 16 KB block plus a few, and a stored member is as long as its data, so a
    member whose compressed data is longer than that declares a false size: a bomb
    hiding how much it inflates."""
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size == info.file_size
    overhead = 5 * (info.file_size // 16384 + 1) + 64
    return info.compress_size <= info.file_size + overhead


def _unsafe(name: str, info: zipfile.ZipInfo, message: str) -> ScanRefused:
    return _refuse(Refusal.UNSAFE_ZIP, name, message, member=info.filename)


def _escaping(name: str, info: zipfile.ZipInfo) -> ScanRefused:
    return _unsafe(
        name, info, _("“%(name)s” is refused: “%(member)s” inside it would be written outside its folder.")
    )


def _nested(name: str, info: zipfile.ZipInfo) -> ScanRefused:
    refused = _refuse(
        Refusal.NESTED_ZIP,
        name,
        _("“%(name)s” holds another ZIP archive, “%(member)s”: unpack it and add its files directly."),
        member=info.filename,
    )
    refused.member = _member_name(info)
    return refused


def _lying(name: str, info: zipfile.ZipInfo) -> ScanRefused:
    return _refuse(
        Refusal.ZIP_BOMB,
        name,
        _(
            "“%(name)s” is refused: “%(member)s” inside it holds more than the size its archive "
            "declares (a ZIP bomb)."
        ),
        member=info.filename,
    )


def _too_big_zip(name: str, limit: int) -> ScanRefused:
    return _refuse(
        Refusal.ZIP_BOMB,
        name,
        _("“%(name)s” would unpack to more than %(limit)s: split it into several archives."),
        limit=filesizeformat(limit),
    )


def expand_zip(
    path: Path,
    into: Path,
    *,
    max_files: int = MAX_ZIP_FILES,
    max_total_bytes: int = MAX_ZIP_BYTES,
    max_ratio: float = MAX_ZIP_RATIO,
    name: str | None = None,
    nested: list[ScanRefused] | None = None,
) -> list[Path]:
    """Extract a ZIP's files into the folder `into` (created if needed), keeping their
    folders, and return their paths in natural order of name (page-2 before page-10).

    Refuses the whole archive (`ScanRefused`, nothing left in `into` from it) if it is
    damaged, an office document, encrypted, holds a link, a name that would escape
    `into`, or another ZIP; holds more than `max_files` files; or would inflate to more
    than `max_total_bytes` or a member to more than `max_ratio` times its compressed
    size. The sizes the archive declares are checked first, then the bytes are counted
    while extracting, so a member that inflates beyond its declared size is stopped too.
    Folders, `__MACOSX` and operating-system litter are skipped. The extracted files
    are not inspected: each goes through `inspect` like any received file. Given a
    `nested` list, a ZIP inside (by its name or its first bytes) is left out and its
    refusal (`Refusal.NESTED_ZIP`, naming it) added to the list, and the rest is
    extracted: the batch refuses that file alone."""
    name = name or path.name
    into.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".unzip-", dir=into))
    try:
        with zipfile.ZipFile(path) as archive:
            members = _zip_members(
                archive,
                name,
                max_files=max_files,
                max_total_bytes=max_total_bytes,
                max_ratio=max_ratio,
                nested=nested,
            )
            written = 0
            targets: list[PurePosixPath] = []
            for info, relative in members:
                target = staging.joinpath(relative)
                # Checked once more on the resolved path: the staging folder must contain it.
                if not target.resolve().is_relative_to(staging.resolve()):
                    raise _escaping(name, info)
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    written = _extract(archive, info, target, name, written, max_total_bytes)
                except ScanRefused as refused:
                    if nested is None or refused.code != Refusal.NESTED_ZIP:
                        raise
                    nested.append(refused)
                    target.unlink(missing_ok=True)
                    continue
                except (zipfile.BadZipFile, EOFError, zlib.error):
                    # A wrong checksum or a stream that ends early. CPython stops a member
                    # at its declared size, so a member hiding more than it declares
                    # ends here too, with nothing beyond that size written.
                    logger.info("Refused a ZIP with a damaged member %s", path, exc_info=True)
                    raise _refuse(
                        Refusal.CORRUPT,
                        name,
                        _(
                            "“%(name)s” is damaged: “%(member)s” inside it does not match what the "
                            "archive declares (its size or checksum)."
                        ),
                        member=info.filename,
                    ) from None
                targets.append(relative)
        for relative in targets:
            destination = into.joinpath(relative)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging.joinpath(relative), destination)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, zlib.error):
        logger.info("Refused a damaged ZIP %s", path, exc_info=True)
        raise _damaged_zip(name) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted((into.joinpath(relative) for relative in targets), key=_natural_key)


def _extract(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, name: str, written: int, limit: int
) -> int:
    """Copy one member, counting: it may not give more than its declared size, nor the
    archive more than `limit` in all. A nested ZIP is recognized by its first bytes too
    (a name can lie). Returns the bytes written so far."""
    own = 0
    with archive.open(info) as source, target.open("wb") as sink:
        first = True
        while chunk := source.read(_CHUNK):
            if first and chunk.startswith(b"PK\x03\x04"):
                raise _nested(name, info)
            first = False
            own += len(chunk)
            written += len(chunk)
            if own > info.file_size:
                raise _lying(name, info)
            if written > limit:
                raise _too_big_zip(name, limit)
            sink.write(chunk)
    return written


def _natural_key(path: Path) -> list[Any]:
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", str(path))]


# --- Normalizing to PDF ----------------------------------------------------------------------


def to_pdf(path: Path, out: Path, *, name: str | None = None) -> int:
    """Make `out` the PDF of an accepted file and return its pages.

    A PDF is copied byte for byte (never modified: it may be signed), unless it is
    encrypted with restrictions only, which are removed from the copy. A TIFF (every
    page), JPEG or PNG becomes a PDF through img2pdf, which embeds JPEG and CCITT data as
    they are and other images losslessly; an image img2pdf refuses (transparency, 16-bit
    or floating-point samples…) is first converted with Pillow, losslessly, to 8-bit grey
    or colour on white. Every image is decoded once here, so a damaged or truncated image
    is refused now (`ScanRefused`) rather than in the middle of its OCR. An image without
    a resolution is taken as 300 dpi (what scanners are set to for documents), which
    gives its page its size. A ZIP is not accepted: `expand_zip` it first."""
    name = name or path.name
    kind, pages = _examine(path, name)
    if kind == "zip":
        raise ValueError(f"{path} is a ZIP archive: expand_zip it, then convert its files")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.part")
    try:
        if kind == "pdf":
            _copy_pdf(path, partial)
        else:
            _image_to_pdf(path, kind, partial, name)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return pages


def _copy_pdf(path: Path, out: Path) -> None:
    """A PDF copied byte for byte; one encrypted with restrictions only (an owner
    password: it opens without one) written without its encryption, so that its pages
    can be cut and read (OCRmyPDF refuses an encrypted PDF). The original is kept as
    received by the caller."""
    with pikepdf.open(path) as pdf:
        restricted = pdf.is_encrypted
        if restricted:
            pdf.save(out, encryption=False)
    if not restricted:
        shutil.copyfile(path, out)


def _image_to_pdf(path: Path, kind: str, out: Path, name: str) -> None:
    embeddable, has_dpi = _survey_frames(path, kind, name)
    # Without a resolution img2pdf assumes 96 dpi, which makes an A4 scan a page of
    # 66 × 92 cm; scanners are set to 300 dpi for documents.
    layout = None if has_dpi else img2pdf.get_fixed_dpi_layout_fun((300, 300))
    with tempfile.TemporaryDirectory(prefix=".img2pdf-", dir=out.parent) as work:
        sources = [str(path)] if embeddable else _convert_frames(path, kind, name, Path(work))
        try:
            _img2pdf(sources, layout, out)
        except Exception:  # img2pdf raises many kinds on what it will not embed
            if not embeddable:
                raise
            logger.info("img2pdf refused %s; converting it with Pillow first", path, exc_info=True)
            _img2pdf(_convert_frames(path, kind, name, Path(work)), layout, out)


def _img2pdf(sources: list[str], layout: Any, out: Path) -> None:
    options: dict[str, Any] = {"rotation": img2pdf.Rotation.ifvalid}
    if layout is not None:
        options["layout_fun"] = layout
    with out.open("wb") as sink:
        img2pdf.convert(*sources, outputstream=sink, **options)


# Modes img2pdf embeds as they are.
_EMBEDDABLE = {"1", "L", "RGB", "CMYK", "P"}
_DAMAGED_IMAGE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    struct.error,
    Image.DecompressionBombError,
)


@contextlib.contextmanager
def _frames(path: Path, kind: str, name: str, *, survey: bool = False) -> Iterator[Iterator[Image.Image]]:
    """Each frame of an image file, decoded (a damaged or truncated one is refused).
    With `survey`, a JPEG is decoded at an eighth of its size: every byte of it is still
    read and checked, at a fifth of the cost; the frames are for looking at, not for use."""

    def frames(image: Image.Image) -> Iterator[Image.Image]:
        for index in range(int(getattr(image, "n_frames", 1))):
            image.seek(index)
            if survey and image.format == "JPEG":
                image.draft(image.mode, (image.width // 8, image.height // 8))
            image.load()
            yield image

    try:
        with warnings.catch_warnings():
            # The size was checked against our own limit (`_examine`); Pillow's
            # threshold is lower than ours and only warns between the two.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                yield frames(image)
    except _DAMAGED_IMAGE_ERRORS:
        logger.info("Refused a damaged image %s", path, exc_info=True)
        raise _damaged_image(name, kind) from None


def _survey_frames(path: Path, kind: str, name: str) -> tuple[bool, bool]:
    """Decode every frame once: whether img2pdf can embed them all as they are, and
    whether they all state their resolution."""
    embeddable = has_dpi = True
    with _frames(path, kind, name, survey=True) as frames:
        for frame in frames:
            dpi = frame.info.get("dpi")
            has_dpi = has_dpi and isinstance(dpi, tuple) and min(dpi) > 0
            embeddable = embeddable and frame.mode in _EMBEDDABLE and "transparency" not in frame.info
    return embeddable, has_dpi


def _convert_frames(path: Path, kind: str, name: str, work: Path) -> list[str]:
    """Every frame as a lossless 8-bit PNG in `work`, in order."""
    written: list[str] = []
    with _frames(path, kind, name) as frames:
        for index, frame in enumerate(frames):
            target = work / f"frame-{index:04}.png"
            _to_embeddable(frame).save(target, format="PNG", dpi=frame.info.get("dpi") or (300, 300))
            written.append(str(target))
    return written


def _to_embeddable(image: Image.Image) -> Image.Image:
    """An 8-bit grey or colour image (1-bit kept), transparency flattened onto white."""
    if image.mode in {"1", "L", "RGB"} and "transparency" not in image.info:
        return image.copy()
    if image.mode.startswith(("I", "F")):
        # 16-bit, 32-bit or floating-point grey: stretch its range over 8 bits.
        low, high = cast(tuple[float, float], image.getextrema())
        scale = 255 / ((high - low) or 1)
        return image.point(lambda value: (value - low) * scale).convert("L")
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat.convert("L") if image.mode in {"LA", "La", "L", "1"} else flat


# --- Pages ---------------------------------------------------------------------------------


def split_pages(pdf: Path, into: Path) -> list[Path]:
    """One single-page PDF per page of `pdf`, written into `into` as page-0001.pdf,
    page-0002.pdf… (in order), each with only the resources its page uses. Links to
    other pages of the document are dropped from the copies (they would drag the other
    pages into each file, and a one-page file has nowhere to go); the source is not
    modified. Running it again rewrites the same files."""
    into.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with pikepdf.open(pdf) as source:
        for number, page in enumerate(source.pages, 1):
            _drop_internal_links(page)
            target = into / f"page-{number:04}.pdf"
            partial = target.with_name(f".{target.name}.part")
            with pikepdf.new() as single:
                single.pages.append(page)
                single.pages[0].remove_unreferenced_resources()
                single.save(partial)
            os.replace(partial, target)
            written.append(target)
    return written


def _drop_internal_links(page: pikepdf.Page) -> None:
    """In memory only: the link annotations that point at a page of this document, and
    article beads (which chain pages together)."""
    if "/B" in page.obj:
        del page.obj["/B"]
    annots = page.obj.get("/Annots")
    if not isinstance(annots, pikepdf.Array):
        return
    kept = pikepdf.Array()
    for annot in annots:
        if isinstance(annot, pikepdf.Dictionary) and annot.get("/Subtype") == pikepdf.Name.Link:
            action = annot.get("/A")
            internal = "/Dest" in annot or (
                isinstance(action, pikepdf.Dictionary) and action.get("/S") == pikepdf.Name.GoTo
            )
            if internal:
                continue
        kept.append(annot)
    page.obj["/Annots"] = kept


@dataclass(frozen=True)
class PageResult:
    """What OCR made of one page: its `text` (NFC), the mean of Tesseract's word
    confidences 0–100 (`confidence`; None when Tesseract read no words: a page that
    already had text and was not OCRed, a blank page, a skipped one), the quarter turn applied to
    put it upright (`rotated`: 0, 90, 180 or 270 degrees counter-clockwise, as OCRmyPDF
    counts it: a page whose text was turned a quarter turn counter-clockwise on the glass
    gets 270), and whether Tesseract gave up on it (`skipped`: timed out or refused the
    image; the page is in the output without text and must be tried again, never
    counted as done)."""

    text: str
    confidence: float | None
    rotated: int
    skipped: bool


def ocr_page(
    page_pdf: Path, out_pdf: Path, *, language: str = "vie", timeout: float = 180, name: str | None = None
) -> PageResult:
    """OCR a one-page PDF and write the result to `out_pdf`: the page shown level and
    upright, with Tesseract's text layer over it. `out_pdf` appears only once complete;
    it is a plain PDF (the merge makes the document PDF/A once).

    A page that is a scan and nothing else (one image over the whole page, the page of
    every scanner and of `to_pdf`) is read by `_read_scan`: this module measures the
    skew, turns and cleans a reading copy itself and runs Tesseract once, for the text
    layer, the text and the word confidences together; the scan itself is kept as it
    is, drawn turned by the skew. Any other page (born-digital, or a scan
    with text or drawings on it) goes through OCRmyPDF (`_ocrmypdf_page`), which keeps
    an existing text layer and grafts a new one onto the page's own content. Why two
    ways: OCRmyPDF costs 5–6 s a page with deskew, clean and rotation where Tesseract
    alone takes about 1 s (bench/ocr.py, docs/performance.md); the archive's 62,000 pages
    are scans.

    Raises `ScanRefused` for a page that cannot be read (damaged, protected, too large),
    its message naming `name` (by default the page file's name); anything else is a
    failure of the machine, to be retried."""
    name = name or page_pdf.name
    try:
        with pikepdf.open(page_pdf) as page:
            pages = len(page.pages)
            scan = _plain_scan(page, name) if pages == 1 else None
    except pikepdf.PasswordError:
        raise _encrypted_pdf(name) from None
    except pikepdf.PdfError:
        raise _damaged_pdf(name) from None
    if pages != 1:
        # One text, one confidence and one turn are kept per run: they describe a single page.
        raise ValueError(f"{page_pdf} has {pages} pages: split_pages it first")
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    if scan is None:
        return _ocrmypdf_page(page_pdf, out_pdf, language=language, timeout=timeout, name=name)
    return _read_scan(scan, page_pdf, out_pdf, language=language, timeout=timeout)


# --- Reading a scanned page with Tesseract ------------------------------------------------

# The skew searched, either way, in degrees: a page fed by hand is off by 1–3°; beyond 5°
# the scan is worth redoing, and a wider search finds false angles on tables.
SKEW_SEARCH = 5.0
# Below this the page is left as scanned: 0.1° moves the end of a 17 cm line by 0.3 mm.
SKEW_IGNORED = 0.1
# A page read with a mean word confidence below this (or with no words) may be sideways
# or upside down: Tesseract's orientation detection is asked, and run only then, because
# it costs a third of a reading and almost every page is upright. Upright pages of the
# test set read at 85–95; upside-down ones at 30–50.
CONFIDENCE_UPRIGHT = 65.0
# How sure the orientation detection must be for its turn to be kept whenever the page
# then reads better (OCRmyPDF's default). Under it the turn is still tried, and kept
# when the page then reads clearly better (by ORIENTATION_UNSURE_GAIN points): a page
# with little text (a title and a paragraph) turned 90° or 180° gets 8–12 from the
# detection, and reads at 40–50 as it lies against 85–95 turned.
ORIENTATION_THRESHOLD = 14.0
ORIENTATION_UNSURE_GAIN = 10.0
# The resolution Tesseract reads a page at (a finer scan is scaled down for it; the page
# shown keeps its own): 150 dpi puts the 13–14 pt of a Party document in Tesseract's
# best size and costs a fifth less than 200 dpi. Measured on the test pages (bench/ocr.py,
# docs/performance.md), CER at 150 / 200 / 300 dpi: 13 pt 0.15 / 0.24 / 0.65 %,
# 10 pt 0.64 / 0.58 / –, 8 pt 0.87 / 0.65 / – %; Tesseract 0.46 / 0.56 / 0.78 s a page.
# A 300 dpi JPEG is decoded straight at this size (the JPEG's own scaling, at a quarter
# of the cost of decoding it whole).
READING_DPI = 150
# Small print (a median word under 7.5 pt tall, Tesseract's boxes being about 0.77 of
# the type size: text under about 10 pt) is read again at 200 dpi. At 150 dpi Tesseract
# read 8 pt text with the right letters but split lines into false columns (25 % CER on
# two pages of twelve); at 200 dpi the worst of the twelve was 1.1 %.
SMALL_PRINT_POINTS = 7.5
SMALL_PRINT_DPI = 200
# JPEG quality of a page image that had to be redrawn (turned a quarter turn): what
# archive scanners write for documents.
JPEG_QUALITY = 85


class _Scan:
    """The image of a page that is nothing but a scan, upright as the page is shown, and
    its resolution; a JPEG as its bytes too (decoded when first needed). `drawn` is the
    image's resource name and the matrix that draws it, when the page shows the image as
    stored (no /Rotate): such a page keeps its content, turned level in place."""

    def __init__(
        self,
        *,
        dpi: float,
        jpeg: bytes | None = None,
        image: Image.Image | None = None,
        drawn: tuple[str, pikepdf.Matrix] | None = None,
    ) -> None:
        self.dpi, self.jpeg, self._image, self.drawn = dpi, jpeg, image, drawn

    def image(self) -> Image.Image:
        if self._image is None:
            assert self.jpeg is not None
            self._image = Image.open(io.BytesIO(self.jpeg))
            self._image.load()
        return self._image

    def reading(self, at: float = READING_DPI) -> tuple[Image.Image, float]:
        """The page in grey at no more than `at` dpi (a tenth more is left as it is),
        and the resolution it has."""
        if self._image is None and self.jpeg is not None:
            image = Image.open(io.BytesIO(self.jpeg))
            full_width, scale = image.width, min(1.0, at / self.dpi)
            # The JPEG decoder itself halves or quarters the page, and gives the grey alone.
            image.draft("L", (round(image.width * scale), round(image.height * scale)))
            image.load()
            dpi = self.dpi * image.width / full_width
            grey = image if image.mode == "L" else image.convert("L")
        else:
            source = self.image()
            grey = source if source.mode == "L" else source.convert("L")
            dpi = self.dpi
        if dpi > at * 1.1:
            size = (round(grey.width * at / dpi), round(grey.height * at / dpi))
            grey, dpi = grey.resize(size, Image.Resampling.BILINEAR), at
        return grey, dpi


def _plain_scan(pdf: pikepdf.Pdf, name: str) -> _Scan | None:
    """The scan of a page whose content is exactly one opaque image drawn upright over
    (almost) the whole page: no text, no drawing, no mask. None otherwise."""
    page = pdf.pages[0]
    try:
        instructions = pikepdf.parse_content_stream(page)
    except pikepdf.PdfError:
        return None
    matrix, stack, drawn = pikepdf.Matrix(), [], []
    for instruction in instructions:
        if not isinstance(instruction, pikepdf.ContentStreamInstruction):
            return None  # an inline image
        operands, op = instruction.operands, str(instruction.operator)
        if op == "q":
            stack.append(matrix)
        elif op == "Q":
            matrix = stack.pop() if stack else pikepdf.Matrix()
        elif op == "cm":
            matrix = pikepdf.Matrix(*(float(value) for value in operands)) @ matrix
        elif op == "Do":
            drawn.append((operands[0], matrix))
        else:
            return None
    if len(drawn) != 1:
        return None
    resource, matrix = drawn[0]
    resources = page.obj.get("/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    xobject = xobjects.get(str(resource)) if isinstance(xobjects, pikepdf.Dictionary) else None
    if not isinstance(xobject, pikepdf.Stream) or xobject.get("/Subtype") != pikepdf.Name.Image:
        return None
    if any(key in xobject for key in ("/SMask", "/Mask", "/ImageMask", "/Decode")):
        return None
    a, b, c, d, _x, _y = matrix.shorthand
    box = [float(value) for value in page.mediabox]
    page_width, page_height = box[2] - box[0], box[3] - box[1]
    if b or c or a <= 0 or d <= 0 or a * d < 0.95 * page_width * page_height:
        return None
    image_pdf = pikepdf.PdfImage(xobject)
    _check_pixels(name, image_pdf.width, image_pdf.height)
    turn = int(page.obj.get("/Rotate", 0)) % 360
    if turn in (90, 270):
        page_width = page_height
    as_stored = None if turn else (str(resource), matrix)
    if image_pdf.filters == ["/DCTDecode"] and not turn:
        jpeg = bytes(xobject.read_raw_bytes())
        with contextlib.suppress(OSError), Image.open(io.BytesIO(jpeg)) as header:
            if header.mode in {"L", "RGB"}:
                return _Scan(dpi=image_pdf.width / (page_width / 72), jpeg=jpeg, drawn=as_stored)
    try:
        image = image_pdf.as_pil_image()
    except (pikepdf.PdfError, NotImplementedError, OSError, ValueError):
        return None  # an encoding Pillow cannot decode (JBIG2…): OCRmyPDF's Ghostscript can
    if turn:
        # /Rotate turns the page clockwise when shown; the image is turned the same way
        # here, so the page read is the page the reader sees.
        image = image.rotate(-turn, expand=True)
    if image.mode not in {"1", "L", "RGB"}:
        image = image.convert("RGB" if image.mode in {"P", "CMYK", "RGBA", "LA", "YCbCr"} else "L")
    return _Scan(dpi=image.width / (page_width / 72), image=image, drawn=as_stored)


def skew_angle(page: Image.Image, *, dpi: float = 300) -> float:
    """The angle, in degrees counter-clockwise (as PIL's `rotate` takes it), that makes
    the lines of a page level: the one whose horizontal projection of the ink has the
    sharpest rows (largest sum of squared differences between neighbouring rows), to
    0.05°, in grey. The page (of `dpi`) is measured at 75–150 dpi: a quarter of a 300 dpi
    page, half of a 150 dpi one. 0 for a page without ink."""
    import numpy as np

    grey = page if page.mode == "L" else page.convert("L")
    factor = max(1, int(dpi // 75))
    small = grey.reduce(factor) if factor > 1 and min(grey.size) >= 300 * factor else grey
    pixels = np.asarray(small, dtype=np.uint8)
    # The 1st and 99th percentiles of the levels, from the histogram (a sort of the
    # pixels costs ten times more).
    seen = np.cumsum(small.histogram())
    low, high = (int(level) for level in np.searchsorted(seen, [0.01 * seen[-1], 0.99 * seen[-1]]))
    if high - low < 40:
        return 0.0
    rows, columns = np.nonzero(pixels < (low + high) / 2)
    if len(rows) < 200:
        return 0.0
    rows, columns = rows.astype(np.float64), columns.astype(np.float64)
    offset = columns.max() * np.tan(np.radians(SKEW_SEARCH)) + 1

    def sharpness(degrees: float) -> float:
        projected = (rows - columns * np.tan(np.radians(degrees)) + offset).astype(np.int64)
        counts = np.bincount(projected).astype(np.float64)
        return float(np.sum(np.diff(counts) ** 2))

    coarse = max(np.arange(-SKEW_SEARCH, SKEW_SEARCH + 0.01, 0.25), key=sharpness)
    fine = max(np.arange(coarse - 0.25, coarse + 0.26, 0.05), key=sharpness)
    return round(float(fine), 2)


def clean(image: Image.Image) -> Image.Image:
    """The page with its paper made white and its ink made black: the levels stretched so
    that the lightest 40 % of pixels (the paper) become white and the darkest 0.5 %
    (the ink) black, the ink's level pushed down far enough that the stretch is at most
    double. What it takes away is the scanner's grey cast, the paper's yellowing and the
    faint noise over the paper; what it keeps is every mark darker than the paper (a
    filter that erases specks erases diacritics and dots with them). A page darker than
    mid-grey (a photograph, a negative) is left as it is."""
    histogram = (image if image.mode == "L" else image.convert("L")).histogram()
    total = sum(histogram)
    seen, low, paper = 0, None, None
    for value, count in enumerate(histogram):
        seen += count
        if low is None and seen >= 0.005 * total:
            low = value
        if seen >= 0.6 * total:
            paper = value
            break
    if low is None or paper is None or paper < 128:
        return image
    low = min(low, paper - 128)
    table = [
        0 if value <= low else 255 if value >= paper else round(255 * (value - low) / (paper - low))
        for value in range(256)
    ]
    return image.point(table * len(image.getbands()))


def _read_scan(scan: _Scan, page_pdf: Path, out_pdf: Path, *, language: str, timeout: float) -> PageResult:
    """Deskew, clean, read; if the page reads badly, ask which way up it is, turn it and
    read it again, keeping the better reading."""
    with tempfile.TemporaryDirectory(prefix=".ocr-", dir=out_pdf.parent) as work:
        folder = Path(work)
        reading = _read_turned(scan, 0, page_pdf, folder / "upright", language=language, timeout=timeout)
        if reading is None:
            # Tesseract gave up: the page stays in the document, without text, to be tried again.
            shutil.copyfile(page_pdf, out_pdf)
            return PageResult(text="", confidence=None, rotated=0, skipped=True)
        rotated = 0
        if reading.confidence is None or reading.confidence < CONFIDENCE_UPRIGHT:
            turn, sure = _orientation(scan.image(), folder, timeout=timeout)
            if turn:
                turned = _read_turned(
                    scan, turn, page_pdf, folder / "turned", language=language, timeout=timeout
                )
                gain = 0.0 if sure >= ORIENTATION_THRESHOLD else ORIENTATION_UNSURE_GAIN
                if turned is not None and (turned.confidence or 0) > (reading.confidence or 0) + gain:
                    reading, rotated = turned, turn
        os.replace(reading.pdf, out_pdf)
        return PageResult(text=reading.text, confidence=reading.confidence, rotated=rotated, skipped=False)


@dataclass(frozen=True)
class _Reading:
    pdf: Path
    text: str
    confidence: float | None
    # The median height of the words read, in points (None without words).
    word_points: float | None = None


def _read_turned(
    scan: _Scan, turn: int, page_pdf: Path, base: Path, *, language: str, timeout: float
) -> _Reading | None:
    """One Tesseract run on the page turned by `turn` degrees counter-clockwise,
    deskewed and cleaned, read at READING_DPI: the page's PDF with Tesseract's text layer
    laid over it, and the text and word confidences. None if Tesseract timed out.

    A page shown as its image is stored (every scanner's page) keeps its content: the
    image is not redrawn, only drawn turned by the skew so that it shows level, which
    keeps the scanner's bytes (no second compression, nothing resampled) and costs a
    fifth of a page's reading less than redrawing it. A page turned a quarter turn, by
    /Rotate or to read it upright, is redrawn upright (`_read_redrawn`)."""
    if turn or scan.drawn is None:
        return _read_redrawn(scan, turn, base, language=language, timeout=timeout)
    grey, dpi = scan.reading()
    angle = skew_angle(grey, dpi=dpi)
    level = abs(angle) < SKEW_IGNORED

    def read(grey: Image.Image, dpi: float, base: Path) -> _Reading | None:
        if not level:
            grey = grey.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
        return _tesseract(clean(grey), dpi, base, language=language, timeout=timeout)

    layer = read(grey, dpi, base)
    if layer is None:
        return None
    small = layer.word_points is not None and layer.word_points < SMALL_PRINT_POINTS
    if small and dpi < SMALL_PRINT_DPI and scan.dpi >= SMALL_PRINT_DPI:
        finer = read(*scan.reading(at=SMALL_PRINT_DPI), base.with_name(base.name + "-fine"))
        layer = finer or layer
    pdf = base.with_suffix(".pdf")
    with pikepdf.open(page_pdf) as source, pikepdf.open(layer.pdf) as text_pdf:
        page = source.pages[0]
        if not level:
            resource, matrix = scan.drawn
            shown = matrix @ _rotation_about_centre(page.mediabox, angle)
            numbers = " ".join(f"{value:.6f}" for value in shown.shorthand)
            page.obj.Contents = source.make_stream(f"q {numbers} cm {resource} Do Q".encode())
        page.add_overlay(text_pdf.pages[0], pikepdf.Rectangle(page.mediabox))
        source.save(pdf)
    return _Reading(pdf=pdf, text=layer.text, confidence=layer.confidence)


def _rotation_about_centre(box: pikepdf.Array, degrees: float) -> pikepdf.Matrix:
    """The turn by `degrees` counter-clockwise (as PIL turns an image) about the middle
    of the page `box`, in PDF space (y up)."""
    left, bottom, right, top = (float(value) for value in box)
    x, y = (left + right) / 2, (bottom + top) / 2
    cos, sin = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return pikepdf.Matrix(cos, sin, -sin, cos, x - cos * x + sin * y, y - sin * x - cos * y)


def _read_redrawn(scan: _Scan, turn: int, base: Path, *, language: str, timeout: float) -> _Reading | None:
    """`_read_turned` for a page turned a quarter turn: the image turned, deskewed and
    cleaned is the page's new image, at its own resolution (a JPEG at JPEG_QUALITY, a
    black-and-white scan in CCITT G4), with the text layer over it."""
    image = scan.image().rotate(turn, expand=True) if turn else scan.image()
    angle = skew_angle(image, dpi=scan.dpi)
    if abs(angle) >= SKEW_IGNORED and image.mode == "1":
        turned = image.convert("L").rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
        image = turned.point([0] * 128 + [255] * 128, mode="1")
    elif abs(angle) >= SKEW_IGNORED:
        white = 255 if image.mode == "L" else (255, 255, 255)
        image = image.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=white)
    dpi = round(scan.dpi)
    shown = io.BytesIO()
    if image.mode == "1":
        # A black-and-white scan stays one: CCITT G4, put in the PDF as it is.
        image.save(shown, format="TIFF", compression="group4", dpi=(dpi, dpi))
        cleaned = image.convert("L")
    else:
        cleaned = clean(image)
        cleaned.save(shown, format="JPEG", quality=JPEG_QUALITY, dpi=(dpi, dpi))
    reading = cleaned if cleaned.mode == "L" else cleaned.convert("L")
    reading_dpi: float = dpi
    if dpi > READING_DPI * 1.1:
        reading_dpi = READING_DPI
        size = (round(reading.width * READING_DPI / dpi), round(reading.height * READING_DPI / dpi))
        reading = reading.resize(size, Image.Resampling.BILINEAR)
    layer = _tesseract(reading, reading_dpi, base, language=language, timeout=timeout)
    if layer is None:
        return None
    pdf = base.with_suffix(".pdf")
    layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
    image_pdf = io.BytesIO(img2pdf.convert(shown.getvalue(), layout_fun=layout))
    with pikepdf.open(image_pdf) as page_pdf, pikepdf.open(layer.pdf) as text_pdf:
        page = page_pdf.pages[0]
        page.add_overlay(text_pdf.pages[0], pikepdf.Rectangle(page.mediabox))
        page_pdf.save(pdf)
    return _Reading(pdf=pdf, text=layer.text, confidence=layer.confidence)


def _tesseract(
    image: Image.Image, dpi: float, base: Path, *, language: str, timeout: float
) -> _Reading | None:
    """One Tesseract run, one thread, on the grey `image` of `dpi`: its text-only PDF (a
    page of the image's size in points), its text (NFC, lines without trailing spaces),
    the mean of its word confidences and the median height of its words. None if it
    timed out."""
    picture = base.with_suffix(".pgm")
    image.save(picture)
    output = base.with_name(base.name + "-text")
    command = [
        "tesseract",
        str(picture),
        str(output),
        "--dpi",
        str(round(dpi)),
        "-l",
        language,
        "-c",
        "textonly_pdf=1",
        "pdf",
        "txt",
        "tsv",
    ]
    try:
        subprocess.run(
            command,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            capture_output=True,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return None
    text = unicodedata.normalize("NFC", output.with_suffix(".txt").read_text(encoding="utf-8"))
    text = "\n".join(line.rstrip() for line in text.strip("\f\n ").splitlines())
    tsv = output.with_suffix(".tsv").read_text(encoding="utf-8")
    height = tsv_word_height(tsv)
    return _Reading(
        pdf=output.with_suffix(".pdf"),
        text=text,
        confidence=tsv_confidence(tsv),
        word_points=None if height is None else height * 72 / dpi,
    )


_TSV_WORD_LEVEL = "5"


def tsv_confidence(tsv: str) -> float | None:
    """The mean of the word confidences (0–100) of a Tesseract TSV page; None when it
    has no words. Rows of level 5 are words; a confidence of -1 marks a row that is not
    one (a block or a line)."""
    values = []
    for line in tsv.splitlines()[1:]:
        fields = line.split("\t")
        if len(fields) == 12 and fields[0] == _TSV_WORD_LEVEL and fields[11].strip():
            confidence = float(fields[10])
            if confidence >= 0:
                values.append(confidence)
    return round(sum(values) / len(values), 2) if values else None


def tsv_word_height(tsv: str) -> float | None:
    """The median height of the words of a Tesseract TSV page, in pixels; None when it
    has no words."""
    heights = sorted(
        int(fields[9])
        for fields in (line.split("\t") for line in tsv.splitlines()[1:])
        if len(fields) == 12 and fields[0] == _TSV_WORD_LEVEL and fields[11].strip()
    )
    return float(statistics.median(heights)) if heights else None


_ROTATE = re.compile(r"^Rotate:\s*(\d+)", re.MULTILINE)
_ORIENTATION_CONFIDENCE = re.compile(r"^Orientation confidence:\s*([\d.]+)", re.MULTILINE)


def _orientation(image: Image.Image, work: Path, *, timeout: float) -> tuple[int, float]:
    """The quarter turn, in degrees counter-clockwise, that puts the page upright
    according to Tesseract's orientation detection, and how sure it is; (0, 0) when it
    finds the page upright or cannot tell (a page without text). The caller weighs the
    confidence (`ORIENTATION_THRESHOLD`): the turn is only tried on a page that read
    badly, and kept only if the page reads better turned."""
    picture = work / "orientation.png"
    (image if image.mode == "1" else image.convert("L")).save(picture)
    try:
        done = subprocess.run(
            ["tesseract", str(picture), "-", "--psm", "0", "-l", "osd"],
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return 0, 0.0
    rotate, confidence = _ROTATE.search(done.stdout), _ORIENTATION_CONFIDENCE.search(done.stdout)
    if done.returncode != 0 or rotate is None or confidence is None:
        return 0, 0.0
    # Tesseract's "Rotate" is the clockwise turn that corrects the page.
    return (360 - int(rotate.group(1))) % 360, float(confidence.group(1))


# --- Reading any other page with OCRmyPDF ------------------------------------------------


def _ocrmypdf_page(page_pdf: Path, out_pdf: Path, *, language: str, timeout: float, name: str) -> PageResult:
    """OCRmyPDF on a page that is not a plain scan: the page's own content kept, an
    existing text layer kept untouched (`--skip-text`: a born-digital page is not read),
    and for the rest the page deskewed, cleaned for Tesseract, turned upright, with
    Tesseract's text grafted on.

    Settings, and why: `-l vie` alone (vie+eng loses the marks of whole words:
    MEASURED.md); `--clean` for what Tesseract reads while the page shown keeps its own
    pixels; one job and OMP_THREAD_LIMIT=1 (a page is one task, one core: Tesseract's
    threads made it 6× slower under load); lossless optimization; `timeout` seconds for
    each Tesseract run. The text is OCRmyPDF's sidecar, or for a page that had text, the
    page's text layer; the confidence comes from the hOCR of the same Tesseract run (a
    small OCRmyPDF plugin keeps it)."""
    import ocrmypdf
    from ocrmypdf.exceptions import (
        DpiError,
        EncryptedPdfError,
        ExitCode,
        InputFileError,
        UnsupportedImageFormatError,
    )

    with tempfile.TemporaryDirectory(prefix=".ocr-", dir=out_pdf.parent) as work:
        hocr, turn = Path(work, _KEPT_HOCR), Path(work, _KEPT_TURN)
        sidecar, result = Path(work, "page.txt"), Path(work, "page.pdf")
        # Unknown keywords become the run's `extra_attrs`, where the engine finds them.
        keep: dict[str, Any] = {_KEEP: work}
        try:
            with _single_threaded_tesseract():
                code = ocrmypdf.ocr(
                    page_pdf,
                    result,
                    language=[language],
                    mode="skip",
                    deskew=True,
                    clean=True,
                    clean_final=False,
                    rotate_pages=True,
                    output_type="pdf",
                    optimize=OCR_OPTIMIZE,
                    jobs=1,
                    use_threads=True,
                    sidecar=sidecar,
                    tesseract_timeout=timeout,
                    tesseract_non_ocr_timeout=timeout,
                    max_image_mpixels=MAX_PIXELS / 1_000_000,
                    progress_bar=False,
                    plugins=[__name__],
                    **keep,
                )
        except EncryptedPdfError:
            raise _encrypted_pdf(name) from None
        except (InputFileError, DpiError, UnsupportedImageFormatError):
            logger.info("OCRmyPDF refused %s", page_pdf, exc_info=True)
            raise _damaged_pdf(name) from None
        except Image.DecompressionBombError:
            raise _too_large_image(name) from None
        if code != ExitCode.ok or not result.exists():
            raise RuntimeError(f"OCRmyPDF exited with {code!r} on {page_pdf}")
        # OCRmyPDF turns the page either with /Rotate or, when it redraws the page
        # (deskew), in the pixels: what it decided is the one reliable record.
        rotated = int(turn.read_text()) if turn.exists() else 0
        if not hocr.exists():
            # Tesseract never ran: OCRmyPDF skipped the page because it has text (or
            # nothing at all to read); its text is the page's own.
            text = page_texts(result)[0]
            outcome = PageResult(text=text, confidence=None, rotated=rotated, skipped=False)
        else:
            text = unicodedata.normalize("NFC", sidecar.read_text(encoding="utf-8")).strip("\f\n ")
            if text == _SKIPPED:
                outcome = PageResult(text="", confidence=None, rotated=rotated, skipped=True)
            else:
                confidence = hocr_confidence(hocr.read_text(encoding="utf-8"))
                outcome = PageResult(text=text, confidence=confidence, rotated=rotated, skipped=False)
        os.replace(result, out_pdf)
    return outcome


@contextlib.contextmanager
def _single_threaded_tesseract() -> Iterator[None]:
    """OMP_THREAD_LIMIT=1 while OCRmyPDF runs: it reads the variable when it starts a
    file and passes it to each Tesseract it runs (without it OCRmyPDF picks a number of
    its own). The previous value comes back afterwards."""
    previous = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("OMP_THREAD_LIMIT", None)
        else:
            os.environ["OMP_THREAD_LIMIT"] = previous


_WORD_CONFIDENCE = re.compile(r"""class=['"]ocrx_word['"][^>]*?\bx_wconf\s+(\d+(?:\.\d+)?)""")


def hocr_confidence(hocr: str) -> float | None:
    """The mean of the word confidences (x_wconf, 0–100) of a Tesseract hOCR page; None
    when it has no words."""
    values = [float(value) for value in _WORD_CONFIDENCE.findall(hocr)]
    return round(sum(values) / len(values), 2) if values else None


# The OCRmyPDF plugin: this module, registered by name in `ocr_page`. Its engine is
# OCRmyPDF's Tesseract engine that also keeps, in the folder the run's options name, a
# copy of the page's hOCR (OCRmyPDF deletes its work folder, whose name it picks, at the
# end) and the quarter turn it applied (which the output does not always show).
_hookimpl = pluggy.HookimplMarker("ocrmypdf")


@_hookimpl(specname="get_ocr_engine")
def _ocr_engine(options: Any) -> Any:
    if options is not None and getattr(options, "ocr_engine", "auto") not in {"auto", "tesseract"}:
        return None
    return _engine_class()()


@functools.cache
def _engine_class() -> type:
    from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine

    class HocrKeepingTesseract(TesseractOcrEngine):
        @staticmethod
        def supports_generate_ocr() -> bool:
            # The hOCR path is the one this engine keeps the confidences from: should a
            # later Tesseract engine read pages another way, stay on this one.
            return False

        @staticmethod
        def generate_hocr(input_file: Path, output_hocr: Path, output_text: Path, options: Any) -> None:
            TesseractOcrEngine.generate_hocr(input_file, output_hocr, output_text, options)
            keep = options.extra_attrs.get(_KEEP)
            if keep:
                shutil.copyfile(output_hocr, Path(keep, _KEPT_HOCR))

        @staticmethod
        def get_orientation(input_file: Path, options: Any) -> Any:
            found = TesseractOcrEngine.get_orientation(input_file, options)
            keep = options.extra_attrs.get(_KEEP)
            if keep:
                # OCRmyPDF's own rule (get_orientation_correction): it turns the page by
                # the angle found when the confidence reaches the threshold.
                applied = found.angle % 360 if found.confidence >= options.rotate_pages_threshold else 0
                Path(keep, _KEPT_TURN).write_text(str(applied))
            return found

    return HocrKeepingTesseract


# --- Merging and reading -------------------------------------------------------------------


def merge_pages(pages: list[Path], out: Path) -> bool:
    """Put the pages (single- or multi-page PDFs, in order) together as `out`, and
    make it PDF/A-2b: pikepdf declares it (output intent, XMP) and validates the bytes
    it wrote. Returns whether `out` is PDF/A-2b; when the pages do not allow it (a
    born-digital page with fonts that are not embedded), `out` is a plain PDF of the
    same pages. Pages are merged at most _MERGE_GROUP files at a time."""
    if not pages:
        raise ValueError("no pages to merge")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".merge-", dir=out.parent) as work:
        sources = list(pages)
        level = 0
        while len(sources) > _MERGE_GROUP:
            level += 1
            grouped = []
            for start in range(0, len(sources), _MERGE_GROUP):
                part = Path(work, f"part-{level}-{start:05}.pdf")
                _concatenate(sources[start : start + _MERGE_GROUP], part, pdfa=False)
                grouped.append(part)
            sources = grouped
        merged = Path(work, "merged.pdf")
        pdfa = _concatenate(sources, merged, pdfa=True)
        os.replace(merged, out)
    return pdfa


def _concatenate(sources: list[Path], target: Path, *, pdfa: bool) -> bool:
    """Write the pages of `sources` as `target`; with `pdfa`, as validated PDF/A-2b if
    they allow it. Returns whether `target` is PDF/A-2b."""
    from pikepdf.pdfa import PdfaError

    with contextlib.ExitStack() as stack:
        merged = stack.enter_context(pikepdf.new())
        for source in sources:
            document = stack.enter_context(pikepdf.open(source))
            merged.pages.extend(document.pages)
        if not pdfa:
            merged.save(target)
            return False
        for page in merged.pages:
            _drop_empty_resources(page)
        try:
            pikepdf.pdfa.save(merged, target, "2b")
            return True
        except PdfaError as error:
            logger.warning("The merged %s is not PDF/A-2b: %s", target, error.report.summary())
    # pikepdf declared PDF/A in the document in memory before it found it was not: the
    # plain PDF is made again from the pages, so that it claims nothing.
    return _concatenate(sources, target, pdfa=False)


def _drop_empty_resources(page: pikepdf.Page) -> None:
    """Empty /Pattern and /Shading dictionaries (WeasyPrint writes them on every page)
    name nothing, but pikepdf's validator does not check patterns and shadings and so
    cannot approve a page that has them."""
    resources = page.obj.get("/Resources")
    if not isinstance(resources, pikepdf.Dictionary):
        return
    for key in ("/Pattern", "/Shading"):
        value = resources.get(key)
        if isinstance(value, pikepdf.Dictionary) and len(value.keys()) == 0:
            del resources[key]


def page_texts(pdf: Path) -> list[str]:
    """The text layer of each page, NFC, lines without trailing spaces. Read with pypdf:
    Poppler's pdftotext scrambles the word-by-word text layer OCRmyPDF writes (a CER of
    55 % on a page pypdf reads at 1.4 %)."""
    texts: list[str] = []
    with pdf.open("rb") as stream:
        reader = pypdf.PdfReader(stream)
        for page in reader.pages:
            text = unicodedata.normalize("NFC", page.extract_text() or "")
            texts.append("\n".join(line.rstrip() for line in text.splitlines()).strip())
    return texts


def thumbnail(pdf: bytes, pixels: int) -> bytes | None:
    """A JPEG of the largest image drawn on the first page of the PDF `pdf` (a scan's page),
    turned as the page shows it, no more than `pixels` on its longer side; None for a
    page without an image (born digital) or one Pillow cannot decode."""
    try:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            page = document.pages[0]
            images = list(page.get_images().values())
            if not images:
                return None
            largest = max(
                images, key=lambda image: int(image.get("/Width", 0)) * int(image.get("/Height", 0))
            )
            picture = pikepdf.PdfImage(cast(pikepdf.Stream, largest)).as_pil_image()
            turn = int(page.obj.get("/Rotate", 0)) % 360
    except (pikepdf.PdfError, NotImplementedError, OSError, ValueError, IndexError):
        return None
    if picture.mode not in {"L", "RGB"}:
        picture = picture.convert("L" if picture.mode in {"1", "LA", "I", "I;16", "F"} else "RGB")
    picture.thumbnail((pixels, pixels))
    if turn:
        picture = picture.rotate(-turn, expand=True)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=80)
    return out.getvalue()
