"""What every printed list shares: HTML to PDF through WeasyPrint (the templates carry
their own style and fetch nothing), and text as a spreadsheet cell may hold it."""

from __future__ import annotations


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
