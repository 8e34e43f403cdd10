"""What every printed list shares: HTML to PDF through WeasyPrint (the templates carry
their own style and fetch nothing), text as a spreadsheet cell may hold it, and the
pieces of a Word document that python-docx does not make itself."""

from __future__ import annotations

from typing import Any


def pdf_from_html(html: str) -> bytes:
    from weasyprint import HTML

    # No base URL: the templates carry their own style and fetch nothing.
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def excel_text(value: str) -> str:
    """A string as Excel stores it: without the control characters XML forbids."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value)


def docx_qn(name: str) -> str:
    """A `w:…` name as python-docx's XML wants it (namespace spelled out)."""
    from docx.oxml.ns import qn

    return str(qn(name))


def docx_table_borders(*, visible: bool) -> Any:
    """A table's borders (`w:tblBorders`): thin black lines everywhere, or none (the
    layout tables of a Party document's header and signature block)."""
    from docx.oxml import OxmlElement

    edges = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(docx_qn("w:val"), "single" if visible else "nil")
        if visible:
            element.set(docx_qn("w:sz"), "4")
            element.set(docx_qn("w:color"), "000000")
        edges.append(element)
    return edges
