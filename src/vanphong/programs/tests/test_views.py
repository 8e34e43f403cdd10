"""The work programs' pages: who sees and who changes what (404 out of sight, 403
without the right), items added, edited and marked in place with htmx, a closed
program refusing with its message, the breakdown page, and the program printed as
PDF and DOCX in its seven columns."""

from __future__ import annotations

import datetime as dt
import io
import re

import pdfplumber
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from vanphong.core.models import Role
from vanphong.core.tests.factories import make_person
from vanphong.programs import exports, services
from vanphong.programs.models import ItemState, ProgramItem
from vanphong.programs.tests.test_services import add
from vanphong.registry.models import DocumentType

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def committee_member(tree):
    return make_person(organization=tree.city, role=Role.COMMITTEE_MEMBER)


@pytest.fixture
def item(specialist, tree, yearly, leader):
    return add(
        specialist,
        yearly,
        tree,
        content="Sơ kết công tác 6 tháng cuối năm, tổng kết năm 2026",
        partners=[tree.bloc],
        partners_note="Ủy ban nhân dân thành phố",
        leader=leader,
        output_kind="document",
        output_type=DocumentType.objects.get(code="bao-cao"),
        output_note="tổng kết năm",
        timing_note="tuần 3",
    )


def _item_post(tree, **overrides):
    data = {
        "content": "Hội nghị Ban Chấp hành lần thứ 5",
        "lead": tree.office.pk,
        "planned": "2026-12",
        "output_kind": "conference",
    }
    data.update(overrides)
    return data


def test_who_sees_and_who_changes(
    client,
    tree,
    yearly,
    item,
    outsider,
    member,
    clerk,
    committee_member,
):
    pages = [
        reverse("program_detail", args=[yearly.pk]),
        reverse("program_item_detail", args=[item.pk]),
        reverse("program_export", args=[yearly.pk, "pdf"]),
    ]
    for person in (outsider, member):
        client.force_login(person)
        for url in pages:
            assert client.get(url).status_code == 404, (person, url)
        assert client.post(reverse("program_item_add", args=[yearly.pk]), _item_post(tree)).status_code == 404
        assert yearly.title not in client.get(reverse("program_list")).content.decode()
    for person in (clerk, committee_member):
        client.force_login(person)
        page = client.get(pages[0]).content.decode()
        assert item.content in page and 'id="item-form"' not in page
        assert client.post(reverse("program_item_add", args=[yearly.pk]), _item_post(tree)).status_code == 403
        assert (
            client.post(reverse("program_item_state", args=[item.pk]), {"state": "done"}).status_code == 403
        )
        assert client.post(reverse("program_issue", args=[yearly.pk])).status_code == 403
    assert ProgramItem.objects.count() == 1
    item.refresh_from_db()
    assert item.state == ItemState.PLANNED


def test_the_list_filters_and_creates(client, specialist, tree, yearly, november):
    client.force_login(specialist)
    page = client.get(reverse("program_list")).content.decode()
    assert yearly.title in page and november.title in page
    part = client.get(reverse("program_list") + "?kind=month", **HTMX).content.decode()
    assert "<html" not in part and november.title in part and yearly.title not in part
    response = client.post(
        reverse("program_list"),
        {"new-organization": tree.city.pk, "new-kind": "month", "new-year": 2026, "new-period": 12},
    )
    assert response.status_code == 302
    assert (
        client.get(response["Location"]).content.decode().count("Chương trình công tác tháng 12 năm 2026")
        >= 1
    )
    again = client.post(
        reverse("program_list"),
        {"new-organization": tree.city.pk, "new-kind": "month", "new-year": 2026, "new-period": 12},
    )
    assert again.status_code == 200 and 'id="program-form"' in again.content.decode()


def test_the_filter_and_the_new_program_form_have_ids_of_their_own(client, specialist, yearly):
    client.force_login(specialist)
    html = client.get(reverse("program_list") + "?year=2026&kind=year").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    # The filter keeps its GET names (links use them); the new program's are prefixed.
    assert 'name="kind"' in html and 'name="new-kind"' in html and 'for="id_new-kind"' in html
    assert yearly.title in html


def test_items_are_added_edited_and_marked_in_place(client, specialist, tree, yearly, item):
    client.force_login(specialist)
    url = reverse("program_item_add", args=[yearly.pk])
    response = client.post(url, _item_post(tree, partners=[tree.bloc.pk]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and 'id="program-items"' in html
    added = ProgramItem.objects.get(content="Hội nghị Ban Chấp hành lần thứ 5")
    assert (added.position, added.planned_month, list(added.partners.all())) == (2, 12, [tree.bloc])
    assert f'id="item-{added.pk}"' in html

    refused = client.post(url, _item_post(tree, content="Ngoài kỳ", planned="2027-01"), **HTMX)
    assert 'id="item-form"' in refused.content.decode() and not ProgramItem.objects.filter(content="Ngoài kỳ")

    edit = reverse("program_item_edit", args=[added.pk])
    form = client.get(edit, **HTMX).content.decode()
    assert 'id="item-edit-form"' in form and "Hội nghị Ban Chấp hành lần thứ 5" in form
    saved = client.post(
        edit, {f"edit-{k}": v for k, v in _item_post(tree, content="Hội nghị lần thứ 6").items()}, **HTMX
    )
    assert 'id="item-edit-form"' not in saved.content.decode()
    added.refresh_from_db()
    assert added.content == "Hội nghị lần thứ 6" and list(added.partners.all()) == []
    assert client.get(edit).status_code == 200  # the page without htmx

    marked = client.post(reverse("program_item_state", args=[added.pk]), {"state": "done"}, **HTMX)
    added.refresh_from_db()
    assert added.state == ItemState.DONE and added.done_on == timezone.localdate()
    assert 'id="execution-total"' in marked.content.decode()
    # Without htmx: a redirect to the program.
    response = client.post(reverse("program_item_state", args=[item.pk]), {"state": "done"})
    assert response.status_code == 302 and response["Location"] == reverse("program_detail", args=[yearly.pk])


def test_a_closed_program_refuses_with_its_message(
    client,
    specialist,
    office_chief,
    tree,
    november,
):
    first = add(specialist, november, tree)
    services.program_issue(actor=office_chief, program=november, issued_on=timezone.localdate())
    client.force_login(office_chief)
    assert client.post(reverse("program_close", args=[november.pk])).status_code == 302
    with override("vi"):
        expected = gettext("The program “%(title)s” is closed: it can no longer be changed.") % {
            "title": november.title
        }
    response = client.post(
        reverse("program_item_add", args=[november.pk]), _item_post(tree, planned="2026-11")
    )
    assert expected in response.content.decode()
    state = client.post(reverse("program_item_state", args=[first.pk]), {"state": "done"}, **HTMX)
    assert expected in state.content.decode() and 'id="item-form"' not in state.content.decode()
    first.refresh_from_db()
    assert november.items.count() == 1 and first.state == ItemState.PLANNED


def test_the_breakdown_page_links_both_ways(client, specialist, tree, yearly, november):
    source = add(specialist, yearly, tree, content="Kiểm tra việc thực hiện Nghị quyết Đại hội")
    client.force_login(specialist)
    page = client.get(reverse("program_item_detail", args=[source.pk])).content.decode()
    assert 'id="breakdown-form"' in page and november.title in page
    response = client.post(reverse("program_item_detail", args=[source.pk]), {"program": november.pk})
    assert response.status_code == 302
    child = november.items.get()
    assert child.source == source
    page = client.get(reverse("program_item_detail", args=[source.pk])).content.decode()
    assert reverse("program_item_detail", args=[child.pk]) in page and 'id="breakdown-form"' not in page
    page = client.get(reverse("program_item_detail", args=[child.pk])).content.decode()
    assert 'id="source"' in page and reverse("program_item_detail", args=[source.pk]) in page
    program = client.get(reverse("program_detail", args=[november.pk])).content.decode()
    assert yearly.title in program  # "from" the yearly item, on the monthly program
    with override("vi"):
        broken_down = str(services.AUDIT_LABELS[services.AuditAction.ITEM_BROKEN_DOWN])
        added = str(services.AUDIT_LABELS[services.AuditAction.ITEM_ADDED])
    # The histories: the yearly item's shows its breakdown, the program's its items.
    assert broken_down in client.get(reverse("program_item_detail", args=[source.pk])).content.decode()
    assert added in client.get(reverse("program_detail", args=[yearly.pk])).content.decode()


def _issued(office_chief, yearly):
    services.program_issue(actor=office_chief, program=yearly, issued_on=dt.date(2026, 1, 5), number=3)


EXPECTED_ROW = [
    "1",
    "Sơ kết công tác 6 tháng cuối năm, tổng kết năm 2026",
    "Văn phòng Thành ủy",
    "Đảng ủy Khối các cơ quan thành phố, Ủy ban nhân dân thành phố",
    "Lê Văn Thắng",
    "Tháng 11/2026 (tuần 3)",
    "Báo cáo: tổng kết năm",
]


def test_the_program_prints_as_pdf_in_its_columns(client, office_chief, specialist, tree, yearly, item):
    add(specialist, yearly, tree, content="Nội dung đã bỏ", planned_month=2)
    services.item_set_state(actor=specialist, item=yearly.items.get(position=2), state="dropped", note="Bỏ")
    _issued(office_chief, yearly)
    client.force_login(specialist)
    response = client.get(reverse("program_export", args=[yearly.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        text = pdf.pages[0].extract_text()
        tables = pdf.pages[0].extract_tables()
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "THÀNH ỦY NGỌC SƠN" in text
    assert "Số 03-CTr/TU" in text and "Ngọc Sơn, ngày 05 tháng 01 năm 2026" in text
    assert "CHƯƠNG TRÌNH" in text and "Công tác năm 2026" in text
    items = next(table for table in tables if table and table[0][0] == "STT")
    clean = [[" ".join((cell or "").split()) for cell in line] for line in items]
    assert clean[0] == [column.label for column in exports.COLUMNS]
    assert clean[1:] == [EXPECTED_ROW]  # the dropped item is not printed


def test_the_program_prints_as_docx_in_its_columns(client, specialist, tree, yearly, item):
    from docx import Document

    client.force_login(specialist)
    response = client.get(reverse("program_export", args=[yearly.pk, "docx"]))
    assert response["Content-Disposition"].endswith('.docx"')
    document = Document(io.BytesIO(response.content))
    header, items = document.tables[0], document.tables[1]
    assert header.cell(0, 1).text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert header.cell(1, 0).text.startswith("Số ") and header.cell(1, 0).text.endswith("-CTr/TU")
    assert [cell.text for cell in items.rows[0].cells] == [column.label for column in exports.COLUMNS]
    assert [cell.text for cell in items.rows[1].cells] == EXPECTED_ROW
    assert "Công tác năm 2026" in [paragraph.text for paragraph in document.paragraphs]


def test_an_item_is_moved_to_a_later_program_from_its_page(
    client, specialist, committee_member, tree, november
):
    item = add(specialist, november, tree, content="Sơ kết công tác dân vận")
    december = services.program_create(
        actor=specialist, organization=tree.city, kind="month", year=2026, period=12
    )
    url = reverse("program_item_detail", args=[item.pk])
    client.force_login(committee_member)
    assert 'id="move-form"' not in client.get(url).content.decode()
    assert (
        client.post(reverse("program_item_move", args=[item.pk]), {"program": december.pk}).status_code == 403
    )
    client.force_login(specialist)
    assert 'id="move-form"' in client.get(url).content.decode()
    response = client.post(reverse("program_item_move", args=[item.pk]), {"program": december.pk, "note": ""})
    moved = december.items.get()
    assert response["Location"] == reverse("program_item_detail", args=[moved.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'id="moved-from"' in page and url in page
    page = client.get(url).content.decode()
    assert 'id="moved-to"' in page and 'id="move-form"' not in page
    with override("vi"):
        assert str(services.AUDIT_LABELS[services.AuditAction.ITEM_MOVED]) in page  # the original's history
    item.refresh_from_db()
    assert item.state == ItemState.MOVED and item.state_note == december.title


def test_the_closing_never_takes_a_page_alone(client, office_chief, specialist, tree, yearly, item):
    """The recipients and the signature follow the table's last row: whatever the
    number of items, the last page holds an item too, never the closing alone."""
    _issued(office_chief, yearly)
    client.force_login(specialist)
    paged = 0
    for n in range(2, 12):
        add(specialist, yearly, tree, content=f"Nội dung số {n} của chương trình, " * 3, planned_month=12)
        response = client.get(reverse("program_export", args=[yearly.pk, "pdf"]))
        with pdfplumber.open(io.BytesIO(response.content)) as pdf:
            if len(pdf.pages) == 1:
                continue
            paged += 1
            last = pdf.pages[-1].extract_text()
        assert "Nơi nhận" in last and "Nội dung số" in last, (n, last)
    assert paged  # the program did run over a page
