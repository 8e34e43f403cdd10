"""The pre-reads as they are served: the PDF of a meeting document, and a copy of it
stamped on every page with the reader's name and the time (so a photographed or
forwarded page names who had it).

The stamp is laid out by WeasyPrint (the fonts and Vietnamese shaping the rest of the
project prints with), one stamp page per page size, and merged onto each page of the
document with pypdf, as the printed registers number their pages
(`registry.exports._join_and_number`)."""

from __future__ import annotations

import io
import logging
from html import escape

from vanphong.attachments.models import Attachment, FileRole
from vanphong.core.printing import pdf_from_html
from vanphong.meetings.models import DocumentSource, MeetingDocument

logger = logging.getLogger(__name__)

PDF = "application/pdf"


def source_pdf(document: MeetingDocument) -> bytes | None:
    """The PDF behind a meeting document, or None when there is none to serve (an
    incoming document without a PDF, an outgoing one not signed here)."""
    if document.source == DocumentSource.UPLOAD:
        if document.content_type != PDF:
            return None
        with document.file.open("rb") as stream:
            return bytes(stream.read())
    if document.source == DocumentSource.INCOMING and document.incoming is not None:
        attachment = (
            Attachment.objects.filter(document=document.incoming, role=FileRole.ORIGINAL, content_type=PDF)
            .order_by("-uploaded_at", "-pk")
            .first()
        )
        if attachment is None:
            return None
        with attachment.file.open("rb") as stream:
            return bytes(stream.read())
    draft = document.draft
    if document.source == DocumentSource.OUTGOING and document.outgoing is not None:
        draft = getattr(document.outgoing, "draft", None)
        if draft is None or not draft.signed_pdf:
            return None
    if draft is None:
        return None
    if draft.signed_pdf:
        with draft.signed_pdf.open("rb") as stream:
            return bytes(stream.read())
    from vanphong.drafting.layout import render_pdf

    return render_pdf(draft).data


def _stamp_html(width: float, height: float, lines: list[str]) -> str:
    text = "<br>".join(escape(line) for line in lines)
    diagonal = escape(lines[0]) if lines else ""
    return (
        "<!doctype html><html><head><meta charset='utf-8'><style>"
        f"@page {{ size: {width:.2f}pt {height:.2f}pt; margin: 0 }}"
        "body { margin: 0; font-family: 'Liberation Serif', serif; }"
        f".band {{ position: absolute; left: 0; width: {width:.2f}pt; text-align: center;"
        " font-size: 8pt; color: rgba(200, 0, 0, 0.75); }"
        ".top { top: 4pt; } .bottom { bottom: 4pt; }"
        f".diagonal {{ position: absolute; top: {height / 2 - 20:.2f}pt; left: 0; width: {width:.2f}pt;"
        " text-align: center; font-size: 22pt; color: rgba(160, 160, 160, 0.28);"
        " transform: rotate(-35deg); }"
        "</style></head><body>"
        f"<div class='band top'>{text}</div>"
        f"<div class='diagonal'>{diagonal}</div>"
        f"<div class='band bottom'>{text}</div>"
        "</body></html>"
    )


def watermark(pdf: bytes, lines: list[str]) -> bytes:
    """`pdf` with `lines` stamped at the top and bottom of every page, and the first
    line across it. Each page's rotation is moved into its content first, so the
    stamp reads upright however the page was scanned."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    stamps: dict[tuple[float, float], object] = {}
    for page in writer.pages:
        page.transfer_rotation_to_content()
        box = page.mediabox
        size = (round(float(box.width), 2), round(float(box.height), 2))
        if size not in stamps:
            stamps[size] = PdfReader(io.BytesIO(pdf_from_html(_stamp_html(size[0], size[1], lines)))).pages[0]
        page.merge_translated_page(stamps[size], tx=float(box.left), ty=float(box.bottom))  # type: ignore[arg-type]
        page.compress_content_streams()
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
