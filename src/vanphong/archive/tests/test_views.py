"""The archive's pages: the catalogue filtered and exported in its columns, the
dossier page filing a registry document found by words, the cover, the review."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from vanphong.archive import exports, services
from vanphong.archive.models import Dossier, DossierState, RetentionRule
from vanphong.archive.tests.test_services import archivist, fonds  # noqa: F401
from vanphong.core.tests.conftest import clerk, member, office_chief, outsider, secretary, tree  # noqa: F401
from vanphong.registry.models import DocumentType
from vanphong.registry.services import incoming_register


@pytest.fixture
def catalogue(archivist, fonds):  # noqa: F811
    box = services.box_create(actor=archivist, fonds=fonds, number="3", location="Giá A")
    first = services.dossier_create(
        actor=archivist,
        fonds=fonds,
        title="Hồ sơ Đại hội Đảng bộ thành phố lần thứ XV",
        symbol="HS.01",
        started_on=dt.date(2015, 1, 5),
        ended_on=dt.date(2015, 10, 20),
        sheets=120,
        box=box,
    )
    second = services.dossier_create(
        actor=archivist,
        fonds=fonds,
        title="Báo cáo tháng năm 2016",
        started_on=dt.date(2016, 1, 1),
        ended_on=dt.date(2016, 12, 31),
        sheets=40,
        retention_years=10,
    )
    return first, second


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_the_catalogue_filters_live_and_exports_its_columns(client, archivist, fonds, catalogue):  # noqa: F811
    client.force_login(archivist)
    page = client.get(reverse("fonds_detail", args=[fonds.pk])).content.decode()
    assert "Hồ sơ Đại hội Đảng bộ" in page and "Báo cáo tháng" in page
    part = client.get(reverse("fonds_detail", args=[fonds.pk]) + "?q=dai+hoi", HTTP_HX_REQUEST="true")
    text = part.content.decode()
    assert "<html" not in text and "Đại hội" in text and "Báo cáo tháng" not in text
    xlsx = client.get(reverse("catalogue_export", args=[fonds.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4, values_only=False)]
    assert rows[0] == [
        "STT",
        "Số và ký hiệu hồ sơ",
        "Tiêu đề hồ sơ",
        "Thời gian bắt đầu – kết thúc",
        "Số tờ",
        "Thời hạn bảo quản",
        "Hộp số",
        "Ghi chú",
    ]
    assert rows[1][:7] == [
        1,
        "HS.01",
        "Hồ sơ Đại hội Đảng bộ thành phố lần thứ XV",
        "05/01/2015 – 20/10/2015",
        120,
        "Vĩnh viễn",
        3,
    ]
    assert rows[2][5] == "10 năm"
    # Numbers are numbers (a sum in Excel adds them), and the sheets are totalled below.
    cells = list(sheet.iter_rows(min_row=5))
    assert (cells[0][0].data_type, cells[0][4].data_type, cells[0][6].data_type) == ("n", "n", "n")
    assert cells[2][4].value == 160 and cells[2][4].data_type == "n" and cells[2][2].value
    assert sheet["A3"].value == exports.catalogue_line(list(catalogue))
    pdf = client.get(reverse("catalogue_export", args=[fonds.pk, "pdf"]) + "?retention=term")
    text = _pdf_text(pdf.content)
    assert "MỤC LỤC HỒ SƠ" in text and "Báo cáo tháng năm 2016" in text and "Đại hội" not in text
    assert exports.catalogue_line([catalogue[1]]) in text.replace("\n", " ")


def test_the_cover_prints_the_dossiers_particulars(client, archivist, catalogue):  # noqa: F811
    client.force_login(archivist)
    text = _pdf_text(client.get(reverse("dossier_cover", args=[catalogue[0].pk])).content)
    for words in (
        "HỒ SƠ",
        "Hồ sơ Đại hội Đảng bộ thành phố lần thứ XV",
        "05/01/2015 – 20/10/2015",
        "120",
        "Vĩnh viễn",
        "Hộp 3",
    ):
        assert words in text


def test_the_archivist_files_a_document_found_by_words(client, archivist, fonds, tree):  # noqa: F811
    document = incoming_register(
        actor=None,
        organization=tree.city,
        received_on=dt.date(2015, 3, 2),
        issuer="Ban Tổ chức Trung ương",
        symbol="12-CV/BTCTW",
        document_date=dt.date(2015, 2, 27),
        document_type=DocumentType.objects.get(code="cong-van"),
        abstract="V/v chuẩn bị đại hội đảng bộ",
    )
    dossier = services.dossier_create(actor=archivist, fonds=fonds, title="Hồ sơ đại hội")
    client.force_login(archivist)
    page = client.get(reverse("dossier_detail", args=[dossier.pk]) + "?q=chuan+bi+dai+hoi").content.decode()
    assert f'value="in:{document.pk}"' in page
    client.post(reverse("dossier_file", args=[dossier.pk]), {"document": f"in:{document.pk}", "sheets": "2"})
    dossier.refresh_from_db()
    assert dossier.sheets == 2 and dossier.items.get().incoming == document


def test_outsiders_see_no_catalogue(client, fonds, outsider, catalogue):  # noqa: F811
    client.force_login(outsider)
    assert client.get(reverse("fonds_detail", args=[fonds.pk])).status_code == 404
    assert client.get(reverse("dossier_detail", args=[catalogue[0].pk])).status_code == 404


def test_the_review_page_records_the_councils_decision(client, archivist, fonds):  # noqa: F811
    old = services.dossier_create(
        actor=archivist,
        fonds=fonds,
        title="Báo cáo tháng 2008",
        ended_on=dt.date(2008, 12, 31),
        retention_years=10,
    )
    services.dossier_close(actor=archivist, dossier=old)
    client.force_login(archivist)
    page = client.get(reverse("archive_review", args=[fonds.pk])).content.decode()
    assert "Báo cáo tháng 2008" in page
    response = client.post(
        reverse("archive_review", args=[fonds.pk]),
        {
            "dossiers": [old.pk],
            "decision_number": "3-QĐ/VPTU",
            "decided_on": timezone.localdate().strftime("%d/%m/%Y"),
            "decided_by": "Hoàng Văn Bình",
            "council": "Hội đồng xác định giá trị tài liệu",
        },
    )
    assert response.status_code == 302
    assert Dossier.objects.get(pk=old.pk).state == DossierState.DESTROYED


def test_filing_outside_the_dates_warns_and_a_misfiled_document_is_taken_out(client, archivist, fonds, tree):  # noqa: F811
    document = incoming_register(
        actor=None,
        organization=tree.city,
        received_on=timezone.localdate(),
        issuer="Ban Tổ chức Trung ương",
        symbol="40-CV/BTCTW",
        document_date=timezone.localdate(),
        document_type=DocumentType.objects.get(code="cong-van"),
        abstract="V/v tổng kết",
    )
    dossier = services.dossier_create(
        actor=archivist,
        fonds=fonds,
        title="Hồ sơ năm 1987",
        sheets=57,
        started_on=dt.date(1987, 2, 3),
        ended_on=dt.date(1987, 12, 28),
    )
    client.force_login(archivist)
    response = client.post(
        reverse("dossier_file", args=[dossier.pk]),
        {"document": f"in:{document.pk}", "sheets": "3"},
        follow=True,
    )
    levels = [m.level_tag for m in response.context["messages"]]
    assert "warning" in levels
    dossier.refresh_from_db()
    assert dossier.sheets == 60
    item = dossier.items.get()
    assert reverse("dossier_remove", args=[dossier.pk, item.pk]) in response.content.decode()
    client.post(reverse("dossier_remove", args=[dossier.pk, item.pk]))
    dossier.refresh_from_db()
    assert (dossier.sheets, dossier.ended_on, dossier.items.count()) == (57, dt.date(1987, 12, 28), 0)


def test_the_retention_table_page_and_terms_in_the_dropdown(client, archivist, fonds, clerk):  # noqa: F811
    client.force_login(archivist)
    page = client.get(reverse("retention_rules")).content.decode()
    assert "Báo cáo tháng, quý, 6 tháng" in page
    client.post(reverse("retention_rules"), {"code": "10", "name": "Hồ sơ hội nghị", "years": "20"})
    rule = RetentionRule.objects.get(code="10")
    client.post(
        reverse("retention_rule_edit", args=[rule.pk]),
        {"code": "10", "name": "Hồ sơ hội nghị", "years": "25"},
    )
    rule.refresh_from_db()
    assert rule.years == 25
    with translation.override("vi"):
        form = client.get(reverse("dossier_create", args=[fonds.pk])).content.decode()
    assert "Hồ sơ hội nghị — 25" in form
    response = client.post(
        reverse("dossier_create", args=[fonds.pk]),
        {
            "catalogue": "1",
            "title": "Hồ sơ hội nghị 2020",
            "sheets": "3",
            "retention_rule": rule.pk,
            "retention_years": "10",
            "secrecy": "0",
        },
    )
    assert response.status_code == 200 and "retention_years" in response.context["form"].errors
    client.force_login(clerk)
    assert client.post(reverse("retention_rules"), {"code": "11", "name": "X"}).status_code == 403


def test_a_destruction_decision_has_its_page_and_each_dossier_its_trace(client, archivist, fonds):  # noqa: F811
    old = services.dossier_create(
        actor=archivist,
        fonds=fonds,
        title="Báo cáo tháng 2008",
        ended_on=dt.date(2008, 12, 31),
        retention_years=10,
        note="Bản sao",
    )
    services.dossier_close(actor=archivist, dossier=old)
    client.force_login(archivist)
    review = client.get(reverse("archive_review", args=[fonds.pk])).content.decode()
    assert "31/12/2018" in review  # the term ran out at the end of 2008 + 10 years
    decision = services.destruction_record(
        actor=archivist,
        fonds=fonds,
        dossiers=[old],
        decision_number="3-QĐ/VPTU",
        decided_on=timezone.localdate(),
        decided_by="Hoàng Văn Bình",
        council="Hội đồng xác định giá trị tài liệu Văn phòng Thành ủy",
        note="Hết giá trị",
    )
    review = client.get(reverse("archive_review", args=[fonds.pk])).content.decode()
    assert reverse("destruction_detail", args=[decision.pk]) in review and "Hội đồng xác định" in review
    page = client.get(reverse("destruction_detail", args=[decision.pk])).content.decode()
    for words in ("3-QĐ/VPTU", "Hoàng Văn Bình", "Hết giá trị", reverse("dossier_detail", args=[old.pk])):
        assert words in page
    dossier_page = client.get(reverse("dossier_detail", args=[old.pk]))
    actions = [event.action for event in dossier_page.context["events"]]
    assert services.AuditAction.DESTRUCTION_RECORDED in actions
    xlsx = client.get(reverse("catalogue_export", args=[fonds.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    notes = [row[7] for row in sheet.iter_rows(min_row=5, values_only=True) if row[2] == "Báo cáo tháng 2008"]
    day = timezone.localdate().strftime("%d/%m/%Y")
    with translation.override("en"):
        expected = f"Destroyed by decision No. 3-QĐ/VPTU of {day}; Bản sao"
    assert notes == [expected] or (notes[0].endswith("; Bản sao") and "3-QĐ/VPTU" in notes[0])


def _words_at(data: bytes) -> list[tuple[str, float]]:
    """Each piece of text of a one-page PDF with its height on the page."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    found: list[tuple[str, float]] = []
    reader.pages[0].extract_text(
        visitor_text=lambda text, cm, tm, font, size: found.append((text, tm[5] * cm[3] + cm[5]))
    )
    return [(text, y) for text, y in found if text.strip()]


def test_the_cover_keeps_the_numbers_box_below_the_particulars(client, archivist, catalogue):  # noqa: F811
    client.force_login(archivist)
    with translation.override("vi"):
        words = _words_at(client.get(reverse("dossier_cover", args=[catalogue[0].pk])).content)
    heights = {text.strip(): y for text, y in words}
    box = next(y for text, y in words if "Hộp 3" in text)
    lowest = min(heights["Vĩnh viễn"], heights["120"])
    assert box < lowest - 50  # well below (PDF points, y grows upwards), not printed over them


def test_the_archive_is_in_the_readers_menu(fonds, archivist, office_chief, secretary, clerk, outsider):  # noqa: F811
    from vanphong.archive.selectors import navigation

    for person in (archivist, office_chief, secretary, clerk):
        assert [name for _label, _url, name in navigation(person)] == ["archive"], person
    assert navigation(outsider) == []
