"""The archive's services: a fonds per organization, dossiers numbered in their
catalogue, documents filed, closing, and destruction only by a recorded decision of
dossiers whose term has run out; each write audited, the wrong person refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from vanphong.archive import selectors, services
from vanphong.archive.models import Dossier, DossierState, RetentionRule
from vanphong.archive.services import AuditAction
from vanphong.core.models import AuditEvent, Role
from vanphong.core.tests.conftest import clerk, member, office_chief, outsider, secretary, tree  # noqa: F401
from vanphong.core.tests.factories import persona
from vanphong.registry.models import DocumentType
from vanphong.registry.services import incoming_register

TODAY = timezone.localdate()


@pytest.fixture
def archivist(tree):  # noqa: F811
    return persona(tree, Role.ARCHIVIST)


@pytest.fixture
def fonds(archivist, tree):  # noqa: F811
    return services.fonds_create(actor=archivist, organization=tree.city, number="01")


def _dossier(archivist, fonds, **overrides):
    values = {"actor": archivist, "fonds": fonds, "title": "Hồ sơ Hội nghị Ban Thường vụ Thành ủy năm 2015"}
    values.update(overrides)
    return services.dossier_create(**values)


def test_a_fonds_per_organization_opened_by_its_archivist(archivist, tree, clerk, outsider):  # noqa: F811
    for person in (clerk, outsider):
        with pytest.raises(PermissionDenied):
            services.fonds_create(actor=person, organization=tree.city, number="01")
    fonds = services.fonds_create(actor=archivist, organization=tree.city, number="01")
    assert fonds.name == tree.city.name
    with pytest.raises(ValidationError):
        services.fonds_create(actor=archivist, organization=tree.city, number="02")
    assert AuditEvent.objects.filter(action=AuditAction.FONDS_CREATED).count() == 1


def test_dossiers_take_the_next_number_of_their_catalogue(archivist, fonds):
    first, second = _dossier(archivist, fonds), _dossier(archivist, fonds, title="Hồ sơ thứ hai")
    other = _dossier(archivist, fonds, catalogue=2, title="Mục lục số 2")
    assert (first.number, second.number, other.number) == (1, 2, 1)
    with pytest.raises(ValidationError) as refused:
        _dossier(archivist, fonds, number=2)
    assert "number" in refused.value.message_dict
    assert AuditEvent.objects.filter(action=AuditAction.DOSSIER_CREATED).count() == 3


def test_refusals_are_keyed_to_their_fields(archivist, fonds):
    with pytest.raises(ValidationError) as refused:
        _dossier(archivist, fonds, title=" ", started_on=dt.date(2016, 1, 1), ended_on=dt.date(2015, 1, 1))
    assert set(refused.value.message_dict) == {"title", "ended_on"}


def test_a_rule_gives_its_term_and_no_rule_means_permanent(archivist, fonds):
    monthly = RetentionRule.objects.get(code="5")
    assert _dossier(archivist, fonds, retention_rule=monthly).retention_years == monthly.years
    assert _dossier(archivist, fonds).is_permanent


def test_filing_a_registry_document_counts_its_sheets_and_dates(archivist, fonds, tree):  # noqa: F811
    dossier = _dossier(archivist, fonds)
    document = incoming_register(
        actor=None,
        organization=tree.city,
        received_on=dt.date(2015, 3, 2),
        issuer="Ban Tổ chức Trung ương",
        symbol="12-CV/BTCTW",
        document_date=dt.date(2015, 2, 27),
        document_type=DocumentType.objects.get(code="cong-van"),
        abstract="V/v chuẩn bị đại hội",
    )
    item = services.dossier_file(actor=archivist, dossier=dossier, incoming=document, sheets=3)
    dossier.refresh_from_db()
    assert (item.position, dossier.sheets) == (1, 3)
    assert dossier.started_on == dossier.ended_on == dt.date(2015, 3, 2)
    with pytest.raises(ValidationError):  # once only
        services.dossier_file(actor=archivist, dossier=dossier, incoming=document)
    assert AuditEvent.objects.for_target(dossier).filter(action=AuditAction.DOCUMENT_FILED).count() == 1


def test_closing_needs_the_end_date_and_stops_filing(archivist, fonds):
    dossier = _dossier(archivist, fonds)
    with pytest.raises(ValidationError):
        services.dossier_close(actor=archivist, dossier=dossier)
    dossier = services.dossier_update(actor=archivist, dossier=dossier, ended_on=dt.date(2015, 12, 31))
    dossier = services.dossier_close(actor=archivist, dossier=dossier)
    assert dossier.state == DossierState.CLOSED
    with pytest.raises(ValidationError):
        services.dossier_file(actor=archivist, dossier=dossier, scan_id=1, title="Bản quét")


def _closed(archivist, fonds, *, ended, years, title="Báo cáo tháng"):
    dossier = _dossier(archivist, fonds, title=title, ended_on=ended, retention_years=years)
    return services.dossier_close(actor=archivist, dossier=dossier)


def test_due_for_review_are_the_closed_dossiers_whose_term_ran_out(archivist, fonds):
    old = _closed(archivist, fonds, ended=dt.date(2010, 6, 30), years=10)  # due after 31/12/2020
    recent = _closed(archivist, fonds, ended=dt.date(TODAY.year - 1, 6, 30), years=10)
    permanent = _closed(archivist, fonds, ended=dt.date(2001, 1, 1), years=None)
    due = list(selectors.due_for_review(archivist, fonds, TODAY))
    assert due == [old] and recent not in due and permanent not in due
    assert old.review_due_on == dt.date(2020, 12, 31)


def test_destruction_only_through_a_recorded_decision_of_due_dossiers(archivist, fonds, clerk):  # noqa: F811
    old = _closed(archivist, fonds, ended=dt.date(2010, 6, 30), years=10)
    recent = _closed(archivist, fonds, ended=dt.date(TODAY.year - 1, 6, 30), years=10)
    permanent = _closed(archivist, fonds, ended=dt.date(2001, 1, 1), years=None)
    decision = {
        "decision_number": "15-QĐ/VPTU",
        "decided_on": TODAY,
        "decided_by": "Chánh Văn phòng Hoàng Văn Bình",
        "council": "Hội đồng xác định giá trị tài liệu Văn phòng Thành ủy",
    }
    with pytest.raises(PermissionDenied):
        services.destruction_record(actor=clerk, fonds=fonds, dossiers=[old], **decision)
    for not_due in (recent, permanent):
        with pytest.raises(ValidationError) as refused:
            services.destruction_record(actor=archivist, fonds=fonds, dossiers=[old, not_due], **decision)
        assert "dossiers" in refused.value.message_dict
    old.refresh_from_db()
    assert old.state == DossierState.CLOSED
    with pytest.raises(ValidationError) as refused:
        services.destruction_record(
            actor=archivist, fonds=fonds, dossiers=[old], **{**decision, "council": ""}
        )
    assert "council" in refused.value.message_dict
    recorded = services.destruction_record(actor=archivist, fonds=fonds, dossiers=[old], **decision)
    old.refresh_from_db()
    assert (old.state, old.destruction) == (DossierState.DESTROYED, recorded)
    event = AuditEvent.objects.get(action=AuditAction.DESTRUCTION_RECORDED)
    assert event.after["dossiers"] == [old.number] and event.actor == archivist
    with pytest.raises(ValidationError):  # a destroyed dossier's row stays, unchangeable
        services.dossier_update(actor=archivist, dossier=old, title="Khác")


def test_the_catalogue_filters_by_words_without_accents_year_and_retention(archivist, fonds):
    a = _dossier(
        archivist,
        fonds,
        title="Hồ sơ Đại hội Đảng bộ thành phố",
        started_on=dt.date(2015, 1, 1),
        ended_on=dt.date(2015, 10, 1),
    )
    b = _dossier(
        archivist,
        fonds,
        title="Báo cáo tháng",
        started_on=dt.date(2016, 1, 1),
        ended_on=dt.date(2016, 12, 31),
        retention_years=10,
    )

    def find(**filters):
        return list(selectors.catalogue(archivist, fonds, selectors.CatalogueFilters(**filters)))

    assert find(query="dai hoi dang bo") == [a]
    assert find(year=2016) == [b]
    assert find(retention="permanent") == [a] and find(retention="term") == [b]


def _incoming(tree, day, symbol="12-CV/BTCTW"):  # noqa: F811
    return incoming_register(
        actor=None,
        organization=tree.city,
        received_on=day,
        issuer="Ban Tổ chức Trung ương",
        symbol=symbol,
        document_date=day,
        document_type=DocumentType.objects.get(code="cong-van"),
        abstract="V/v chuẩn bị đại hội",
    )


def test_filing_adds_its_sheets_to_the_archivists_count_and_audits_the_columns(archivist, fonds, tree):  # noqa: F811
    dossier = _dossier(
        archivist, fonds, sheets=57, started_on=dt.date(1987, 2, 3), ended_on=dt.date(1987, 12, 28)
    )
    inside = _incoming(tree, dt.date(1987, 6, 1))
    services.dossier_file(actor=archivist, dossier=dossier, incoming=inside, sheets=3)
    dossier.refresh_from_db()
    assert (dossier.sheets, dossier.started_on, dossier.ended_on) == (
        60,
        dt.date(1987, 2, 3),
        dt.date(1987, 12, 28),
    )
    services.dossier_file(actor=archivist, dossier=dossier, scan_id=7, title="Bản quét", sheets=0)
    dossier.refresh_from_db()
    assert dossier.sheets == 60  # sheets not known: the count stays
    later = _incoming(tree, dt.date(1988, 1, 5), symbol="13-CV/BTCTW")
    before = Dossier.objects.get(pk=dossier.pk)
    services.dossier_file(actor=archivist, dossier=dossier, incoming=later, sheets=2)
    dossier.refresh_from_db()
    assert (dossier.sheets, dossier.started_on, dossier.ended_on) == (
        62,
        dt.date(1987, 2, 3),
        dt.date(1988, 1, 5),
    )
    assert services.dates_widened(before, dossier)
    event = AuditEvent.objects.for_target(dossier).filter(action=AuditAction.DOCUMENT_FILED).latest("id")
    assert event.before == {"sheets": 60, "started_on": "1987-02-03", "ended_on": "1987-12-28"}
    assert (event.after["sheets"], event.after["ended_on"], event.after["item_sheets"]) == (
        62,
        "1988-01-05",
        2,
    )


def test_a_misfiled_document_is_taken_out_while_the_dossier_is_open(archivist, fonds, tree):  # noqa: F811
    dossier = _dossier(
        archivist, fonds, sheets=57, started_on=dt.date(1987, 2, 3), ended_on=dt.date(1987, 12, 28)
    )
    first = services.dossier_file(
        actor=archivist, dossier=dossier, incoming=_incoming(tree, dt.date(1987, 5, 5)), sheets=4
    )
    wrong = services.dossier_file(
        actor=archivist,
        dossier=dossier,
        incoming=_incoming(tree, dt.date(2025, 9, 3), symbol="99-CV/BTCTW"),
        sheets=3,
    )
    last = services.dossier_file(actor=archivist, dossier=dossier, scan_id=9, title="Bản quét", sheets=2)
    dossier.refresh_from_db()
    assert (dossier.sheets, dossier.ended_on) == (66, dt.date(2025, 9, 3))
    with pytest.raises(PermissionDenied):
        services.dossier_remove(actor=persona(tree, Role.CLERK), item=wrong)
    services.dossier_remove(actor=archivist, item=wrong)
    dossier.refresh_from_db()
    assert (dossier.sheets, dossier.started_on, dossier.ended_on) == (
        63,
        dt.date(1987, 2, 3),
        dt.date(1987, 12, 28),
    )
    assert [(i.pk, i.position) for i in dossier.items.order_by("position")] == [(first.pk, 1), (last.pk, 2)]
    event = AuditEvent.objects.for_target(dossier).get(action=AuditAction.DOCUMENT_REMOVED)
    assert (event.before["sheets"], event.after["removed_sheets"], event.after["sheets"]) == (66, 3, 63)
    assert event.before["ended_on"] == "2025-09-03" and event.after["ended_on"] == "1987-12-28"
    services.dossier_close(actor=archivist, dossier=dossier)
    with pytest.raises(ValidationError):
        services.dossier_remove(actor=archivist, item=first)
    assert dossier.items.count() == 2


def test_the_archivist_keeps_the_retention_table_audited(archivist, fonds, clerk):  # noqa: F811
    with pytest.raises(PermissionDenied):
        services.retention_rule_create(actor=clerk, code="10", name="Hồ sơ hội nghị chuyên đề", years=20)
    rule = services.retention_rule_create(
        actor=archivist, code="10", name="Hồ sơ hội nghị chuyên đề", years=20
    )
    with pytest.raises(ValidationError) as refused:
        services.retention_rule_create(actor=archivist, code="10", name=" ", years=0)
    assert set(refused.value.message_dict) == {"code", "name", "years"}
    services.retention_rule_update(actor=archivist, rule=rule, years=None)
    rule.refresh_from_db()
    assert rule.years is None
    events = AuditEvent.objects.for_target(rule).order_by("id")
    assert [e.action for e in events] == [
        AuditAction.RETENTION_RULE_CREATED,
        AuditAction.RETENTION_RULE_UPDATED,
    ]
    assert (events[1].before["years"], events[1].after["years"]) == (20, None)


def test_a_rule_and_other_years_are_refused_at_the_years(archivist, fonds):
    monthly = RetentionRule.objects.get(code="5")  # 10 years
    with pytest.raises(ValidationError) as refused:
        _dossier(archivist, fonds, retention_rule=monthly, retention_years=20)
    assert set(refused.value.message_dict) == {"retention_years"}
    assert _dossier(archivist, fonds, retention_rule=monthly, retention_years=10).retention_years == 10


def test_the_archives_events_read_without_raw_keys(archivist, fonds, tree):  # noqa: F811
    from vanphong.core.templatetags.office import describe_events

    dossier = _dossier(archivist, fonds, sheets=5, ended_on=dt.date(2015, 12, 31))
    services.dossier_file(
        actor=archivist, dossier=dossier, incoming=_incoming(tree, dt.date(2015, 3, 2)), sheets=3
    )
    services.box_create(actor=archivist, fonds=fonds, number="7", location="Giá B")
    services.dossier_close(actor=archivist, dossier=dossier)
    events = list(AuditEvent.objects.filter(action__startswith="archive.").order_by("id"))
    with translation.override("en"):
        labels = {label for rows in describe_events(events) for label, _old, _new in rows}
        values = {new for rows in describe_events(events) for _label, _old, new in rows}
    raw = {"item", "incoming", "outgoing", "scan", "position", "document", "item_sheets", "box", "location"}
    assert not labels & raw, labels & raw
    assert {"Order in the dossier", "Document filed", "Sheets of the document", "Box number"} <= labels
    assert "closed" not in values and "Closed" in values
