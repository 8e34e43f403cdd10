"""The meetings' services: every write audited once, the wrong person refused, bad
input refused at its field with nothing written."""

from __future__ import annotations

import datetime as dt
import io

import pdfplumber
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from vanphong.core.models import AuditEvent, Secrecy
from vanphong.handling.models import Notification
from vanphong.meetings import selectors, services
from vanphong.meetings.models import (
    AccessAfter,
    Invitation,
    MeetingDocument,
    MeetingKind,
    MeetingState,
    Response,
)
from vanphong.meetings.tests.conftest import at, btv_kind, pdf_bytes, upload
from vanphong.registry.models import Direction, OutgoingDocument
from vanphong.schedule.models import Event, EventKind


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --- Kinds and quorum ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_kinds_are_seeded_with_their_rules():
    kinds = {k.code: k for k in MeetingKind.objects.all()}
    assert set(kinds) == {"btv", "bch", "thuong-truc", "lam-viec", "kiem-tra", "tiep-khach"}
    assert (kinds["btv"].quorum_numerator, kinds["btv"].quorum_denominator) == (2, 3)
    assert (kinds["bch"].quorum_numerator, kinds["bch"].quorum_denominator) == (2, 3)
    assert kinds["bch"].invited_body == "executive_committee"
    assert kinds["lam-viec"].needs_quorum is False
    # 2/3 of 13 is 8.67: nine members are needed; more than half of 13 is 7.
    assert kinds["bch"].quorum_of(13) == 9
    assert kinds["bch"].quorum_of(12) == 8
    assert kinds["btv"].majority_of(13, 9) == 7
    assert kinds["lam-viec"].majority_of(13, 9) == 5


def test_create_invites_the_body_and_writes_the_schedule(meeting, committee, tree):
    invited = set(meeting.invitations.values_list("person_id", flat=True))
    assert invited == {p.pk for p in committee.btv}
    assert all(meeting.invitations.values_list("is_member", flat=True))
    event = Event.objects.get(pk=meeting.event_id)
    assert event.kind == EventKind.STANDING_COMMITTEE
    assert event.title == meeting.title
    assert event.day == timezone.localtime(meeting.starts_at).date()
    assert event.presiding == committee.secretary
    assert events(services.AuditAction.MEETING_CREATED) == 1
    assert events("schedule.event_created") == 1


def test_update_moves_the_schedule_event(meeting, committee):
    services.meeting_update(
        actor=committee.specialist, meeting=meeting, starts_at=at(6, 14), ends_at=at(6, 16)
    )
    event = Event.objects.get(pk=meeting.event_id)
    assert event.day == timezone.localtime(at(6)).date()
    assert event.starts_at.hour == 14
    assert events(services.AuditAction.MEETING_UPDATED) == 1


def test_only_the_office_creates_meetings(tree, committee):
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            actor=committee.standing[0], organization=tree.city, kind=btv_kind(), title="Họp", starts_at=at(3)
        )


def test_bad_meeting_is_refused_at_its_fields(tree, committee):
    with pytest.raises(ValidationError) as error:
        services.meeting_create(
            actor=committee.specialist,
            organization=tree.city,
            kind=btv_kind(),
            title="  ",
            starts_at=at(3, 10),
            ends_at=at(3, 9),
            chair=committee.office_chief,
            access_after=AccessAfter.DAYS_AFTER,
        )
    assert set(error.value.message_dict) == {"title", "ends_at", "chair", "access_days"}
    assert not events(services.AuditAction.MEETING_CREATED)


def test_quorum_numbers_are_exact(meeting, committee):
    seats = {inv.person_id: inv for inv in meeting.invitations.all()}
    q = selectors.quorum(meeting)
    assert (q.members, q.needed, q.present, q.reached) == (6, 4, 0, False)
    for person in committee.btv[:3]:
        services.check_in(actor=committee.specialist, invitation=seats[person.pk])
    q = selectors.quorum(meeting)
    assert (q.present, q.reached, q.majority) == (3, False, 4)
    # A member who sends a delegate: the delegate sits, but is not counted (BTV).
    services.invitations_send(actor=committee.specialist, meeting=meeting)
    services.invitation_respond(
        actor=committee.standing[3],
        invitation=seats[committee.standing[3].pk],
        response=Response.DELEGATED,
        delegate=committee.committee_members[0],
    )
    services.check_in(actor=committee.specialist, invitation=seats[committee.standing[3].pk])
    q = selectors.quorum(meeting)
    assert (q.present, q.delegates_present, q.reached) == (3, 1, False)
    services.check_in(actor=committee.specialist, invitation=seats[committee.standing[2].pk])
    q = selectors.quorum(meeting)
    assert (q.present, q.needed, q.reached) == (4, 4, True)
    # Undoing a check-in counts again.
    services.check_in(actor=committee.specialist, invitation=seats[committee.standing[2].pk], present=False)
    assert selectors.quorum(meeting).present == 3
    assert events(services.AuditAction.CHECKED_IN) == 6


def test_only_the_secretary_or_office_checks_in(meeting, committee):
    seat = meeting.invitations.first()
    with pytest.raises(PermissionDenied):
        services.check_in(actor=committee.standing[0], invitation=seat)
    assert not events(services.AuditAction.CHECKED_IN)


# --- Invitations ---------------------------------------------------------------------------------


def test_invitations_go_out_in_the_app_and_by_mail(meeting, committee, django_capture_on_commit_callbacks):
    chief_seat = services.invitee_add(
        actor=committee.specialist, meeting=meeting, person=committee.office_chief
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(actor=committee.specialist, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.INVITED
    assert meeting.invitation_pdf
    with meeting.invitation_pdf.open("rb") as stream, pdfplumber.open(stream) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "GIẤY MỜI" in text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert meeting.title in text.replace("\n", " ")
    assert Notification.objects.filter(recipient__in=committee.btv).count() == 6
    # Only the chief has an address: one mail, the giấy mời attached.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["chanhvp@example.vn"]
    assert mail.outbox[0].attachments[0][2] == "application/pdf"
    chief_seat.refresh_from_db()
    assert chief_seat.notified_at is not None
    # Sending again tells nobody twice.
    services.invitations_send(actor=committee.specialist, meeting=meeting)
    assert Notification.objects.count() == 7
    assert events(services.AuditAction.INVITATIONS_SENT) == 2


def test_the_invitation_is_numbered_in_the_outgoing_register_once(meeting, committee):
    services.invitations_send(actor=committee.specialist, meeting=meeting)
    meeting.refresh_from_db()
    numbered = meeting.invitation_outgoing
    symbol = f"01-GM/{meeting.organization.abbreviation}"
    assert numbered.symbol == symbol
    assert (numbered.document_type.code, numbered.signer, numbered.issued_on) == (
        "giay-moi",
        committee.office_chief,
        timezone.localdate(),
    )
    assert numbered.register.direction == Direction.OUTGOING and not numbered.register.is_classified

    def printed() -> str:
        meeting.refresh_from_db()
        with meeting.invitation_pdf.open("rb") as stream, pdfplumber.open(stream) as pdf:
            return " ".join((pdf.pages[0].extract_text() or "").split())

    assert f"Số: {symbol}" in printed() or f"Số {symbol}" in printed()
    assert committee.office_chief.full_name in printed()
    # Sent again after a change: the same number, no second entry.
    services.invitee_add(actor=committee.specialist, meeting=meeting, person=committee.office_chief)
    services.invitations_send(actor=committee.specialist, meeting=meeting)
    assert OutgoingDocument.objects.filter(document_type__code="giay-moi").count() == 1
    assert symbol in printed()
    event = AuditEvent.objects.filter(action=services.AuditAction.INVITATIONS_SENT).last()
    assert (event.actor_id, event.after["symbol"]) == (committee.specialist.pk, symbol)
    # The next meeting's invitation takes the next number of the series.
    other = services.meeting_create(
        actor=committee.specialist,
        organization=meeting.organization,
        kind=meeting.kind,
        title="Hội nghị Ban Thường vụ tháng sau",
        starts_at=meeting.starts_at + dt.timedelta(days=30),
        chair=committee.secretary,
        secretary=committee.specialist,
        confirm_double_booking=True,
    )
    services.invitations_send(actor=committee.specialist, meeting=other)
    other.refresh_from_db()
    assert other.invitation_outgoing.symbol == f"02-GM/{meeting.organization.abbreviation}"


def test_a_member_confirms_declines_or_delegates(meeting, committee):
    services.invitations_send(actor=committee.specialist, meeting=meeting)
    person = committee.standing[0]
    seat = meeting.invitations.get(person=person)
    services.invitation_respond(actor=person, invitation=seat, response=Response.CONFIRMED)
    with pytest.raises(ValidationError) as error:
        services.invitation_respond(actor=person, invitation=seat, response=Response.DECLINED)
    assert "reason" in error.value.message_dict
    services.invitation_respond(
        actor=person, invitation=seat, response=Response.DECLINED, reason="Đi công tác"
    )
    seat.refresh_from_db()
    assert (seat.response, seat.reason) == (Response.DECLINED, "Đi công tác")
    services.invitation_respond(
        actor=person, invitation=seat, response=Response.DELEGATED, delegate=committee.committee_members[1]
    )
    seat.refresh_from_db()
    assert seat.delegate == committee.committee_members[1]
    assert events(services.AuditAction.INVITATION_ANSWERED) == 3


def test_a_delegate_who_is_not_a_member_is_refused(meeting, committee, tree, member, outsider):
    services.invitations_send(actor=committee.specialist, meeting=meeting)
    person = committee.standing[0]
    seat = meeting.invitations.get(person=person)
    # A Party member of a cell below, an office chief of another province.
    for stranger in (member, outsider):
        with pytest.raises(ValidationError) as error:
            services.invitation_respond(
                actor=person, invitation=seat, response=Response.DELEGATED, delegate=stranger
            )
        assert list(error.value.message_dict) == ["delegate"]
        assert error.value.error_dict["delegate"][0].message
    # Someone invited already, or nobody.
    for bad in (committee.deputy, None):
        with pytest.raises(ValidationError) as error:
            services.invitation_respond(
                actor=person, invitation=seat, response=Response.DELEGATED, delegate=bad
            )
        assert list(error.value.message_dict) == ["delegate"]
    seat.refresh_from_db()
    assert (seat.response, seat.delegate) == (Response.PENDING, None)
    assert not events(services.AuditAction.INVITATION_ANSWERED)


def test_nobody_answers_for_someone_else(meeting, committee):
    services.invitations_send(actor=committee.specialist, meeting=meeting)
    seat = meeting.invitations.get(person=committee.standing[0])
    with pytest.raises(PermissionDenied):
        services.invitation_respond(actor=committee.specialist, invitation=seat, response=Response.CONFIRMED)


def test_invitee_from_outside_is_refused(meeting, committee, member):
    with pytest.raises(ValidationError) as error:
        services.invitee_add(actor=committee.specialist, meeting=meeting, person=member)
    assert list(error.value.message_dict) == ["person"]


# --- Agenda and documents --------------------------------------------------------------------------


def test_items_are_added_moved_and_removed_in_order(meeting, committee):
    first = services.item_add(actor=committee.specialist, meeting=meeting, title="Báo cáo kinh tế - xã hội")
    second = services.item_add(
        actor=committee.specialist,
        meeting=meeting,
        title="Công tác cán bộ",
        secrecy=Secrecy.CONFIDENTIAL,
        invitees=committee.btv[:3],
    )
    third = services.item_add(actor=committee.specialist, meeting=meeting, title="Chương trình công tác năm")
    assert [first.order, second.order, third.order] == [1, 2, 3]
    services.item_move(actor=committee.specialist, item=third, up=True)
    assert list(meeting.items.values_list("title", flat=True)) == [
        "Báo cáo kinh tế - xã hội",
        "Chương trình công tác năm",
        "Công tác cán bộ",
    ]
    services.item_remove(actor=committee.specialist, item=first)
    assert list(meeting.items.values_list("order", flat=True)) == [1, 2]
    assert events(services.AuditAction.ITEM_ADDED) == 3
    assert events(services.AuditAction.ITEM_MOVED) == 1
    assert events(services.AuditAction.ITEM_REMOVED) == 1


def test_item_invitees_must_be_invited(meeting, committee):
    with pytest.raises(ValidationError) as error:
        services.item_add(
            actor=committee.specialist,
            meeting=meeting,
            title="Nhân sự",
            invitees=[committee.committee_members[0]],
        )
    assert list(error.value.message_dict) == ["invitees"]


def test_a_classified_item_carries_no_file(meeting, committee, media):
    item = services.item_add(
        actor=committee.specialist, meeting=meeting, title="Nhân sự", secrecy=Secrecy.CONFIDENTIAL
    )
    with pytest.raises(ValidationError) as error:
        services.document_add(actor=committee.specialist, item=item, upload=upload())
    assert error.value.error_dict["file"][0].code == "classified"
    assert not MeetingDocument.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_an_upload_must_be_a_pdf(meeting, committee, media):
    item = services.item_add(actor=committee.specialist, meeting=meeting, title="Báo cáo")
    with pytest.raises(ValidationError) as error:
        services.document_add(actor=committee.specialist, item=item, upload=upload(b"hello world", "a.txt"))
    assert error.value.error_dict["file"][0].code == "type"
    doc = services.document_add(actor=committee.specialist, item=item, upload=upload(pdf_bytes(2)))
    assert (doc.page_count, doc.title, doc.source) == (2, "bao-cao", "upload")
    assert events(services.AuditAction.DOCUMENT_ADDED) == 1


def test_a_registry_document_the_adder_may_not_see_is_refused(meeting, committee, tree):
    from vanphong.registry.models import DocumentType
    from vanphong.registry.services import incoming_register
    from vanphong.registry.tests.conftest import incoming_entry

    kind = DocumentType.objects.get(code="cong-van")
    other = incoming_register(**incoming_entry(tree, kind, organization=tree.other_province))
    secret = incoming_register(**incoming_entry(tree, kind, secrecy=Secrecy.CONFIDENTIAL))
    item = services.item_add(actor=committee.specialist, meeting=meeting, title="Báo cáo")
    for document, code in ((other, "not_shareable"), (secret, "too_secret")):
        with pytest.raises(ValidationError) as error:
            services.document_add(actor=committee.specialist, item=item, incoming=document)
        assert error.value.error_dict["incoming"][0].code == code
    mine = incoming_register(**incoming_entry(tree, kind))
    doc = services.document_add(actor=committee.specialist, item=item, incoming=mine)
    assert doc.source == "incoming" and "12-CV/BTCTU" in doc.title


# --- Reading ----------------------------------------------------------------------------------------


def _words(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [" ".join((page.extract_text() or "").split()) for page in document.pages]


def test_every_page_served_is_watermarked_and_every_open_audited(meeting, committee):
    services.meeting_update(actor=committee.specialist, meeting=meeting, preread_days=7)
    item = services.item_add(actor=committee.specialist, meeting=meeting, title="Báo cáo")
    doc = services.document_add(actor=committee.specialist, item=item, upload=upload(pdf_bytes(4)))
    reader = committee.standing[1]
    now = timezone.now()
    pdf, name = services.document_open(actor=reader, document=doc, at=now)
    pages = _words(pdf)
    assert len(pages) == 4
    stamp = services.watermark_lines(reader, now)[0]
    for n, text in enumerate(pages, start=1):
        assert reader.full_name in text
        assert " ".join(stamp.split()) in text
        assert f"trang {n}" in text
    assert name == "bao-cao.pdf"
    assert events(services.AuditAction.DOCUMENT_OPENED) == 1
    services.document_open(actor=reader, document=doc)
    assert events(services.AuditAction.DOCUMENT_OPENED) == 2


def test_downloads_off_means_view_only(meeting, committee):
    services.meeting_update(actor=committee.specialist, meeting=meeting, preread_days=7)
    item = services.item_add(actor=committee.specialist, meeting=meeting, title="Báo cáo")
    doc = services.document_add(actor=committee.specialist, item=item, upload=upload(pdf_bytes(1)))
    with pytest.raises(PermissionDenied):
        services.document_open(actor=committee.standing[0], document=doc, download=True)
    # Off for the office too, which prepares the meeting: it may only view.
    assert not selectors.may_download(committee.specialist, meeting)
    with pytest.raises(PermissionDenied):
        services.document_open(actor=committee.specialist, document=doc, download=True)
    services.meeting_update(actor=committee.specialist, meeting=meeting, downloads_allowed=True)
    services.document_open(actor=committee.standing[0], document=doc, download=True)
    assert events(services.AuditAction.DOCUMENT_OPENED) == 1


def test_prereads_open_days_before_and_close_as_set(meeting, committee):
    item = services.item_add(actor=committee.specialist, meeting=meeting, title="Báo cáo")
    doc = services.document_add(actor=committee.specialist, item=item, upload=upload(pdf_bytes(1)))
    reader = committee.standing[0]
    # The meeting is in 5 days; pre-reads open 3 days before.
    assert not selectors.may_read(reader, doc)
    assert selectors.may_read(committee.specialist, doc)  # the office prepares them
    services.meeting_update(actor=committee.specialist, meeting=meeting, preread_days=5)
    doc = MeetingDocument.objects.get(pk=doc.pk)
    assert selectors.may_read(reader, doc)
    services.meeting_update(
        actor=committee.specialist, meeting=meeting, access_after=AccessAfter.DAYS_AFTER, access_days=2
    )
    services.meeting_open(actor=committee.secretary, meeting=meeting)
    services.meeting_close(actor=committee.secretary, meeting=meeting)
    meeting.refresh_from_db()
    doc = MeetingDocument.objects.get(pk=doc.pk)
    assert selectors.may_read(reader, doc, at=meeting.closed_at + timezone.timedelta(days=1))
    assert not selectors.may_read(reader, doc, at=meeting.closed_at + timezone.timedelta(days=3))
    with pytest.raises(PermissionDenied):
        services.document_open(actor=reader, document=doc, at=meeting.closed_at + timezone.timedelta(days=3))


def test_a_closed_meeting_does_not_change(meeting, committee):
    services.meeting_open(actor=committee.secretary, meeting=meeting)
    services.meeting_close(actor=committee.secretary, meeting=meeting)
    with pytest.raises(ValidationError):
        services.item_add(actor=committee.specialist, meeting=meeting, title="Muộn")
    with pytest.raises(ValidationError):
        services.check_in(actor=committee.specialist, invitation=meeting.invitations.first())
    assert Invitation.objects.filter(present=True).count() == 0
