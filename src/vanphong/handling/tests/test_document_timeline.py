"""An incoming document's page tells its whole story: its own events and those of
its transfer slips, cut by the reader's clearance; and the form sending it to the
leaders lays their names out one under the other."""

from __future__ import annotations

from django.urls import reverse

from vanphong.core import selectors as core_selectors
from vanphong.handling import services
from vanphong.handling.services import AuditAction
from vanphong.handling.tests.conftest import register_document


def test_the_documents_timeline_shows_every_step_of_its_slips(client, clerk, handler, directed):
    services.slip_progress(actor=handler, slip=directed, note="Đã dự thảo báo cáo")
    services.slip_complete(actor=handler, slip=directed, note="Đã trình Thường trực")
    actions = [event.action for event in core_selectors.record_history(directed.document, clerk)]
    assert actions == [
        AuditAction.SLIP_COMPLETED,
        AuditAction.SLIP_PROGRESS,
        AuditAction.SLIP_DIRECTED,
        AuditAction.SLIP_SENT,
        "incoming.registered",
    ]
    client.force_login(clerk)
    page = client.get(reverse("incoming_detail", args=[directed.document.pk])).content.decode()
    for label in ("Chuyển lãnh đạo", "Đã có ý kiến chỉ đạo", "Ghi nhận tiến độ", "Hoàn thành xử lý"):
        assert label in page, label


def test_another_documents_slips_stay_out_of_its_timeline(tree, clerk, secretary, directed):
    other = register_document(tree, clerk, symbol="99-CV/BTCTW")
    services.slip_send(actor=clerk, document=other, leaders=[secretary], note="")
    assert [e.action for e in core_selectors.record_history(other, clerk)] == [
        AuditAction.SLIP_SENT,
        "incoming.registered",
    ]


def test_the_leaders_are_checkboxes_each_with_its_label(client, clerk, secretary, document):
    client.force_login(clerk)
    page = client.get(reverse("slip_send", args=[document.pk])).content.decode()
    assert '<div id="id_leaders" role="group">' in page
    assert 'class="form-check"><input type="checkbox" name="leaders"' in page
    assert f'<label class="form-check-label" for="id_leaders_0">{secretary.full_name}' in page
