"""Numbering outgoing documents (DOMAIN.md §2, 36-HD/VPTW 1.3.1): one series per
issuer and type (or series group), restarting at each congress term or each year as
the type says; the symbol `12-CV/TU`; classified documents in their own register but
the type's series; never a number reused or skipped, a cancelled document keeping
its own; one audit event per service; refusals keyed to a field that consume no
number, alone or among concurrent clerks on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import override

from vanphong.core import audit
from vanphong.core.models import AuditChainHead, AuditEvent, Person, Role, Secrecy
from vanphong.core.tests.factories import Tree, make_person, persona
from vanphong.registry import services
from vanphong.registry.models import (
    Direction,
    DocumentType,
    NumberingScope,
    NumberSeries,
    OutgoingDocument,
    Register,
    outgoing_symbol,
)
from vanphong.registry.selectors import OutgoingFilters, outgoing_list
from vanphong.registry.services import AuditAction
from vanphong.registry.tests.conftest import TERM_16_START, TERM_17_START, outgoing_entry
from vanphong.registry.tests.test_services import _in_threads, concurrent
from vanphong.testing import needs_postgresql

TODAY = timezone.localdate()
TOMORROW = TODAY + dt.timedelta(days=1)
IN_TERM_16 = TERM_17_START - dt.timedelta(days=10)
LAST_YEAR = TODAY.year - 1


def _type(code: str) -> DocumentType:
    return DocumentType.objects.get(code=code)


def _last_event_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _database_state() -> dict[str, Any]:
    """Every row an outgoing registration or a cancellation writes."""
    models: list[type[Model]] = [NumberSeries, Register, OutgoingDocument, AuditEvent, AuditChainHead]
    return {model.__name__: list(model._default_manager.order_by("pk").values()) for model in models}


def _numbers(documents: list[OutgoingDocument]) -> list[int]:
    return [document.number for document in documents]


# --- Numbering ----------------------------------------------------------------------------


def test_numbers_run_consecutively_per_issuer_and_type_within_the_term(tree, terms, outgoing):
    documents = [outgoing(abstract=f"V/v việc thứ {n}") for n in range(1, 6)]
    assert _numbers(documents) == [1, 2, 3, 4, 5]
    series = NumberSeries.objects.get()
    assert (series.organization, series.series_group, series.term, series.year) == (
        tree.city,
        "cong-van",
        terms[1],
        None,
    )
    assert series.last_number == 5
    assert {document.series_id for document in documents} == {series.pk}
    register = Register.objects.get()
    assert (register.organization, register.direction, register.year, register.is_classified) == (
        tree.city,
        Direction.OUTGOING,
        TODAY.year,
        False,
    )


def test_each_type_has_its_own_series(outgoing):
    assert _numbers([outgoing(), outgoing()]) == [1, 2]
    assert outgoing(document_type=_type("thong-bao")).number == 1
    assert outgoing(document_type=_type("ke-hoach")).number == 1
    assert outgoing().number == 3
    assert NumberSeries.objects.count() == 3


def test_each_issuer_has_its_own_series(tree, outgoing, clerk):
    from vanphong.core.services import term_add

    term_add(actor=None, organization=tree.bloc, number=7, started_on=dt.date(2025, 8, 21))
    bloc_secretary = make_person(organization=tree.bloc, role=Role.SECRETARY)
    assert _numbers([outgoing(), outgoing()]) == [1, 2]
    bloc = outgoing(organization=tree.bloc, signer=bloc_secretary)
    assert (bloc.number, bloc.symbol) == (1, "01-CV/ĐUK")
    assert outgoing(actor=clerk).number == 3


def test_the_symbol_is_the_number_of_two_digits_at_least_the_type_and_the_issuer(outgoing):
    documents = [outgoing() for _ in range(10)]
    assert [document.symbol for document in documents[:2]] == ["01-CV/TU", "02-CV/TU"]
    assert documents[-1].symbol == "10-CV/TU"
    assert outgoing(document_type=_type("nghi-quyet")).symbol == "01-NQ/TU"
    assert outgoing_symbol(127, "QĐ", "TW") == "127-QĐ/TW"
    assert outgoing_symbol(24, "BS", "UBKTTU") == "24-BS/UBKTTU"


def test_a_new_term_starts_again_at_01(terms, outgoing):
    old = [outgoing(issued_on=IN_TERM_16), outgoing(issued_on=IN_TERM_16), outgoing(issued_on=IN_TERM_16)]
    assert _numbers(old) == [1, 2, 3]
    new = outgoing()
    assert (new.number, new.symbol) == (1, "01-CV/TU")
    assert new.series.term == terms[1] and old[0].series.term == terms[0]
    # A document of the last term registered late continues the last term's series.
    assert outgoing(issued_on=IN_TERM_16).number == 4
    assert outgoing().number == 2
    # The last day of the 16th term and the first of the 17th.
    assert outgoing(issued_on=TERM_17_START - dt.timedelta(days=1)).series.term == terms[0]
    assert outgoing(issued_on=TERM_17_START).series.term == terms[1]


def test_a_yearly_type_starts_again_at_01_each_year(outgoing):
    invitation = _type("giay-moi")
    assert invitation.numbering_scope == NumberingScope.YEAR  # the migration's default
    december = {"document_type": invitation, "issued_on": dt.date(LAST_YEAR, 12, 31)}
    assert _numbers([outgoing(**december), outgoing(**december)]) == [1, 2]
    this_year = outgoing(document_type=invitation)
    assert (this_year.number, this_year.symbol) == (1, "01-GM/TU")
    assert (this_year.series.year, this_year.series.term) == (TODAY.year, None)
    assert outgoing(**december).number == 3
    assert outgoing(document_type=invitation).number == 2


def test_the_scope_is_a_setting_of_the_type(outgoing, document_type):
    assert document_type.numbering_scope == NumberingScope.TERM  # công văn: by term
    document_type.numbering_scope = NumberingScope.YEAR
    document_type.save()
    last_year = outgoing(issued_on=dt.date(LAST_YEAR, 6, 1))
    assert (last_year.number, last_year.series.year) == (1, LAST_YEAR)
    assert outgoing().number == 1


def test_two_types_of_one_group_share_one_series(outgoing):
    DocumentType.objects.filter(code__in=["quyet-dinh", "quy-dinh"]).update(series_group="qd")
    decision, regulation = _type("quyet-dinh"), _type("quy-dinh")
    documents = [
        outgoing(document_type=decision),
        outgoing(document_type=regulation),
        outgoing(document_type=decision),
    ]
    assert [document.symbol for document in documents] == ["01-QĐ/TU", "02-QĐ/TU", "03-QĐ/TU"]
    assert len({document.series_id for document in documents}) == 1
    assert NumberSeries.objects.get().series_group == "qd"
    assert outgoing().number == 1  # công văn keeps its own


def test_classified_documents_share_the_series_but_go_in_the_classified_register(tree, outgoing):
    cleared_clerk = persona(tree, Role.CLERK, Secrecy.SECRET)
    plain = outgoing()
    confidential = outgoing(actor=cleared_clerk, secrecy=Secrecy.CONFIDENTIAL)
    secret = outgoing(actor=cleared_clerk, secrecy=Secrecy.SECRET)
    after = outgoing()
    assert _numbers([plain, confidential, secret, after]) == [1, 2, 3, 4]
    assert confidential.symbol == "02-CV/TU"
    assert {plain.series_id, confidential.series_id, secret.series_id, after.series_id} == {plain.series_id}
    assert confidential.register.is_classified and confidential.register_id == secret.register_id
    assert not plain.register.is_classified and plain.register_id == after.register_id
    assert Register.objects.filter(direction=Direction.OUTGOING).count() == 2


def test_the_office_numbers_its_yearly_papers_as_its_own_issuer(tree, outgoing, clerk, office_chief):
    """A non-committee issuer (the office) has no terms: it numbers the types that
    run by year, signed by its chief."""
    paper = outgoing(
        actor=clerk, organization=tree.office, document_type=_type("giay-gioi-thieu"), signer=office_chief
    )
    assert paper.symbol == "01-GGT/VPTU"
    assert paper.register.organization == tree.office


# --- What is stored and audited ------------------------------------------------------------


@pytest.mark.parametrize("secrecy", list(Secrecy))
def test_exactly_one_audit_event_for_a_registration(tree, outgoing, secrecy):
    cleared_clerk = persona(tree, Role.CLERK, Secrecy.TOP_SECRET)
    last = _last_event_id()
    document = outgoing(actor=cleared_clerk, secrecy=secrecy)
    events = list(AuditEvent.objects.filter(id__gt=last))
    assert [event.action for event in events] == [AuditAction.OUTGOING_REGISTERED]
    event = events[0]
    assert event.secrecy == secrecy and event.actor == cleared_clerk and event.organization == tree.city
    assert (event.target_type, event.target_id) == ("registry.outgoingdocument", str(document.pk))
    assert event.after["number"] == 1 and event.after["symbol"] == "01-CV/TU"
    assert event.after["series"] == document.series_id
    assert audit.verify_all()[1] == []


def test_the_entry_is_stored_tidied_and_found_without_accents(tree, outgoing, clerk, secretary):
    drafter = persona(tree, Role.SPECIALIST)
    document = outgoing(
        actor=clerk,
        abstract="  V/v tổng kết\n công tác   Đảng năm 2026 ",
        signer_title=" T/M  BAN THƯỜNG VỤ ",
        recipients="  Ban Thường vụ Thành ủy,\nLưu VP.  ",
        drafter=drafter,
        copies=12,
        note="  Gửi kèm phụ lục ",
    )
    document.refresh_from_db()
    assert document.abstract == "V/v tổng kết công tác Đảng năm 2026"
    assert document.signer_title == "T/M BAN THƯỜNG VỤ"
    assert document.recipients == "Ban Thường vụ Thành ủy,\nLưu VP."
    assert (document.drafter, document.copies, document.note) == (drafter, 12, "Gửi kèm phụ lục")
    assert (document.registered_by, document.signer) == (clerk, secretary)
    assert list(outgoing_list(clerk, OutgoingFilters(query="cong van so 01-cv/tu"))) == [document]
    assert list(outgoing_list(clerk, OutgoingFilters(query="TONG KET cong tac 01-cv"))) == [document]
    assert list(outgoing_list(clerk, OutgoingFilters(query="ban thuong vu thanh uy"))) == [document]
    assert list(outgoing_list(clerk, OutgoingFilters(query="ngan sach"))) == []


def test_a_failure_after_the_number_is_drawn_gives_the_number_back(outgoing, monkeypatch):
    assert outgoing().number == 1
    before = _database_state()

    def broken_record(**kwargs: Any) -> AuditEvent:
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(audit, "record", broken_record)
    with pytest.raises(RuntimeError):
        outgoing()
    assert _database_state() == before
    monkeypatch.undo()
    assert outgoing().number == 2


# --- Cancelling ------------------------------------------------------------------------------


def test_a_cancelled_document_keeps_its_number_and_the_next_continues(outgoing, clerk):
    first, second = outgoing(), outgoing()
    last = _last_event_id()
    cancelled = services.outgoing_cancel(
        actor=clerk, document=second, note="  Sai nơi nhận, không phát hành "
    )
    assert [event.action for event in AuditEvent.objects.filter(id__gt=last)] == [
        AuditAction.OUTGOING_CANCELLED
    ]
    event = AuditEvent.objects.get(id__gt=last)
    assert (
        event.before["cancelled_at"] is None and event.after["cancel_note"] == "Sai nơi nhận, không phát hành"
    )
    cancelled.refresh_from_db()
    assert (cancelled.number, cancelled.symbol) == (2, "02-CV/TU")
    assert cancelled.is_cancelled and cancelled.cancelled_by == clerk
    assert cancelled.cancel_note == "Sai nơi nhận, không phát hành"
    assert outgoing().number == 3
    assert OutgoingDocument.objects.count() == 3 and not first.is_cancelled
    assert audit.verify_all()[1] == []


@pytest.mark.parametrize("note", ["", "   \n "])
def test_cancelling_needs_a_reason(outgoing, clerk, note):
    document = outgoing()
    refused("note", lambda: services.outgoing_cancel(actor=clerk, document=document, note=note))
    document.refresh_from_db()
    assert not document.is_cancelled


def test_a_document_is_cancelled_once(outgoing, clerk):
    document = outgoing()
    services.outgoing_cancel(actor=clerk, document=document, note="Không phát hành")
    refused("note", lambda: services.outgoing_cancel(actor=clerk, document=document, note="Lần nữa"))


def test_only_the_issuers_registry_cancels(tree, outgoing, outsider, member, secretary):
    plain = outgoing()
    classified = outgoing(secrecy=Secrecy.SECRET)
    uncleared_clerk = persona(tree, Role.CLERK)
    for person, document in (
        (outsider, plain),
        (member, plain),
        (secretary, plain),
        (uncleared_clerk, classified),
    ):
        before = _database_state()
        with pytest.raises(PermissionDenied):
            services.outgoing_cancel(actor=person, document=document, note="Hủy")
        assert _database_state() == before


# --- Refusals ------------------------------------------------------------------------------------

Refusal = tuple[str, dict[str, Any]]
REFUSALS: dict[str, Callable[[Tree, Person], Refusal]] = {
    "an issuer the clerk does not register for": lambda tree, clerk: (
        "organization",
        {"actor": clerk, "organization": tree.bloc},
    ),
    "a by-term type from an issuer that is no committee": lambda tree, clerk: (
        "organization",
        {"actor": clerk, "organization": tree.office},
    ),
    "a committee with no term": lambda tree, clerk: ("organization", {"organization": tree.grassroots}),
    "a date before the first term": lambda tree, clerk: (
        "organization",
        {"issued_on": TERM_16_START - dt.timedelta(days=1)},
    ),
    "issued in the future": lambda tree, clerk: ("issued_on", {"issued_on": TOMORROW}),
    "empty abstract": lambda tree, clerk: ("abstract", {"abstract": ""}),
    "abstract of whitespace": lambda tree, clerk: ("abstract", {"abstract": " \n\t "}),
    "no recipients": lambda tree, clerk: ("recipients", {"recipients": "  "}),
    "no copy": lambda tree, clerk: ("copies", {"copies": 0}),
    "above the clerk's clearance": lambda tree, clerk: (
        "secrecy",
        {"actor": clerk, "secrecy": Secrecy.SECRET},
    ),
    "a signer who does not sign for the issuer": lambda tree, clerk: ("signer", {"signer": clerk}),
    "a signer of another committee": lambda tree, clerk: (
        "signer",
        {"signer": make_person(organization=tree.other_province, role=Role.SECRETARY)},
    ),
    "a signer not cleared": lambda tree, clerk: (
        "signer",
        {"actor": clerk, "secrecy": Secrecy.CONFIDENTIAL, "signer": persona(tree, Role.STANDING_MEMBER)},
    ),
    "signing capacity too long": lambda tree, clerk: (
        "signer_title",
        {"signer_title": "T/M BAN THƯỜNG VỤ " * 10},
    ),
    "note too long": lambda tree, clerk: ("note", {"note": "Ghi chú " * 40}),
}


def refused(field: str, call: Callable[[], object]) -> ValidationError:
    """Runs `call`, which must raise a ValidationError keyed to `field` alone and
    leave the database exactly as it was."""
    before = _database_state()
    with pytest.raises(ValidationError) as info:
        call()
    assert hasattr(info.value, "error_dict"), "the error must be keyed to a field"
    assert set(info.value.message_dict) == {field}, info.value.message_dict
    assert _database_state() == before
    return info.value


@pytest.mark.parametrize("case", list(REFUSALS))
def test_bad_input_is_refused_keyed_to_its_field_and_consumes_no_number(
    tree, clerk, secretary, document_type, outgoing, case
):
    field, overrides = REFUSALS[case](tree, clerk)
    assert outgoing(actor=clerk).number == 1
    assert outgoing(actor=clerk, secrecy=Secrecy.CONFIDENTIAL).number == 2
    refused(
        field,
        lambda: services.outgoing_register(**outgoing_entry(tree, document_type, secretary, **overrides)),
    )
    assert _numbers([outgoing(actor=clerk), outgoing(actor=clerk, secrecy=Secrecy.CONFIDENTIAL)]) == [3, 4]
    assert NumberSeries.objects.get().last_number == 4


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_refusal_into_an_unused_series_creates_nothing(tree, terms, clerk, secretary, document_type, case):
    field, overrides = REFUSALS[case](tree, clerk)
    refused(
        field,
        lambda: services.outgoing_register(**outgoing_entry(tree, document_type, secretary, **overrides)),
    )
    assert not NumberSeries.objects.exists() and not Register.objects.exists()


def test_the_english_source_of_the_refusals(tree, terms, secretary, document_type):
    with override("en"):
        error = refused(
            "organization",
            lambda: services.outgoing_register(
                **outgoing_entry(tree, document_type, secretary, organization=tree.office)
            ),
        )
        assert error.message_dict["organization"] == [
            "Công văn is numbered by congress term, and Văn phòng Thành ủy is not a Party committee: "
            "choose the committee as the issuer."
        ]
        with pytest.raises(ValidationError) as info:
            services.outgoing_register(
                **outgoing_entry(
                    tree, document_type, secretary, abstract="", recipients="", issued_on=TOMORROW
                )
            )
    assert set(info.value.message_dict) == {"abstract", "recipients", "issued_on"}


# --- Concurrent clerks (PostgreSQL) --------------------------------------------------------------


def _documents(results: list[object]) -> list[OutgoingDocument]:
    assert all(isinstance(result, OutgoingDocument) for result in results), results
    return [result for result in results if isinstance(result, OutgoingDocument)]


@needs_postgresql
@concurrent
def test_twenty_clerks_numbering_at_once_get_twenty_consecutive_numbers(
    tree, terms, document_type, secretary
):
    clerks = [persona(tree, Role.CLERK, Secrecy.CONFIDENTIAL) for _ in range(4)]
    events_before = AuditEvent.objects.count()
    # Neither the series nor the registers exist yet: their creation races too. Half
    # the documents are classified: another register, the same series.
    results, errors = _in_threads(
        20,
        lambda n: services.outgoing_register(
            **outgoing_entry(
                tree,
                document_type,
                secretary,
                actor=clerks[n % 4],
                secrecy=Secrecy.CONFIDENTIAL if n % 2 else Secrecy.NONE,
                abstract=f"V/v việc thứ {n}",
            )
        ),
    )
    assert errors == []
    documents = _documents(results)
    assert sorted(_numbers(documents)) == list(range(1, 21))
    assert sorted(document.symbol for document in documents) == [f"{n:02d}-CV/TU" for n in range(1, 21)]
    assert NumberSeries.objects.get().last_number == 20
    assert sorted(Register.objects.values_list("is_classified", flat=True)) == [False, True]
    assert AuditEvent.objects.count() == events_before + 20
    count, problems = audit.verify_all()
    assert problems == []
    assert count == AuditChainHead.objects.get().length


@needs_postgresql
@concurrent
def test_refusals_in_a_concurrent_batch_consume_no_number(
    tree, terms, document_type, secretary, clerk, audit_fails_on_note, monkeypatch
):
    """Among twenty clerks at once, five enter no abstract (refused before any number
    is drawn) and three fail after drawing theirs (the audit write fails): the twelve
    others share 1–12 with no gap."""

    def work(n: int) -> OutgoingDocument:
        overrides: dict[str, Any] = {"actor": clerk, "abstract": f"V/v việc thứ {n}"}
        if n % 4 == 0:
            overrides["abstract"] = "  "
        elif n % 5 == 0:
            overrides["note"] = audit_fails_on_note
        return services.outgoing_register(**outgoing_entry(tree, document_type, secretary, **overrides))

    results, errors = _in_threads(20, work)
    assert len(errors) == 8 and all(isinstance(error, ValidationError) for error in errors), errors
    fields = sorted(tuple(error.message_dict) for error in errors if isinstance(error, ValidationError))
    assert fields == [("abstract",)] * 5 + [("note",)] * 3
    assert sorted(_numbers(_documents(results))) == list(range(1, 13))
    assert NumberSeries.objects.get().last_number == 12
    assert not OutgoingDocument.objects.filter(note="hỏng").exists()
    monkeypatch.undo()
    next_one = services.outgoing_register(**outgoing_entry(tree, document_type, secretary, actor=clerk))
    assert (next_one.number, next_one.symbol) == (13, "13-CV/TU")
    assert audit.verify_all()[1] == []
