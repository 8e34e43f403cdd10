"""The outgoing register printed as the paper book looks (sổ văn bản đi, DOMAIN.md §2):
its columns, A4 landscape, cancelled documents on their line with the reason, and
classified ones only for the cleared, their reads audited."""

import datetime as dt
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook

from vanphong.core.models import AuditEvent, Role, Secrecy
from vanphong.core.tests.factories import persona
from vanphong.registry import exports
from vanphong.registry.models import DocumentType, Urgency
from vanphong.registry.services import AuditAction, outgoing_cancel
from vanphong.registry.tests.test_exports import _media_boxes, _pdf_text

TODAY = timezone.localdate()
# A past quarter, inside the city committee's 16th term (registry/tests/conftest.py).
YEAR = TODAY.year - 1
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 3, 31)
RANGE = {"issued_from": START.strftime("%d/%m/%Y"), "issued_to": END.strftime("%d/%m/%Y")}
ABSTRACT = "V/v chuẩn bị tổng kết công tác xây dựng Đảng năm 2025"
CANCELLED_ABSTRACT = "Báo cáo kết quả kiểm tra giám sát quý I"
REASON = "Sai trích yếu, thay bằng văn bản khác"
SECRET_ABSTRACT = "V/v phương án bảo vệ an ninh nội bộ trước đại hội"
VIETNAMESE_HEADERS = ["Số và ký hiệu", "Ngày văn bản", "Tên loại và trích yếu", "Người ký", "Nơi nhận"]


@pytest.fixture
def documents(tree, clerk, secretary, outgoing):
    first = outgoing(
        issued_on=dt.date(YEAR, 2, 10),
        abstract=ABSTRACT,
        recipients="Các đảng ủy trực thuộc,\nLưu Văn phòng Thành ủy.",
        drafter=clerk,
        copies=5,
        urgency=Urgency.URGENT,
        note="Gửi kèm phụ lục",
    )
    cancelled = outgoing(
        issued_on=dt.date(YEAR, 3, 2),
        document_type=DocumentType.objects.get(code="bao-cao"),
        abstract=CANCELLED_ABSTRACT,
    )
    cancelled = outgoing_cancel(actor=clerk, document=cancelled, note=REASON)
    secret = outgoing(issued_on=dt.date(YEAR, 3, 5), abstract=SECRET_ABSTRACT, secrecy=Secrecy.CONFIDENTIAL)
    return first, cancelled, secret


@pytest.fixture
def uncleared(tree):
    """Keeps the same registers as the clerk, with no clearance."""
    return persona(tree, Role.CLERK, Secrecy.NONE)


def _get(client, person, name, **query):
    client.force_login(person)
    return client.get(reverse(name), {**RANGE, **query})


def _workbook(response):
    assert response.status_code == 200, response
    return load_workbook(io.BytesIO(response.content))


def _all_text(workbook) -> str:
    return "\n".join(
        str(value)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value
    )


def _cancellation(document) -> str:
    day = timezone.localdate(document.cancelled_at).strftime("%d/%m/%Y")
    return gettext("Cancelled on %(day)s: %(reason)s") % {"day": day, "reason": REASON}


def test_the_xlsx_has_the_outgoing_books_columns_and_rows(client, clerk, secretary, documents):
    first, cancelled, _secret = documents
    response = _get(client, clerk, "outgoing_export_xlsx")
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    expected = f"so-van-ban-di-{START.isoformat()}_{END.isoformat()}.xlsx"
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
    assert response["Cache-Control"] == "no-store"
    workbook = _workbook(response)
    assert [sheet.title for sheet in workbook] == [f"Sổ văn bản đi {YEAR}", f"Sổ văn bản đi mật {YEAR}"]
    sheet = workbook.worksheets[0]
    assert sheet["A1"].value == gettext("OUTGOING DOCUMENTS REGISTER")
    assert sheet["A2"].value == "THÀNH ỦY NGỌC SƠN"
    assert f"Sổ văn bản đi {YEAR}" in sheet["A3"].value and START.strftime("%d/%m/%Y") in sheet["A3"].value

    headers = [cell.value for cell in sheet[exports.HEADER_ROW]]
    assert headers == [str(column.label) for column in exports.OUTGOING_COLUMNS] and len(headers) == 9
    assert headers[:5] == VIETNAMESE_HEADERS and headers[6] == "Số bản" and headers[8] == "Ghi chú"
    assert headers[5] == gettext("Drafting unit or person") and headers[7] == gettext("Secrecy and urgency")

    row = [cell for cell in sheet[exports.HEADER_ROW + 1]]
    assert row[0].value == "01-CV/TU"
    assert row[1].value.date() == first.issued_on and row[1].number_format == "dd/mm/yyyy"
    assert row[2].value == f"Công văn: {ABSTRACT}" and row[2].alignment.wrap_text
    assert row[3].value == secretary.full_name
    assert row[4].value == "Các đảng ủy trực thuộc,\nLưu Văn phòng Thành ủy." and row[4].alignment.wrap_text
    assert row[5].value == clerk.full_name
    assert row[6].value == 5 and row[7].value == "Khẩn" and row[8].value == "Gửi kèm phụ lục"
    assert not row[0].font.i

    # The cancelled document keeps its line and number, greyed, with the reason.
    line = [cell for cell in sheet[exports.HEADER_ROW + 2]]
    assert line[0].value == "01-BC/TU" and line[2].value == f"Báo cáo: {CANCELLED_ABSTRACT}"
    assert line[8].value == _cancellation(cancelled)
    assert all(cell.font.i for cell in line)
    assert sheet.max_row == exports.HEADER_ROW + 2

    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and int(sheet.page_setup.fitToWidth) == 1
    assert str(sheet.print_title_rows) == f"${exports.HEADER_ROW}:${exports.HEADER_ROW}"

    classified = workbook.worksheets[1]
    row = [cell.value for cell in classified[exports.HEADER_ROW + 1]]
    assert row[0] == "02-CV/TU" and row[2] == f"Công văn: {SECRET_ABSTRACT}" and row[7] == "Mật"


def test_an_uncleared_person_gets_no_classified_row_count_or_sheet(client, uncleared, documents):
    workbook = _workbook(_get(client, uncleared, "outgoing_export_xlsx"))
    assert [sheet.title for sheet in workbook] == [f"Sổ văn bản đi {YEAR}"]
    text = _all_text(workbook)
    assert ABSTRACT in text and CANCELLED_ABSTRACT in text
    assert SECRET_ABSTRACT not in text and "02-CV/TU" not in text
    sheet = workbook.worksheets[0]
    assert sheet.max_row == exports.HEADER_ROW + 2
    levels = [sheet.cell(row, 8).value for row in range(exports.HEADER_ROW + 1, sheet.max_row + 1)]
    assert levels == ["Khẩn", None]  # no row of any secrecy level

    pdf = _get(client, uncleared, "outgoing_export_pdf").content
    assert len(_media_boxes(pdf)) == 1
    text = _pdf_text(pdf)
    if text is not None:
        flat = " ".join(text.split())
        assert "01-CV/TU" in flat and "02-CV/TU" not in flat and "an ninh nội bộ" not in flat


def test_reading_classified_rows_in_an_export_is_audited(client, clerk, uncleared, documents):
    _first, _cancelled, secret = documents
    before = AuditEvent.objects.count()
    _get(client, uncleared, "outgoing_export_xlsx")
    assert AuditEvent.objects.count() == before  # nothing classified was read

    _get(client, clerk, "outgoing_export_pdf")
    event = AuditEvent.objects.latest("pk")
    assert AuditEvent.objects.count() == before + 1
    assert event.action == AuditAction.OUTGOING_CLASSIFIED_READ and event.actor == clerk
    assert event.target_id == str(secret.pk) and event.after == {"via": "export.pdf"}


def test_the_pdf_is_an_a4_landscape_outgoing_register(client, clerk, documents):
    _first, _cancelled, _secret = documents
    response = _get(client, clerk, "outgoing_export_pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    expected = f"so-van-ban-di-{START.isoformat()}_{END.isoformat()}.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
    boxes = _media_boxes(response.content)
    assert len(boxes) == 2 and all(round(w) == 842 and round(h) == 595 for w, h in boxes)
    text = _pdf_text(response.content)
    if text is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    flat = " ".join(text.split())
    for header in VIETNAMESE_HEADERS:
        assert header in flat
    assert "01-CV/TU" in flat and "01-BC/TU" in flat and "02-CV/TU" in flat
    assert "Lưu Văn phòng Thành ủy" in flat and "chuẩn bị tổng kết" in flat
    assert REASON.split(",")[0] in flat
    assert f"{gettext('Page')} 1/2" in flat and f"{gettext('Page')} 2/2" in flat


def test_the_print_template_marks_cancelled_rows(clerk, documents):
    _first, cancelled, _secret = documents
    form = exports.OUTGOING.form({}, clerk)
    assert form.is_valid()
    books = exports.outgoing_sections(
        clerk, exports.filters_for(exports.OUTGOING, form, exports.Period(START, END))
    )
    assert [len(book.rows) for book in books] == [2, 1]
    html = exports.render_html(books, exports.Period(START, END), exports.OUTGOING)
    assert "size: A4 landscape" in html and "display: table-header-group" in html
    assert html.count('<tr class="cancelled">') == 1
    assert f'<span class="cancellation">{_cancellation(cancelled)}</span>' in html
    assert html.count('<th scope="col">') == 2 * len(exports.OUTGOING_COLUMNS)


def test_the_lists_filters_apply(client, clerk, documents):
    report = DocumentType.objects.get(code="bao-cao")
    text = _all_text(_workbook(_get(client, clerk, "outgoing_export_xlsx", document_type=report.pk)))
    assert CANCELLED_ABSTRACT in text and ABSTRACT not in text and SECRET_ABSTRACT not in text
    text = _all_text(_workbook(_get(client, clerk, "outgoing_export_xlsx", q="tong ket xay dung")))
    assert ABSTRACT in text and CANCELLED_ABSTRACT not in text and SECRET_ABSTRACT not in text


def test_a_reversed_period_goes_back_to_the_list_with_the_reason(client, clerk, documents):
    client.force_login(clerk)
    query = {"issued_from": END.strftime("%d/%m/%Y"), "issued_to": START.strftime("%d/%m/%Y")}
    response = client.get(reverse("outgoing_export_pdf"), query)
    assert response.status_code == 302 and "Content-Disposition" not in response
    assert response["Location"].startswith(reverse("outgoing_list") + "?")
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert re.search(r"\d\d/\d\d/\d{4}", message)


@pytest.mark.parametrize("name", ["outgoing_export_xlsx", "outgoing_export_pdf"])
def test_export_needs_a_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "login" in response["Location"].lower()


def test_the_list_links_to_both_exports_with_its_filters(client, clerk, documents):
    client.force_login(clerk)
    page = client.get(reverse("outgoing_list"), {"q": "bao cao"}).content.decode()
    assert f"{reverse('outgoing_export_pdf')}?q=bao+cao" in page
    assert f"{reverse('outgoing_export_xlsx')}?q=bao+cao" in page
