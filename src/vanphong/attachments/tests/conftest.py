"""Fixtures of the attachments tests: core's office in miniature (re-exported: pytest
loads core's conftest only for core's own tests), documents, files made on the spot,
and a storage directory of each test's own."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from vanphong.core.models import Person, Secrecy
from vanphong.core.tests.conftest import clerk, member, office_chief, outsider, secretary, tree  # noqa: F401
from vanphong.core.tests.factories import Tree
from vanphong.registry.models import DocumentType, IncomingDocument
from vanphong.registry.services import incoming_register

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """Each test stores its files in a directory of its own."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def register_document(tree: Tree, clerk: Person, **overrides: Any) -> IncomingDocument:  # noqa: F811
    entry: dict[str, Any] = {
        "actor": clerk,
        "organization": tree.city,
        "received_on": TODAY,
        "issuer": "Ban Tổ chức Trung ương",
        "symbol": "12-CV/BTCTW",
        "document_date": TODAY - dt.timedelta(days=2),
        "document_type": DocumentType.objects.get(code="cong-van"),
        "abstract": "V/v hướng dẫn công tác chuẩn bị đại hội chi bộ",
    }
    entry.update(overrides)
    return incoming_register(**entry)


@pytest.fixture
def document(tree, clerk):  # noqa: F811
    return register_document(tree, clerk)


@pytest.fixture
def classified(tree, clerk):  # noqa: F811
    return register_document(tree, clerk, secrecy=Secrecy.CONFIDENTIAL, symbol="3-CV/BTCTW")


# --- Files --------------------------------------------------------------------------------------


def pdf_bytes(pages: int = 2, *, password: str | None = None) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(user_password=password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    """A 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def office_bytes(main_part: str, first: str = "docProps/app.xml") -> bytes:
    """An Office Open XML package whose first entry is not the one `filetype` looks for."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(first, "<Properties/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/main.xml" ContentType='
            f'"application/vnd.openxmlformats-officedocument.{main_part}"/></Types>',
        )
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def upload(data: bytes, name: str = "công văn số 12.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")
