# ruff: noqa: F811  (pytest fixtures imported from core, used as arguments)
"""Wording defects found when issue 6 was tested again on the demo, each with the
test that shows it fixed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from vanphong.archive import services
from vanphong.archive.forms import DestructionForm
from vanphong.archive.services import AuditAction
from vanphong.archive.tests.test_services import _dossier, archivist, fonds  # noqa: F401
from vanphong.core.models import AuditEvent
from vanphong.core.templatetags.office import audit_changes
from vanphong.core.tests.conftest import tree  # noqa: F401


def test_a_document_taken_out_is_named_as_taken_out_in_the_history(archivist, fonds):
    dossier = _dossier(archivist, fonds)
    item = services.dossier_file(actor=archivist, dossier=dossier, scan_id=9, title="Bản quét", sheets=2)
    services.dossier_remove(actor=archivist, item=item)
    event = AuditEvent.objects.for_target(dossier).get(action=AuditAction.DOCUMENT_REMOVED)
    with translation.override("en"):
        rows = {label: (str(old), str(new)) for label, old, new in audit_changes(event)}
        filed_label = str(services.AUDIT_FIELD_LABELS["archive.dossier"]["document"])
    assert filed_label not in rows  # not "Document filed: Bản quét → —"
    assert rows["Document taken out"][1] == "Bản quét"
    assert rows["Its sheets"][1] == "2"


def test_the_destruction_form_and_the_decision_say_the_same_word_for_its_note():
    with translation.override("vi"):
        page_word = translation.gettext("Reason")  # the decision's page (destruction_detail.html)
        assert str(DestructionForm().fields["note"].label) == page_word
        assert str(services.AUDIT_FIELD_LABELS["archive.destructiondecision"]["note"]) == page_word


def test_the_retention_tables_term_is_lower_case_inside_the_sentence(archivist, fonds):
    rule = services.retention_rule_create(actor=archivist, code="99.1", name="Hồ sơ đại hội", years=None)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        _dossier(archivist, fonds, retention_rule=rule, retention_years=20)
    (message,) = refused.value.message_dict["retention_years"]
    with translation.override("vi"):
        term = services.retention_label(None)
    assert term != term.lower()  # "Vĩnh viễn" as a cell of the catalogue
    assert term.lower() in message and term not in message


def test_the_catalogues_total_says_how_many_of_its_sheets_were_destroyed(archivist, fonds, monkeypatch):
    import datetime as dt
    import io

    from openpyxl import load_workbook

    from vanphong.archive import exports
    from vanphong.archive.models import Dossier

    kept = _dossier(archivist, fonds, title="Hồ sơ giữ", sheets=40)
    old = _dossier(
        archivist, fonds, title="Hồ sơ cũ", sheets=15, ended_on=dt.date(2000, 12, 31), retention_years=10
    )
    services.dossier_close(actor=archivist, dossier=old)
    services.destruction_record(
        actor=archivist,
        fonds=fonds,
        dossiers=[old],
        decision_number="1-QĐ",
        decided_on=dt.date.today(),
        decided_by="Chánh Văn phòng",
        council="Hội đồng",
    )
    dossiers = list(Dossier.objects.filter(pk__in=[kept.pk, old.pk]))
    printed: list[str] = []
    monkeypatch.setattr(exports, "pdf_from_html", lambda html: printed.append(html) or b"%PDF")
    with translation.override("en"):
        exports.catalogue_pdf(fonds, dossiers)
        workbook = load_workbook(io.BytesIO(exports.catalogue_xlsx(fonds, dossiers)))
    footer = printed[0].split("<footer>")[1]
    assert "55 sheets in all" in footer and "Of which 15 sheets destroyed" in footer
    values = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert [v for v in values[-1] if v is not None] == ["Of which sheets destroyed", 15]
