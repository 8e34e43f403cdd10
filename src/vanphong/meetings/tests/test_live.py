"""The live meeting (issue 9, item 4): moving through the items (only the chair and
the meeting's secretary, only items they may see), the follow fragment (its 304 when
nothing changed, the placeholder for an item one may not see), the speakers' queue
(order, the floor, the record for the minutes, every write audited once) and the
private notes (nobody but the author reads them, on the page or through the queries)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from vanphong.core.models import AuditEvent, Secrecy
from vanphong.meetings import selectors, services
from vanphong.meetings.models import MeetingDocument, PrivateNote, SpeakerRequest, SpeakerState
from vanphong.meetings.tests.conftest import pdf_bytes, upload

LIVE = services.LiveAuditAction


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


@pytest.fixture
def running(meeting, committee):
    """Three items (open with a PDF; Mật; open for the Secretary and the Deputy only),
    the invitations sent, the meeting opened by its chair (the Secretary)."""
    first = services.item_add(
        actor=committee.specialist, meeting=meeting, title="Báo cáo kinh tế - xã hội năm 2026"
    )
    services.document_add(actor=committee.specialist, item=first, upload=upload(pdf_bytes(1)))
    services.item_add(
        actor=committee.specialist, meeting=meeting, title="Quy hoạch cán bộ", secrecy=Secrecy.CONFIDENTIAL
    )
    services.item_add(
        actor=committee.specialist,
        meeting=meeting,
        title="Kỷ luật đảng viên vi phạm",
        invitees=[committee.secretary, committee.deputy],
    )
    services.invitations_send(actor=committee.specialist, meeting=meeting)
    services.meeting_open(actor=committee.secretary, meeting=meeting)
    meeting.refresh_from_db()
    return meeting


def items(meeting):
    return list(meeting.items.order_by("order"))


# --- Moving through the items -----------------------------------------------------------------


def test_opening_starts_at_the_first_item_and_next_previous_move(running, committee):
    first, second, third = items(running)
    assert running.current_item == first
    services.live_next(actor=committee.secretary, meeting=running)
    running.refresh_from_db()
    assert running.current_item == second
    # The meeting's secretary (the office's specialist) may move too.
    services.live_next(actor=committee.specialist, meeting=running)
    running.refresh_from_db()
    assert running.current_item == third
    with pytest.raises(ValidationError) as error:
        services.live_next(actor=committee.secretary, meeting=running)
    assert error.value.code == "end"
    services.live_previous(actor=committee.secretary, meeting=running)
    services.live_show_item(actor=committee.secretary, meeting=running, item=first)
    running.refresh_from_db()
    assert running.current_item == first
    with pytest.raises(ValidationError):
        services.live_previous(actor=committee.secretary, meeting=running)
    assert events(LIVE.ITEM_SHOWN) == 4
    assert AuditEvent.objects.filter(action=LIVE.ITEM_SHOWN).order_by("pk").last().after == {
        "item": first.pk,
        "order": first.order,
    }


def test_only_the_chair_and_the_meetings_secretary_move(running, committee):
    for person in (committee.deputy, committee.standing[0], committee.office_chief):
        with pytest.raises(PermissionDenied):
            services.live_next(actor=person, meeting=running)
    running.refresh_from_db()
    assert running.current_item == items(running)[0]
    assert events(LIVE.ITEM_SHOWN) == 0


def test_the_chair_moves_only_through_items_they_may_see(running, committee):
    """A chair cleared for nothing skips the Mật item and may not put it on the screen."""
    _first, secret, third = items(running)
    running.chair = committee.standing[3]  # cleared for nothing
    running.save(update_fields=["chair"])
    services.live_next(actor=committee.standing[3], meeting=running)
    running.refresh_from_db()
    assert running.current_item == third
    with pytest.raises(ValidationError) as error:
        services.live_show_item(actor=committee.standing[3], meeting=running, item=secret)
    assert "item" in error.value.message_dict


def test_no_move_outside_a_meeting_in_progress(running, committee):
    services.meeting_close(actor=committee.secretary, meeting=running)
    running.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.live_next(actor=committee.secretary, meeting=running)
    assert error.value.code == "state"


# --- The speakers' queue ----------------------------------------------------------------------


def test_the_queue_keeps_its_order_and_the_floor_passes(running, committee):
    chair = committee.secretary
    a, b, c = committee.standing[0], committee.standing[1], committee.deputy
    ra = services.speaker_register(actor=a, meeting=running)
    rb = services.speaker_register(actor=b, meeting=running)
    rc = services.speaker_register(actor=c, meeting=running)
    screen = selectors.live_screen(chair, running)
    assert [r.person for r in screen.queue] == [a, b, c]
    # Twice on the same item: refused, nothing written.
    with pytest.raises(ValidationError) as error:
        services.speaker_register(actor=a, meeting=running)
    assert error.value.code == "twice"
    # Only the chair (or the meeting's secretary) gives the floor.
    with pytest.raises(PermissionDenied):
        services.speaker_give_floor(actor=a, request=ra)
    services.speaker_withdraw(actor=b, request=rb)
    with pytest.raises(PermissionDenied):
        services.speaker_withdraw(actor=a, request=rc)
    services.speaker_give_floor(actor=chair, request=ra)
    screen = selectors.live_screen(a, running)
    assert screen.mine.state == SpeakerState.SPEAKING
    assert [r.person for r in screen.queue] == [a, c]
    # Giving the floor to the next finishes who had it.
    services.speaker_give_floor(actor=committee.specialist, request=rc)
    ra.refresh_from_db()
    rc.refresh_from_db()
    assert (ra.state, rc.state) == (SpeakerState.DONE, SpeakerState.SPEAKING)
    assert ra.done_at == rc.floor_at
    services.speaker_done(actor=chair, request=rc)
    with pytest.raises(ValidationError):
        services.speaker_done(actor=chair, request=rc)
    with pytest.raises(ValidationError):
        services.speaker_withdraw(actor=a, request=ra)
    # Having spoken, one may ask again on the same item.
    services.speaker_register(actor=a, meeting=running)
    assert events(LIVE.SPEAKER_REGISTERED) == 4
    assert events(LIVE.SPEAKER_WITHDRAWN) == 1
    assert events(LIVE.SPEAKER_GIVEN_FLOOR) == 2
    assert events(LIVE.SPEAKER_DONE) == 1
    assert running.live.version == 8  # one step per write


def test_the_database_keeps_one_on_the_floor_and_one_open_request(running, committee):
    a, b = committee.standing[0], committee.standing[1]
    item = running.current_item
    seat_a = selectors.seat_of(a, running)
    seat_b = selectors.seat_of(b, running)
    SpeakerRequest.objects.create(meeting=running, item=item, person=a, invitation=seat_a, state="speaking")
    with pytest.raises(IntegrityError), transaction.atomic():
        SpeakerRequest.objects.create(
            meeting=running, item=item, person=b, invitation=seat_b, state="speaking"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        SpeakerRequest.objects.create(meeting=running, item=item, person=a, invitation=seat_a)


def test_who_may_not_see_the_item_or_is_not_seated_may_not_ask(running, committee, outsider):
    services.live_next(actor=committee.secretary, meeting=running)  # the Mật item
    with pytest.raises(ValidationError):
        services.speaker_register(actor=committee.standing[3], meeting=running)  # not cleared
    with pytest.raises(PermissionDenied):
        services.speaker_register(actor=outsider, meeting=running)
    assert not SpeakerRequest.objects.exists()


def test_speakers_of_gives_the_minutes_who_spoke_on_what_and_when(running, committee):
    chair = committee.secretary
    first, second, _third = items(running)
    r1 = services.speaker_register(actor=committee.standing[1], meeting=running)
    r2 = services.speaker_register(actor=committee.standing[0], meeting=running)
    services.speaker_register(actor=committee.deputy, meeting=running)  # never given the floor
    services.speaker_give_floor(actor=chair, request=r2)
    services.speaker_give_floor(actor=chair, request=r1)
    services.speaker_done(actor=chair, request=r1)
    services.live_next(actor=chair, meeting=running)
    r3 = services.speaker_register(actor=committee.deputy, meeting=running)
    services.speaker_give_floor(actor=chair, request=r3)
    record = selectors.speakers_of(running)
    assert [entry.item for entry in record] == [first, second]
    assert [s.person for s in record[0].speakers] == [committee.standing[0], committee.standing[1]]
    assert [s.person for s in record[1].speakers] == [committee.deputy]
    spoke = record[0].speakers[0]
    assert spoke.started_at <= spoke.ended_at
    assert record[0].speakers[1].ended_at is not None
    assert record[1].speakers[0].ended_at is None  # still speaking
    assert all(s.on_behalf_of is None for entry in record for s in entry.speakers)


# --- Private notes ----------------------------------------------------------------------------


def test_a_note_is_its_authors_alone(running, committee):
    first = items(running)[0]
    document = MeetingDocument.objects.get(item=first)
    author, other = committee.standing[0], committee.standing[1]
    services.note_save(actor=author, item=first, text="Hỏi lại số liệu thu ngân sách")
    services.note_save(actor=author, item=first, document=document, text="Trang 1: số liệu quý III")
    services.note_save(actor=author, item=first, text="Hỏi lại số liệu thu ngân sách quý IV")
    assert PrivateNote.objects.filter(author=author).count() == 2
    assert selectors.note_of(author, first).text == "Hỏi lại số liệu thu ngân sách quý IV"
    assert selectors.note_of(author, first, document).text == "Trang 1: số liệu quý III"
    # Everyone else, the office and the chair included, reads nothing of it.
    for person in (other, committee.secretary, committee.specialist, committee.office_chief):
        assert selectors.note_of(person, first) is None
        assert not selectors.notes_of(person).exists()
    # Someone else's save writes their own row, never the author's.
    services.note_save(actor=other, item=first, text="Ghi chú của tôi")
    assert selectors.note_of(author, first).text == "Hỏi lại số liệu thu ngân sách quý IV"
    # Notes are not in the audit trail.
    assert not AuditEvent.objects.filter(action__contains="note").exists()


def test_a_note_on_an_item_one_may_not_see_is_refused(running, committee):
    _first, secret, third = items(running)
    with pytest.raises(PermissionDenied):
        services.note_save(actor=committee.standing[3], item=secret, text="x")
    with pytest.raises(PermissionDenied):
        services.note_save(actor=committee.standing[0], item=third, text="x")
    with pytest.raises(ValidationError) as error:
        services.note_save(actor=committee.standing[0], item=_first, text="x" * 20_001)
    assert "text" in error.value.message_dict
    assert not PrivateNote.objects.exists()


# --- Pages ------------------------------------------------------------------------------------


def follow(client, meeting, etag=None):
    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    return client.get(reverse("meetings_live_follow", args=[meeting.pk]), **headers)


def test_the_follow_fragment_answers_304_until_something_changes(client, running, committee):
    member = committee.standing[0]
    client.force_login(member)
    response = follow(client, running)
    assert response.status_code == 200
    etag = response["ETag"]
    assert "Báo cáo kinh tế - xã hội năm 2026" in response.content.decode()
    assert "If-None-Match" in response.content.decode()
    unchanged = follow(client, running, etag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    # The chair moves on: the next poll gets the new item.
    services.live_next(actor=committee.secretary, meeting=running)
    moved = follow(client, running, etag)
    assert moved.status_code == 200
    assert moved["ETag"] != etag
    assert "Quy hoạch cán bộ" in moved.content.decode()
    # Someone asks to speak: the queue changed, so does the ETag.
    etag = moved["ETag"]
    services.speaker_register(actor=committee.standing[1], meeting=running)
    again = follow(client, running, etag)
    assert again.status_code == 200
    assert committee.standing[1].full_name in again.content.decode()
    # Another person's ETag is not this one's.
    client.force_login(committee.standing[1])
    assert follow(client, running, again["ETag"]).status_code == 200


def test_a_member_not_cleared_sees_the_placeholder_without_the_title(client, running, committee):
    services.live_next(actor=committee.secretary, meeting=running)  # the Mật item
    client.force_login(committee.standing[3])
    page = follow(client, running).content.decode()
    assert "Quy hoạch cán bộ" not in page
    assert 'data-item="closed"' in page
    assert 'id="live-register"' not in page
    services.live_next(actor=committee.secretary, meeting=running)  # for two people only
    for person in (committee.standing[0], committee.standing[3]):
        client.force_login(person)
        page = follow(client, running).content.decode()
        assert "Kỷ luật đảng viên" not in page
        assert 'data-item="closed"' in page
    client.force_login(committee.deputy)
    assert "Kỷ luật đảng viên" in follow(client, running).content.decode()


def test_an_outsider_gets_404_and_a_member_may_not_move(client, running, committee, outsider):
    client.force_login(outsider)
    assert client.get(reverse("meetings_live", args=[running.pk])).status_code == 404
    assert follow(client, running).status_code == 404
    client.force_login(committee.standing[0])
    url = reverse("meetings_live_move", args=[running.pk])
    assert client.post(url, {"action": "next"}).status_code == 403
    page = client.get(reverse("meetings_live", args=[running.pk])).content.decode()
    assert 'id="live-next"' not in page


def test_the_chair_moves_and_runs_the_queue_through_the_pages(client, running, committee):
    member = committee.standing[0]
    client.force_login(member)
    response = client.post(
        reverse("meetings_live_speak", args=[running.pk]), {"action": "register"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'id="live-withdraw"' in response.content.decode()
    request = SpeakerRequest.objects.get()
    client.force_login(committee.secretary)
    response = client.post(reverse("meetings_live_floor", args=[request.pk]), {"action": "floor"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == SpeakerState.SPEAKING
    response = client.post(
        reverse("meetings_live_move", args=[running.pk]), {"action": "next"}, HTTP_HX_REQUEST="true"
    )
    assert "Quy hoạch cán bộ" in response.content.decode()
    # A refusal is shown in the fragment, nothing changes.
    response = client.post(
        reverse("meetings_live_move", args=[running.pk]),
        {"action": "go", "item": 999999},
        HTTP_HX_REQUEST="true",
    )
    assert 'role="alert"' in response.content.decode()
    running.refresh_from_db()
    assert running.current_item == items(running)[1]


def test_notes_on_the_page_are_the_authors_only(client, running, committee):
    first = items(running)[0]
    document = MeetingDocument.objects.get(item=first)
    author = committee.standing[0]
    client.force_login(author)
    url = reverse("meetings_live_note", args=[first.pk])
    response = client.post(url, {"text": "Ghi chú riêng về kinh tế"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    client.post(url, {"text": "Ghi chú riêng về tài liệu", "document": document.pk})
    page = client.get(reverse("meetings_live", args=[running.pk])).content.decode()
    assert "Ghi chú riêng về kinh tế" in page and "Ghi chú riêng về tài liệu" in page
    for person in (committee.standing[1], committee.secretary, committee.specialist, committee.office_chief):
        client.force_login(person)
        page = client.get(reverse("meetings_live", args=[running.pk])).content.decode()
        assert "Ghi chú riêng" not in page
    assert PrivateNote.objects.filter(author=author).count() == 2
    # An item one may not see: 404, nothing written.
    client.force_login(committee.standing[3])
    secret = items(running)[1]
    assert client.post(reverse("meetings_live_note", args=[secret.pk]), {"text": "x"}).status_code == 404
    assert PrivateNote.objects.count() == 2


def test_the_live_screen_shows_an_item_exactly_to_whom_items_visible_to_does(running, committee, outsider):
    people = [*committee.btv, committee.specialist, committee.office_chief, *committee.committee_members]
    for item in items(running):
        running.current_item = item
        running.save(update_fields=["current_item"])
        for person in people:
            expected = selectors.items_visible_to(person, running).filter(pk=item.pk).exists()
            shown = selectors.live_meeting(person, running.pk)
            seen = shown is not None and selectors.live_screen(person, shown).item == item
            assert seen == expected, (person.full_name, item.title)
            # Without the seat read ahead, the same.
            assert (selectors.live_screen(person, running).item == item) == expected
    assert selectors.live_meeting(outsider, running.pk) is None


def test_the_current_items_documents_are_linked_when_the_reader_may_open_them(client, running, committee):
    first, classified, _ = items(running)
    document = MeetingDocument.objects.get(item=first)
    link = reverse("meetings_document", args=[document.pk])
    member = committee.standing[0]
    client.force_login(member)
    # The meeting is days away and its pre-reads open 3 days before: not yet for a member.
    assert not selectors.may_read(member, document)
    assert link not in follow(client, running).content.decode()
    # The office, which prepares them, may read them already.
    client.force_login(committee.specialist)
    assert link in follow(client, running).content.decode()
    services.meeting_update(actor=committee.specialist, meeting=running, preread_days=7)
    running.refresh_from_db()
    client.force_login(member)
    page = follow(client, running).content.decode()
    assert 'id="live-documents"' in page and link in page
    assert client.get(link).status_code == 200  # the stamped inline viewer
    # A classified item's file (one that reached it) is never linked, even to the cleared.
    smuggled = MeetingDocument.objects.create(
        item=classified,
        title="Danh sách",
        source="upload",
        file=document.file.name,
        content_type="application/pdf",
    )
    services.live_next(actor=committee.secretary, meeting=running)
    for person in (member, committee.secretary, committee.specialist):
        client.force_login(person)
        page = follow(client, running).content.decode()
        assert "Quy hoạch cán bộ" in page
        assert reverse("meetings_document", args=[smuggled.pk]) not in page
        assert 'id="live-documents"' not in page
