"""An outgoing Party document printed as Hướng dẫn 36-HD/VPTW lays it out (DOMAIN.md
§3): to PDF through WeasyPrint, for signing and sending, and to DOCX through
python-docx, for editing in Word.

This module only lays out: the drafting app resolves everything printed on the page
to text first (a `Layout`) and sanitizes the body. The body is cleaned again here by the
same `drafting.html.clean_body`, and WeasyPrint fetches nothing, so a body
that escaped the editor's cleaning still cannot reach the network or the disk.

The words printed by the layout itself ("ĐẢNG CỘNG SẢN VIỆT NAM", "Số", "Nơi nhận:",
"ngày … tháng … năm", "DỰ THẢO", "Lưu") are fixed Vietnamese by the regulation, whatever
the language of the person printing: plain constants, deliberately not translated.

The PDF uses Liberation Serif only (Times New Roman's metrics; Debian's
fonts-liberation2), found through fontconfig and embedded as subsets. The DOCX names
Times New Roman, which Word users have."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from vanphong.core.printing import docx_table_borders
from vanphong.drafting.html import clean_body

# --- The page (36-HD/VPTW; DOMAIN.md §3) ---------------------------------------------
PAGE_WIDTH_MM = 210  # A4 portrait
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 25
MARGIN_BOTTOM_MM = 25
MARGIN_LEFT_MM = 35
MARGIN_RIGHT_MM = 15
# First-line indent of the body's paragraphs.
INDENT_MM = 10
# The empty space between the signer's title lines and name, where the signing
# service draws the visible signature and the seal goes (`RenderedPdf.signature_box`).
SIGNATURE_WIDTH_MM = 60
SIGNATURE_HEIGHT_MM = 25

# Sizes in points (36-HD/VPTW, Phụ lục 3).
PARTY_SIZE = 15  # ĐẢNG CỘNG SẢN VIỆT NAM
HEADER_SIZE = 14  # superior and issuing bodies, number, place and date
TYPE_NAME_SIZE = 16
BODY_SIZE = 14
TABLE_SIZE = 13
ABOUT_SIZE = 12  # a công văn's "V/v …"
RECIPIENTS_LABEL_SIZE = 14  # "Nơi nhận:", underlined
RECIPIENTS_SIZE = 12

# The PDF's font, and the DOCX's (Liberation Serif has Times New Roman's metrics).
PDF_FONT = "Liberation Serif"
DOCX_FONT = "Times New Roman"
STAMP_RED = (0xE0, 0x00, 0x00)

# Printed words fixed by 36-HD/VPTW: Vietnamese in every interface language, so
# constants rather than msgids.
PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"
NUMBER_WORD = "Số"
RECIPIENTS_LABEL = "Nơi nhận:"
DRAFT_LABEL = "DỰ THẢO"
KEEP_WORD = "Lưu"

MM_PER_INCH = 25.4
PT_PER_CSS_PX = 0.75  # 1 CSS px = 1/96 in, 1 pt = 1/72 in


@dataclass(frozen=True)
class Layout:
    """Everything printed on the page, already resolved to text by the drafting app."""

    superior_body: str  # "ĐẢNG BỘ TỈNH QUẢNG NINH" (empty for the Central Committee)
    issuing_body: str  # "THÀNH ỦY HẠ LONG"
    type_abbreviation: str  # "CV", "NQ"
    issuer_abbreviation: str  # "TU"
    number: int | None  # None while a draft: "Số      -CV/TU" with the gap
    place: str  # "Hạ Long"
    date: dt.date | None  # None while a draft: "ngày    tháng    năm 2026" (this year)
    type_name: str  # "NGHỊ QUYẾT"; not printed for a công văn (is_official_letter)
    abstract: str  # under the type name (bold); for a công văn "V/v …" under the number
    is_official_letter: bool
    secrecy_label: str  # "" or "MẬT"/"TỐI MẬT"/"TUYỆT MẬT": red box under the number
    urgency_label: str  # "" or "KHẨN"/"THƯỢNG KHẨN"/"HỎA TỐC"…: red box under the number
    body_html: str  # sanitized HTML (`drafting.html.clean_body`)
    signature_lines: Sequence[str]  # ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"], ["K/T BÍ THƯ", "PHÓ BÍ THƯ"]
    signer_name: str  # "Nguyễn Văn An"
    recipients: Sequence[str]  # each printed "- " + as written (its comma included)
    keep_copy: str  # "Lưu Văn phòng Thành ủy.", printed last as "- Lưu …"
    is_draft: bool = False  # "DỰ THẢO", boxed, at the top of the first page
    extra_lines: Sequence[str] = ()  # printed as written under the recipients
    # A second signature, on the left beside the signer's (minutes: the meeting's
    # secretary, "THƯ KÝ HỘI NGHỊ", beside its chair); the recipients go under both.
    cosignature_lines: Sequence[str] = ()
    cosigner_name: str = ""

    @property
    def cosigned(self) -> bool:
        return bool(self.cosignature_lines or self.cosigner_name)


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    # (page index, x1, y1, x2, y2) in PDF points, origin bottom-left of the page: the
    # empty space of the signature block, between the title lines and the signer's
    # name, where the signing service draws the visible stamp.
    signature_box: tuple[int, float, float, float, float]
    page_count: int


# --- What both formats print ----------------------------------------------------------


def number_text(layout: Layout) -> str:
    """The number and symbol as printed once issued: "Số 12-CV/TU". Numbers below 10
    take a leading zero (a series starts at 01, 36-HD/VPTW 1.3.1)."""
    return f"{NUMBER_WORD} {layout.number or 0:02d}-{layout.type_abbreviation}/{layout.issuer_abbreviation}"


def date_parts(layout: Layout) -> tuple[str, str, str]:
    """Day, month and year as printed: two digits for the day and month; a draft's
    day and month are left blank, its year is this year."""
    if layout.date is None:
        from django.utils import timezone

        return "", "", str(timezone.localdate().year)
    return f"{layout.date.day:02d}", f"{layout.date.month:02d}", str(layout.date.year)


def place_date_text(layout: Layout, gap: str = "      ") -> str:
    day, month, year = date_parts(layout)
    place = f"{layout.place}, " if layout.place else ""
    return f"{place}ngày {day or gap} tháng {month or gap} năm {year}"


def stamps(layout: Layout) -> list[str]:
    return [label for label in (layout.secrecy_label, layout.urgency_label) if label.strip()]


def recipient_lines(layout: Layout) -> list[str]:
    """The recipients as written (a leading dash typed by the drafter dropped: the
    layout prints its own), then the office's copy, "Lưu …"."""
    lines = [re.sub(r"^\s*[-–]\s*", "", line) for line in layout.recipients if line.strip()]
    keep = layout.keep_copy.strip()
    if keep:
        if not keep.casefold().startswith(KEEP_WORD.casefold()):
            keep = f"{KEEP_WORD} {keep}"
        lines.append(keep)
    return lines


# --- PDF ------------------------------------------------------------------------------


def _mm(value: float) -> str:
    return f"{value:g}mm"


TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
TEMPLATE = "drafting/render/party_document.html"


@functools.cache
def _engine() -> Any:
    """A template engine of its own over the project's templates directory: the
    document needs no tag library, so its rendering does not depend on the installed
    apps (nor fails with one of them)."""
    from django.template import Engine

    return Engine(dirs=[str(TEMPLATES_DIR)], autoescape=True)


def render_html(layout: Layout) -> str:
    """The document as one HTML page for WeasyPrint (also usable as a preview)."""
    from django.template import Context
    from django.utils.safestring import mark_safe

    day, month, year = date_parts(layout)
    number = f"{layout.number:02d}" if layout.number is not None else ""
    context = Context(
        {
            "layout": layout,
            "party_name": PARTY_NAME,
            "number_word": NUMBER_WORD,
            "number": number,
            "number_line": number_text(layout) if layout.number is not None else "",
            "day": day,
            "month": month,
            "year": year,
            "stamps": stamps(layout),
            "recipients_label": RECIPIENTS_LABEL,
            "recipients": recipient_lines(layout),
            # Blank title lines that bring the second signer's name level with the signer's.
            "cosignature_pad": range(max(0, len(layout.signature_lines) - len(layout.cosignature_lines))),
            "draft_label": DRAFT_LABEL,
            # Cleaned just above to the allow-list: safe to print as markup.
            # Cleaned again: a Layout may come from elsewhere than a saved draft.
            "body": mark_safe(clean_body(layout.body_html)),
            "css": {
                "margin_top": _mm(MARGIN_TOP_MM),
                "margin_right": _mm(MARGIN_RIGHT_MM),
                "margin_bottom": _mm(MARGIN_BOTTOM_MM),
                "margin_left": _mm(MARGIN_LEFT_MM),
                "indent": _mm(INDENT_MM),
                "indent_nested": _mm(2 * INDENT_MM),
                "recipients_size": f"{RECIPIENTS_SIZE}pt",
                "recipients_label_size": f"{RECIPIENTS_LABEL_SIZE}pt",
                "signature_width": _mm(SIGNATURE_WIDTH_MM),
                "signature_height": _mm(SIGNATURE_HEIGHT_MM),
            },
        },
        autoescape=True,
    )
    return str(_engine().get_template(TEMPLATE).render(context))


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The document is self-contained: its style is inline and its body has no images
    # or links. A URL that slipped in is refused rather than fetched.
    raise ValueError(f"a Party document fetches nothing ({url[:80]!r})")


def render_pdf(layout: Layout) -> RenderedPdf:
    from weasyprint import HTML

    document = HTML(string=render_html(layout), url_fetcher=_refuse_fetch).render()
    box = _signature_box(document.pages)
    data = document.write_pdf()
    assert data is not None
    return RenderedPdf(data=bytes(data), signature_box=box, page_count=len(document.pages))


def _signature_box(pages: Sequence[Any]) -> tuple[int, float, float, float, float]:
    """Where the empty signature space lies, from the ids WeasyPrint reports in each
    page's `anchors` (id → position in CSS px from the page's top-left corner):
    the space's own top-left and the top-left of a zero-size marker in its
    bottom-right corner, converted to PDF points from the bottom-left corner."""
    for index, page in enumerate(pages):
        start, end = page.anchors.get("signature-space"), page.anchors.get("signature-space-end")
        if start is None or end is None:
            continue
        x1, top = start[0], start[1]
        x2, bottom = end[0], end[1]
        return (
            index,
            x1 * PT_PER_CSS_PX,
            (page.height - bottom) * PT_PER_CSS_PX,
            x2 * PT_PER_CSS_PX,
            (page.height - top) * PT_PER_CSS_PX,
        )
    raise RuntimeError("the laid-out document has no signature space on one page")


# --- DOCX -----------------------------------------------------------------------------


@dataclass
class _Node:
    """An element of the body's HTML, parsed just enough to rebuild it in Word."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)

    def elements(self, *tags: str) -> Iterator[_Node]:
        for child in self.children:
            if isinstance(child, _Node) and child.tag in tags:
                yield child


class _TreeBuilder(HTMLParser):
    VOID = frozenset({"br"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("body")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching element; a stray end tag is ignored.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _parse(html: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


@dataclass(frozen=True)
class _Style:
    bold: bool = False
    italic: bool = False
    underline: bool = False


_INLINE = {"strong": "bold", "b": "bold", "em": "italic", "i": "italic", "u": "underline"}
_BLOCKS = frozenset({"p", "h2", "h3", "h4", "ul", "ol", "li", "table"})


def _runs(node: _Node | str, style: _Style) -> Iterator[tuple[str, _Style]]:
    """The inline content as (text, style) pieces; "\n" stands for a line break."""
    if isinstance(node, str):
        yield re.sub(r"[ \t\r\n\f]+", " ", node), style
        return
    if node.tag == "br":
        yield "\n", style
        return
    if node.tag in _INLINE:
        style = _Style(**{**style.__dict__, _INLINE[node.tag]: True})
    for child in node.children:
        yield from _runs(child, style)


def _fill(paragraph: Any, pieces: Sequence[tuple[str, _Style]], size: float | None = None) -> None:
    """Write the pieces as runs, whitespace collapsed as a browser would."""
    from docx.shared import Pt

    texts: list[tuple[str, _Style]] = []
    previous_space = True  # no space at the start of a paragraph or after a break
    for text, style in pieces:
        if text == "\n":
            texts.append((text, style))
            previous_space = True
            continue
        if previous_space:
            text = text.lstrip(" ")
        if text:
            texts.append((text, style))
            previous_space = text.endswith(" ")
    while texts and texts[-1][0] != "\n" and not texts[-1][0].strip():
        texts.pop()
    if texts and texts[-1][0] != "\n":
        texts[-1] = (texts[-1][0].rstrip(" "), texts[-1][1])
    for text, style in texts:
        run = paragraph.add_run()
        if text == "\n":
            run.add_break()
        else:
            run.text = text
        run.bold = style.bold or None
        run.italic = style.italic or None
        run.underline = style.underline or None
        if size is not None:
            run.font.size = Pt(size)


class _DocxBuilder:
    def __init__(self, layout: Layout) -> None:
        from docx import Document

        self.layout = layout
        self.document = Document()
        self._page()
        self._styles()

    # The page and the default text.
    def _page(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm

        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
        section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
        section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
        section.header_distance = Mm(12)
        # Pages numbered from the second on, at the top centre.
        section.different_first_page_header_footer = True
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._field(paragraph, "PAGE")

    def _styles(self) -> None:
        from docx.enum.text import WD_LINE_SPACING
        from docx.shared import Pt

        # The template's defaults name theme fonts (Calibri), which Word prefers to a
        # style's named font: the defaults name Times New Roman themselves.
        defaults = self.document.styles.element.find(_qn("w:docDefaults"))
        if defaults is not None:
            for fonts in defaults.iter(_qn("w:rFonts")):
                for attribute in list(fonts.attrib):
                    if attribute.endswith(("Theme", "theme")):
                        del fonts.attrib[attribute]
                for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                    fonts.set(_qn(attribute), DOCX_FONT)
        for name in ("Normal", "Header"):
            style: Any = self.document.styles[name]
            style.font.name = DOCX_FONT
            style.font.size = Pt(BODY_SIZE)
            fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
            for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                fonts.set(_qn(attribute), DOCX_FONT)
            fmt = style.paragraph_format
            fmt.space_before = fmt.space_after = Pt(0)
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE

    # Small helpers.
    def _field(self, paragraph: Any, instruction: str) -> None:
        from docx.oxml import OxmlElement

        simple = OxmlElement("w:fldSimple")
        simple.set(_qn("w:instr"), instruction)
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "2"
        run.append(text)
        simple.append(run)
        paragraph._p.append(simple)

    def _line(
        self,
        container: Any,
        text: str,
        *,
        size: float = BODY_SIZE,
        bold: bool = False,
        italic: bool = False,
        underline: bool = False,
        left: bool = False,
        first: bool = False,
    ) -> Any:
        """A one-run paragraph, centred unless `left` (in a cell, `first` reuses the
        cell's empty paragraph)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        paragraph = container.paragraphs[0] if first else container.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold or None
        run.italic = italic or None
        run.underline = underline or None
        return paragraph

    def _table(self, rows: int, widths_mm: Sequence[float], *, borders: bool) -> Any:
        from docx.shared import Mm

        table = self.document.add_table(rows=rows, cols=len(widths_mm))
        table.autofit = False
        properties = table._tbl.tblPr
        _insert(properties, docx_table_borders(visible=borders), _AFTER_TBL_BORDERS)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_mm, strict=True):
                cell.width = Mm(width)
        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)
        return table

    # The parts of the document.
    def build(self) -> bytes:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        layout = self.layout
        if layout.is_draft:
            paragraph = self._line(self.document, DRAFT_LABEL, size=13, bold=True)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _box(paragraph.runs[0], "000000")
        self._header()
        if layout.is_official_letter:
            self.document.add_paragraph()
        else:
            self._title()
        self._body(_parse(clean_body(layout.body_html)))
        self._closing()
        # The body ends with a paragraph, as Word expects after a table: a tiny one,
        # so that it never spills onto a page of its own.
        end = self.document.add_paragraph()
        end.paragraph_format.line_spacing = Pt(1)
        end.add_run().font.size = Pt(1)
        output = io.BytesIO()
        self.document.save(output)
        return output.getvalue()

    def _header(self) -> None:
        from docx.shared import Mm, Pt, RGBColor

        layout = self.layout
        width = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
        table = self._table(2, (width / 2, width / 2), borders=False)
        left, right = table.rows[0].cells
        first = True
        if layout.superior_body:
            self._line(left, layout.superior_body.upper(), size=HEADER_SIZE, first=True)
            first = False
        self._line(left, layout.issuing_body.upper(), size=HEADER_SIZE, bold=True, first=first)
        self._line(left, "*", size=HEADER_SIZE)
        party = self._line(right, PARTY_NAME, size=PARTY_SIZE, bold=True, first=True)
        # The solid rule under the title, about as long as the title.
        _bottom_border(party)
        party.paragraph_format.left_indent = party.paragraph_format.right_indent = Mm(6)
        party.paragraph_format.space_after = Pt(6)

        left, right = table.rows[1].cells
        number = number_text(layout) if layout.number is not None else f"{NUMBER_WORD}       "
        suffix = f"-{layout.type_abbreviation}/{layout.issuer_abbreviation}"
        self._line(left, number if layout.number is not None else number + suffix, first=True)
        if layout.is_official_letter and layout.abstract:
            self._line(left, layout.abstract, size=ABOUT_SIZE, italic=True)
        for label in stamps(layout):
            paragraph = self._line(left, label.upper(), size=13, bold=True)
            paragraph.paragraph_format.space_before = Pt(4)
            run = paragraph.runs[0]
            run.font.color.rgb = RGBColor(*STAMP_RED)
            _box(run, "".join(f"{part:02X}" for part in STAMP_RED))
        self._line(right, place_date_text(layout), italic=True, first=True)

    def _title(self) -> None:
        from docx.shared import Pt

        layout = self.layout
        type_name = self._line(self.document, layout.type_name.upper(), size=TYPE_NAME_SIZE, bold=True)
        type_name.paragraph_format.space_before = Pt(18)
        type_name.paragraph_format.keep_with_next = True
        if layout.abstract:
            abstract = self._line(self.document, layout.abstract, bold=True)
            abstract.paragraph_format.keep_with_next = True
        dashes = self._line(self.document, "-----")
        dashes.paragraph_format.space_after = Pt(12)

    def _paragraph(self, container: Any, *, indent: float = INDENT_MM, size: float | None = None) -> Any:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm, Pt

        paragraph = container.add_paragraph()
        fmt = paragraph.paragraph_format
        if size is None:  # body text; table cells stay plain
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            fmt.first_line_indent = Mm(indent)
            fmt.space_after = Pt(6)
            fmt.line_spacing = 1.1
        return paragraph

    def _body(self, root: _Node, container: Any = None, size: float | None = None) -> None:
        container = container if container is not None else self.document
        loose: list[tuple[str, _Style]] = []

        def flush() -> None:
            if any(text.strip() for text, _style in loose):
                _fill(self._paragraph(container, size=size), loose, size)
            loose.clear()

        for child in root.children:
            if isinstance(child, _Node) and child.tag in _BLOCKS:
                flush()
                self._block(child, container, size)
            else:
                loose.extend(_runs(child, _Style()))
        flush()

    def _block(self, node: _Node, container: Any, size: float | None, depth: int = 0) -> None:
        if node.tag in ("p", "h2", "h3", "h4", "li"):
            heading = node.tag.startswith("h")
            style = _Style(bold=heading, italic=node.tag == "h4")
            pieces = [
                piece for child in node.children if not _is_block(child) for piece in _runs(child, style)
            ]
            paragraph = self._paragraph(container, size=size)
            if heading:
                paragraph.paragraph_format.keep_with_next = True
            _fill(paragraph, pieces, size)
            for child in node.children:
                if isinstance(child, _Node) and _is_block(child):
                    self._block(child, container, size, depth + 1)
        elif node.tag in ("ul", "ol"):
            for number, item in enumerate(node.elements("li"), start=1):
                marker = "- " if node.tag == "ul" else f"{number}. "
                pieces = [(marker, _Style())]
                pieces += [
                    piece
                    for child in item.children
                    if not _is_block(child)
                    for piece in _runs(child, _Style())
                ]
                paragraph = self._paragraph(container, indent=INDENT_MM * (depth + 1), size=size)
                _fill(paragraph, pieces, size)
                for child in item.children:
                    if isinstance(child, _Node) and _is_block(child):
                        self._block(child, container, size, depth + 1)
        elif node.tag == "table":
            self._word_table(node)

    def _word_table(self, node: _Node) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        rows = [row for part in node.elements("thead", "tbody") for row in part.elements("tr")]
        rows += list(node.elements("tr"))
        # Lay the cells on a grid, as a browser does with colspan and rowspan.
        grid: dict[tuple[int, int], tuple[_Node, int, int, bool]] = {}
        for r, row in enumerate(rows):
            c = 0
            for cell in row.elements("td", "th"):
                while (r, c) in grid:
                    c += 1
                span_c, span_r = _span(cell, "colspan"), _span(cell, "rowspan")
                span_r = min(span_r, len(rows) - r)
                for dr in range(span_r):
                    for dc in range(span_c):
                        grid[(r + dr, c + dc)] = (cell, span_r, span_c, dr == 0 and dc == 0)
                c += span_c
        if not grid:
            return
        columns = max(c for _r, c in grid) + 1
        width = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
        table = self._table(len(rows), [width / columns] * columns, borders=True)
        for (r, c), (cell, span_r, span_c, origin) in sorted(grid.items()):
            if not origin:
                continue
            word_cell = table.cell(r, c)
            if span_r > 1 or span_c > 1:
                word_cell = word_cell.merge(table.cell(r + span_r - 1, c + span_c - 1))
            self._body(cell, word_cell, TABLE_SIZE)
            # The cell's own empty first paragraph goes once the content is in.
            paragraphs = word_cell.paragraphs
            if len(paragraphs) > 1 and not paragraphs[0].text:
                paragraphs[0]._p.getparent().remove(paragraphs[0]._p)
            if cell.tag == "th":
                for paragraph in word_cell.paragraphs:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    for run in paragraph.runs:
                        run.bold = True
            for paragraph in word_cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(2)
        self.document.add_paragraph()

    def _closing(self) -> None:
        from docx.oxml import OxmlElement

        layout = self.layout
        width = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
        rows = 2 if layout.cosigned else 1
        table = self._table(rows, (width * 0.44, width * 0.56), borders=False)
        # The recipients and signature stay on one page.
        for row in table.rows:
            row_properties = row._tr.get_or_add_trPr()
            row_properties.append(OxmlElement("w:cantSplit"))
        left, right = table.rows[0].cells
        if layout.cosigned:
            # The second signer on the left, level with the signer; the recipients under.
            pad = max(0, len(layout.signature_lines) - len(layout.cosignature_lines))
            self._signature(left, [*layout.cosignature_lines, *[""] * pad], layout.cosigner_name)
            left = table.rows[1].cells[0]
            self._line(left, "", first=True)
            self._line(left, RECIPIENTS_LABEL, size=RECIPIENTS_LABEL_SIZE, underline=True, left=True)
        else:
            self._line(
                left, RECIPIENTS_LABEL, size=RECIPIENTS_LABEL_SIZE, underline=True, left=True, first=True
            )
        for line in recipient_lines(layout):
            self._line(left, f"- {line}", size=RECIPIENTS_SIZE, left=True)
        for line in layout.extra_lines:
            self._line(left, line, size=RECIPIENTS_SIZE, left=True)
        self._signature(right, layout.signature_lines, layout.signer_name)

    def _signature(self, cell: Any, lines: Sequence[str], name: str) -> None:
        from docx.shared import Pt

        first = True
        for line in lines:
            self._line(cell, line.upper(), bold=True, first=first)
            first = False
        space = self._line(cell, "", first=first)
        space.paragraph_format.space_after = Pt(SIGNATURE_HEIGHT_MM / MM_PER_INCH * 72 - BODY_SIZE)
        self._line(cell, name, bold=True)


def _is_block(node: _Node | str) -> bool:
    return isinstance(node, _Node) and node.tag in _BLOCKS


def _span(cell: _Node, name: str) -> int:
    try:
        return max(1, min(int(cell.attrs.get(name, "1")), 50))
    except ValueError:
        return 1


def _qn(name: str) -> str:
    from docx.oxml.ns import qn

    return str(qn(name))


# WordprocessingML fixes the order of a properties element's children (Word refuses a
# file that breaks it): the names that may follow the one inserted.
_AFTER_TBL_BORDERS = ("shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")
_AFTER_BDR = (
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
)
_AFTER_PBDR = (
    "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct",
    "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
    "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
    "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
)  # fmt: skip


def _insert(parent: Any, child: Any, successors: Sequence[str]) -> None:
    """Put `child` in `parent` before the first of its `successors` present."""
    names = {_qn(f"w:{name}") for name in successors}
    for index, existing in enumerate(parent):
        if existing.tag in names:
            parent.insert(index, child)
            return
    parent.append(child)


def _box(run: Any, color: str) -> None:
    """A border around a run: the stamp's box."""
    from docx.oxml import OxmlElement

    border = OxmlElement("w:bdr")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "1"), ("w:color", color)):
        border.set(_qn(key), value)
    _insert(run._r.get_or_add_rPr(), border, _AFTER_BDR)


def _bottom_border(paragraph: Any) -> None:
    from docx.oxml import OxmlElement

    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(_qn(key), value)
    borders.append(bottom)
    _insert(paragraph._p.get_or_add_pPr(), borders, _AFTER_PBDR)


def render_docx(layout: Layout) -> bytes:
    """The document for editing in Word: the same elements, plainly laid out."""
    return _DocxBuilder(layout).build()
