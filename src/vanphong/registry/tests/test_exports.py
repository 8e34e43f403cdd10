"""Printed registers: the incoming register as XLSX and PDF, with only what the person
may see in it."""

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
import zlib

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook

from vanphong.core.models import Role, Secrecy
from vanphong.core.tests.factories import persona
from vanphong.registry import exports, selectors
from vanphong.registry.models import DocumentType, Urgency
from vanphong.registry.services import incoming_register

TODAY = timezone.localdate()
# A past quarter of one year: one register per secrecy, whatever day the tests run.
YEAR = TODAY.year - 1
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 3, 31)
ABSTRACT = "V/v hướng dẫn tổng kết công tác xây dựng Đảng năm 2025, phương hướng nhiệm vụ"
SECRET_ABSTRACT = "V/v phương án bảo vệ an ninh nội bộ trước đại hội"
RANGE = {"received_from": START.strftime("%d/%m/%Y"), "received_to": END.strftime("%d/%m/%Y")}


@pytest.fixture
def documents(tree, clerk):
    cong_van = DocumentType.objects.get(code="cong-van")
    entries = [
        incoming_register(
            actor=clerk,
            organization=tree.city,
            received_on=dt.date(YEAR, 2, 10),
            issuer="Ban Tổ chức Trung ương",
            symbol="127-HD/BTCTW",
            document_date=dt.date(YEAR, 2, 6),
            document_type=DocumentType.objects.get(code="bao-cao"),
            abstract=ABSTRACT,
            urgency=Urgency.URGENT,
            handler_unit=tree.bloc,
            deadline=dt.date(YEAR, 2, 28),
            note="Bản chính",
        ),
        incoming_register(
            actor=clerk,
            organization=tree.city,
            received_on=dt.date(YEAR, 3, 2),
            issuer="Ủy ban Kiểm tra Thành ủy",
            symbol="24-CV/UBKTTU",
            document_date=dt.date(YEAR, 2, 27),
            document_type=cong_van,
            abstract='=HYPERLINK("http://example.invalid")',
        ),
        incoming_register(
            actor=clerk,
            organization=tree.city,
            received_on=dt.date(YEAR, 3, 5),
            issuer="Văn phòng Trung ương Đảng",
            symbol="9-CV/VPTW",
            document_date=dt.date(YEAR, 3, 4),
            document_type=cong_van,
            abstract=SECRET_ABSTRACT,
            secrecy=Secrecy.CONFIDENTIAL,
        ),
    ]
    return entries


@pytest.fixture
def uncleared(tree):
    """Keeps the same register as the clerk, with no clearance."""
    return persona(tree, Role.CLERK, Secrecy.NONE)


def _xlsx(client, person, **query):
    client.force_login(person)
    return client.get(reverse("incoming_export_xlsx"), {**RANGE, **query})


def _pdf(client, person, **query):
    client.force_login(person)
    return client.get(reverse("incoming_export_pdf"), {**RANGE, **query})


def _workbook(response):
    return load_workbook(io.BytesIO(response.content))


def _all_text(workbook) -> str:
    return "\n".join(
        str(value)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value
    )


def _filename() -> str:
    return f"so-van-ban-den-{START.isoformat()}_{END.isoformat()}"


def test_the_xlsx_is_the_register_book(client, clerk, documents):
    response = _xlsx(client, clerk)
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="{_filename()}.xlsx"'
    workbook = _workbook(response)
    sheets = {sheet.title: sheet for sheet in workbook}
    assert len(sheets) == 2  # the register and the classified register
    sheet = workbook.worksheets[0]
    assert sheet["A1"].value == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" or sheet["A1"].value == gettext(
        "INCOMING DOCUMENTS REGISTER"
    )
    assert sheet["A2"].value == "THÀNH ỦY NGỌC SƠN"
    period = f"{START.strftime('%d/%m/%Y')}"  # the short date format of the site's language
    assert "Sổ văn bản đến" in sheet["A3"].value and period in sheet["A3"].value

    headers = [cell.value for cell in sheet[exports.HEADER_ROW]]
    assert headers == [str(column.label) for column in exports.COLUMNS]
    for known in ("Ngày đến", "Cơ quan ban hành", "Số và ký hiệu", "Ngày văn bản", "Tên loại và trích yếu"):
        assert known in headers
    assert headers[-1] == "Ghi chú" and len(headers) == 12

    first = [cell for cell in sheet[exports.HEADER_ROW + 1]]
    assert first[0].value == 1
    assert isinstance(first[1].value, dt.datetime) and first[1].value.date() == documents[0].received_on
    assert first[1].number_format == "dd/mm/yyyy" and first[4].number_format == "dd/mm/yyyy"
    assert first[2].value == "Ban Tổ chức Trung ương" and first[3].value == "127-HD/BTCTW"
    assert first[5].value == f"Báo cáo: {ABSTRACT}"  # diacritics intact
    assert first[5].alignment.wrap_text
    assert first[7].value == "Khẩn" and first[6].value is None
    assert first[8].value == "Đảng ủy Khối các cơ quan thành phố"
    assert first[9].value.date() == documents[0].deadline
    assert first[10].value is None  # ký nhận, signed on paper
    assert first[11].value == "Bản chính"

    second = [cell.value for cell in sheet[exports.HEADER_ROW + 2]]
    assert second[0] == 2 and sheet.max_row == exports.HEADER_ROW + 2  # number order, nothing else

    assert sheet.freeze_panes == f"A{exports.HEADER_ROW + 1}"
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 == "9"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and int(sheet.page_setup.fitToWidth) == 1
    assert str(sheet.print_title_rows) == f"${exports.HEADER_ROW}:${exports.HEADER_ROW}"
    assert sheet.column_dimensions["F"].width > sheet.column_dimensions["A"].width

    classified = workbook.worksheets[1]
    assert classified.title == f"Sổ văn bản đến mật {YEAR}"
    row = [cell.value for cell in classified[exports.HEADER_ROW + 1]]
    assert row[0] == 1 and row[5] == f"Công văn: {SECRET_ABSTRACT}" and row[6] == "Mật"


def test_text_that_looks_like_a_formula_stays_text(client, clerk, documents):
    response = _xlsx(client, clerk)
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    sheet = _workbook(response).worksheets[0]
    assert sheet.cell(exports.HEADER_ROW + 2, 6).data_type in ("s", "inlineStr")


def test_an_uncleared_person_gets_no_classified_row_count_or_sheet(client, uncleared, documents):
    workbook = _workbook(_xlsx(client, uncleared))
    assert len(workbook.worksheets) == 1
    text = _all_text(workbook)
    assert ABSTRACT in text
    assert SECRET_ABSTRACT not in text and "9-CV/VPTW" not in text and "Sổ văn bản đến mật" not in text
    sheet = workbook.worksheets[0]
    assert sheet.title == f"Sổ văn bản đến {YEAR}" and sheet.max_row == exports.HEADER_ROW + 2
    assert [sheet.cell(row, 7).value for row in range(exports.HEADER_ROW + 1, sheet.max_row + 1)] == [
        None,
        None,
    ]


def test_the_filters_of_the_list_apply(client, clerk, documents):
    text = _all_text(_workbook(_xlsx(client, clerk, q="tong ket xay dung")))
    assert ABSTRACT in text and "HYPERLINK" not in text and SECRET_ABSTRACT not in text
    report = DocumentType.objects.get(code="bao-cao")
    workbook = _workbook(_xlsx(client, clerk, document_type=report.pk))
    assert len(workbook.worksheets) == 1 and ABSTRACT in _all_text(workbook)


def test_an_empty_period_gives_the_headings_and_says_so(client, clerk, documents):
    old = (START - dt.timedelta(days=400)).strftime("%d/%m/%Y")
    workbook = _workbook(_xlsx(client, clerk, received_from=old, received_to=old))
    sheet = workbook.worksheets[0]
    assert len(workbook.worksheets) == 1
    assert [c.value for c in sheet[exports.HEADER_ROW]] == [str(c.label) for c in exports.COLUMNS]
    assert sheet.cell(exports.HEADER_ROW + 1, 1).value == gettext("No document found.")


def _inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams inflated: WeasyPrint keeps the page
    objects, and their /MediaBox, in compressed object streams."""
    parts = [pdf]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            parts.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def _media_boxes(pdf: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", _inflated(pdf))
    return [(float(width), float(height)) for width, height in boxes]


def _pdf_text(pdf: bytes) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    done = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode()


def test_the_pdf_is_an_a4_landscape_register(client, clerk, documents):
    response = _pdf(client, clerk)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{_filename()}.pdf"'
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    boxes = _media_boxes(pdf)
    assert boxes and all(round(w) == 842 and round(h) == 595 for w, h in boxes)
    assert len(boxes) == 2  # one page per register
    text = _pdf_text(pdf)
    if text is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    flat = " ".join(text.split())
    assert re.search(r"127-\s*HD/\s*BTCTW", flat) and "Ban Tổ chức Trung" in flat  # cells wrap
    assert "hướng dẫn tổng kết" in flat  # diacritics survive the font
    assert SECRET_ABSTRACT.split()[2] in flat
    assert f"{gettext('Page')} 1/2" in flat and f"{gettext('Page')} 2/2" in flat
    assert "Tên loại và trích yếu" in flat


def test_an_uncleared_persons_pdf_lacks_the_classified_register(client, uncleared, documents):
    pdf = _pdf(client, uncleared).content
    assert len(_media_boxes(pdf)) == 1
    text = _pdf_text(pdf)
    if text is not None:
        flat = " ".join(text.split())
        assert re.search(r"127-\s*HD/\s*BTCTW", flat) and not re.search(r"9-\s*CV/\s*VPTW", flat)
        assert "Sổ văn bản đến mật" not in flat


def test_the_print_template_holds_the_rows_and_repeats_its_header(tree, clerk, uncleared, documents):
    filters = selectors.IncomingFilters(received_from=START, received_to=END)
    period = exports.Period(START, END)
    html = exports.render_html(exports.sections(clerk, filters), period)
    assert "display: table-header-group" in html and "size: A4 landscape" in html
    assert '"Times New Roman", "Liberation Serif", serif' in html
    assert "counter(page)" in html and "counter(pages)" in html
    assert ABSTRACT in html and SECRET_ABSTRACT in html and html.count("<section>") == 2
    assert html.count('<td class="signature"></td>') == 3
    html = exports.render_html(exports.sections(uncleared, filters), period)
    assert ABSTRACT in html and SECRET_ABSTRACT not in html and html.count("<section>") == 1


@pytest.mark.parametrize("name", ["incoming_export_xlsx", "incoming_export_pdf"])
@pytest.mark.parametrize(
    ("start", "end"),
    [(TODAY, TODAY - dt.timedelta(days=1)), (TODAY - dt.timedelta(days=366), TODAY)],
    ids=["reversed", "too-long"],
)
def test_a_bad_period_is_refused_with_a_reason(client, clerk, documents, name, start, end):
    with pytest.raises(ValidationError) as refusal:
        exports.check_period(start, end)
    client.force_login(clerk)
    query = {"received_from": start.strftime("%d/%m/%Y"), "received_to": end.strftime("%d/%m/%Y")}
    response = client.get(reverse(name), query)
    assert response.status_code == 302 and "Content-Disposition" not in response
    assert response["Location"].startswith(reverse("incoming_list") + "?")
    assert [str(m) for m in get_messages(response.wsgi_request)] == refusal.value.messages
    page = client.get(response["Location"]).content.decode()
    assert "alert" in page


def test_a_year_with_a_leap_day_is_accepted():
    assert exports.check_period(dt.date(2024, 1, 1), dt.date(2024, 12, 31)).days == 366


def test_a_malformed_date_is_refused(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("incoming_export_pdf"), {"received_from": "31/02/2026"})
    assert response.status_code == 302 and list(get_messages(response.wsgi_request))


def test_without_dates_the_year_so_far_is_printed(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("incoming_export_xlsx"))
    expected = f"so-van-ban-den-{dt.date(TODAY.year, 1, 1).isoformat()}_{TODAY.isoformat()}.xlsx"
    assert response.status_code == 200 and expected in response["Content-Disposition"]


@pytest.mark.parametrize("name", ["incoming_export_xlsx", "incoming_export_pdf"])
def test_export_needs_a_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "login" in response["Location"].lower()


def test_the_list_links_to_both_exports_with_its_filters(client, clerk, documents):
    client.force_login(clerk)
    page = client.get(reverse("incoming_list"), {"q": "bao cao"}).content.decode()
    assert f"{reverse('incoming_export_pdf')}?q=bao+cao" in page
    assert f"{reverse('incoming_export_xlsx')}?q=bao+cao" in page


def test_sheet_titles_are_valid_and_distinct():
    books = [
        exports.Section(organization="A", register="Sổ văn bản đến 2026", is_classified=False),
        exports.Section(organization="B", register="Sổ văn bản đến 2026", is_classified=False),
        exports.Section(organization="C", register="x/y:z" * 10, is_classified=False),
    ]
    titles = exports._sheet_titles(books)
    assert titles[0] == "Sổ văn bản đến 2026" and titles[1] == "Sổ văn bản đến 2026 (2)"
    assert len(titles[2]) <= 31 and not set("[]:*?/\\") & set(titles[2])


def test_a_pdf_laid_out_in_parts_is_one_numbered_document_of_about_the_same_size(monkeypatch):
    """A long register is laid out a part at a time (bounded memory), joined, and its
    pages numbered once their total is known; joining must not bloat the file."""
    import pypdf

    rows = [
        exports.Row(
            number=n,
            received_on=START,
            issuer="Ban Tổ chức Trung ương",
            symbol=f"{n}-HD/BTCTW",
            document_date=START,
            document_type="Hướng dẫn",
            abstract=ABSTRACT,
            secrecy="",
            urgency="",
            receiver="Văn phòng Thành ủy",
            deadline=None,
            note="",
        )
        for n in range(1, 41)
    ]
    books = [
        exports.Section(
            organization="Thành ủy Ngọc Sơn", register="Sổ văn bản đến", is_classified=False, rows=rows
        )
    ]
    period = exports.Period(START, END)
    whole = exports.build_pdf(books, period)
    monkeypatch.setattr(exports, "PDF_CHUNK_ROWS", 10)
    assert len(exports._parts(books, exports.PDF_CHUNK_ROWS)) == 4
    joined = exports.build_pdf(books, period)
    pages = pypdf.PdfReader(io.BytesIO(joined)).pages
    assert len(pages) >= len(pypdf.PdfReader(io.BytesIO(whole)).pages)
    # Each part embeds its own font subsets; the stamped text stays compressed.
    assert len(joined) < 3 * len(whole)
    text = _pdf_text(joined)
    if text is not None:
        flat = " ".join(text.split())
        assert all(f"{gettext('Page')} {n}/{len(pages)}" in flat for n in range(1, len(pages) + 1))
        assert all(f"{n}-HD/BTCTW" in flat for n in range(1, 41))
