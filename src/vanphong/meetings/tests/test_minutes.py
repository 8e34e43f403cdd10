"""The minutes (biên bản) and the concluding notice (thông báo kết luận) of a meeting:
built from a known record, printed in the Party's layout (DOCX and PDF), signed
through drafting, the notice's tasks handed to the follow-up board."""

# ruff: noqa: F401, F811  (fixtures imported from other apps, used as arguments)
from __future__ import annotations

import datetime as dt
import io

import docx
import pdfplumber
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from vanphong.core.models import AuditEvent, Secrecy
from vanphong.drafting import layout
from vanphong.drafting import services as drafting_services
from vanphong.drafting.models import DraftState
from vanphong.drafting.tests.conftest import PIN, authority, issue_credential, trusted
from vanphong.followup import selectors as followup_selectors
from vanphong.followup.models import FollowUpTask
from vanphong.meetings import minutes, selectors, services
from vanphong.meetings.models import ConclusionTask, Meeting, MeetingPapers, Response, SpeakerRequest
from vanphong.meetings.tests.conftest import Committee
from vanphong.registry.tests.conftest import terms
from vanphong.voting import services as voting_services
from vanphong.voting.models import VoteKind


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def later(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def held(meeting: Meeting, committee: Committee, tree, terms) -> Meeting:
    """The BTV meeting of six held: two items (the second Mật), the Deputy sends a
    committee member in her place, the last standing member declines ill; four
    members and the delegate checked in; a named vote on the first item (three for,
    one against; the delegate does not vote at a BTV meeting); on it a standing
    member, then the delegate, spoke from the speakers' queue."""
    office = committee.specialist
    first = services.item_add(
        actor=office,
        meeting=meeting,
        title="Dự thảo Báo cáo kết quả công tác xây dựng Đảng năm 2026",
        presenter=committee.deputy,
        preparing_unit=tree.office,
    )
    services.item_add(
        actor=office, meeting=meeting, title="Công tác cán bộ quý IV", secrecy=Secrecy.CONFIDENTIAL
    )
    services.invitations_send(actor=office, meeting=meeting)
    deputy_seat = meeting.invitations.get(person=committee.deputy)
    services.invitation_respond(
        actor=committee.deputy,
        invitation=deputy_seat,
        response=Response.DELEGATED,
        delegate=committee.committee_members[0],
    )
    absent_seat = meeting.invitations.get(person=committee.standing[3])
    services.invitation_respond(
        actor=committee.standing[3], invitation=absent_seat, response=Response.DECLINED, reason="ốm"
    )
    for person in [committee.secretary, *committee.standing[:3], committee.deputy]:
        services.check_in(actor=office, invitation=meeting.invitations.get(person=person))
    meeting = services.meeting_open(actor=committee.secretary, meeting=meeting)
    # On the first item (on the screen), a standing member speaks, then the delegate.
    member = services.speaker_register(actor=committee.standing[0], meeting=meeting)
    delegate = services.speaker_register(actor=committee.committee_members[0], meeting=meeting)
    services.speaker_give_floor(actor=committee.secretary, request=member)
    services.speaker_give_floor(actor=committee.secretary, request=delegate)
    services.speaker_done(actor=committee.secretary, request=delegate)
    vote = voting_services.vote_open(
        actor=committee.secretary,
        meeting=meeting,
        question="Thông qua dự thảo Báo cáo",
        kind=VoteKind.NAMED,
        item=first,
    )
    for person, choice in [
        (committee.secretary, "for"),
        (committee.standing[0], "for"),
        (committee.standing[1], "for"),
        (committee.standing[2], "against"),
    ]:
        voting_services.ballot_cast(actor=person, vote=vote, choice=choice)
    voting_services.vote_close(actor=committee.secretary, vote=vote)
    return services.meeting_close(actor=committee.secretary, meeting=meeting)


def texts_of_docx(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def text_of_pdf(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


# --- The record --------------------------------------------------------------------------------


def test_the_record_counts_attendance_and_reads_the_votes(held, committee):
    record = minutes.record_of(held)
    assert record.members == 6
    assert [p.full_name for p in record.members_present] == sorted(
        [p.full_name for p in [committee.secretary, *committee.standing[:3]]],
        key=lambda name: next(p.sort_key for p in committee.btv if p.full_name == name),
    )
    assert [(d.delegate, d.member) for d in record.delegations] == [
        (committee.committee_members[0], committee.deputy)
    ]
    absent = {a.person: a.reason for a in record.absent}
    assert absent == {committee.standing[3]: "ốm"}
    assert record.has_votes is True
    first, second = record.items
    assert first.item.presenter == committee.deputy
    (vote,) = first.votes
    assert (vote.votes_for, vote.votes_against, vote.votes_abstain) == (3, 1, 0)
    assert vote.passed is False  # 3 of 6 is not more than half of all members
    assert dict(vote.named)[committee.standing[2].full_name] == "against"
    assert second.votes == []


def test_the_minutes_are_a_draft_bb_written_from_the_record(held, committee):
    draft = services.minutes_prepare(actor=committee.specialist, meeting=held)
    assert draft.document_type.abbreviation == "BB"
    assert draft.organization == held.organization
    assert draft.signer == committee.secretary
    assert held.papers.minutes == draft
    body = draft.body_html
    assert "<strong>Có mặt:</strong> 4/6 đồng chí" in body
    # Opened and closed in the app on another day than scheduled: the scheduled times.
    day = timezone.localtime(held.starts_at)
    assert f"Vào lúc 08 giờ 00 phút, ngày {day:%d} tháng {day:%m} năm {day:%Y}, tại Phòng họp số 1" in body
    assert "Hội nghị kết thúc lúc 11 giờ 00 phút cùng ngày." in body
    assert (
        f"đồng chí {committee.committee_members[0].full_name} dự thay đồng chí {committee.deputy.full_name}"
        in body
    )
    assert f"đồng chí {committee.standing[3].full_name} (lý do: ốm)" in body
    assert "Dự thảo Báo cáo kết quả công tác xây dựng Đảng năm 2026" in body
    assert f"Đồng chí {committee.deputy.full_name} (Văn phòng Thành ủy) trình bày." in body
    assert "tán thành: 3; không tán thành: 1; không biểu quyết: 0" in body
    assert "không được thông qua (cần 4 phiếu tán thành, trên tổng số ủy viên)" in body
    # The classified item is not even named.
    assert "Công tác cán bộ" not in body
    assert "Nội dung mật" in body
    assert events(services.AuditAction.MINUTES_CREATED) == 1
    assert events(drafting_services.AuditAction.DRAFT_CREATED) == 1


def test_the_minutes_print_in_the_party_layout(held, committee):
    draft = services.minutes_prepare(actor=committee.specialist, meeting=held)
    words = texts_of_docx(layout.render_docx(draft))
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "THÀNH ỦY",
        "BIÊN BẢN",
        held.title,
        "I. THÀNH PHẦN",
        "CHỦ TRÌ",
    ):
        assert expected in words
    pdf = text_of_pdf(layout.render_pdf(draft).data)
    for expected in ("ĐẢNG CỘNG SẢN VIỆT NAM", "BIÊN BẢN", "II. NỘI DUNG", committee.secretary.full_name):
        assert expected in pdf
    # Signed by the chair and, beside them, the meeting's secretary (the office's specialist).
    assert (draft.cosigner, draft.cosigner_title) == (committee.specialist, "Thư ký hội nghị")
    for text in (words, pdf):
        assert "CHỦ TRÌ HỘI NGHỊ" in text and "THƯ KÝ HỘI NGHỊ" in text
        assert committee.specialist.full_name in text


def test_the_speakers_come_from_the_queue_in_order(held, committee):
    first = held.items.order_by("order").first()
    spoken = {
        request.person_id: f"{timezone.localtime(request.floor_at):%H:%M}"
        for request in SpeakerRequest.objects.filter(item=first)
    }
    member, delegate = committee.standing[0], committee.committee_members[0]
    record = minutes.record_of(held)
    assert [(s.person, s.on_behalf_of) for s in record.items[0].speeches] == [
        (member, None),
        (delegate, committee.deputy),
    ]
    assert record.items[1].speeches == []
    html = minutes.minutes_html(record)
    assert (
        f"<strong>Ý kiến phát biểu:</strong> đồng chí {member.full_name} ({spoken[member.pk]}), "
        f"đồng chí {delegate.full_name} "
        f"(dự thay đồng chí {committee.deputy.full_name}, {spoken[delegate.pk]})."
    ) in html
    assert html.count("Ý kiến phát biểu") == 1


def test_writing_again_makes_a_new_version_until_review(held, committee):
    draft = services.minutes_prepare(actor=committee.specialist, meeting=held)
    first = held.items.order_by("order").first()
    services.conclusion_write(actor=committee.specialist, item=first, text="Thống nhất thông qua.")
    again = services.minutes_prepare(actor=committee.specialist, meeting=held)
    assert again.pk == draft.pk and again.version == 2
    assert "Thống nhất thông qua." in again.body_html
    drafting_services.draft_submit(
        actor=committee.specialist, draft=again, reviewers=[committee.office_chief]
    )
    with pytest.raises(ValidationError) as refused:
        services.minutes_prepare(actor=committee.specialist, meeting=held)
    assert refused.value.code == "not_editable"
    assert events(services.AuditAction.MINUTES_REFILLED) == 1


# --- Who may ----------------------------------------------------------------------------------


def test_only_the_office_or_the_secretary_write_them(held, committee, outsider):
    first = held.items.order_by("order").first()
    for person in (committee.standing[0], committee.secretary, outsider):
        with pytest.raises(PermissionDenied):
            services.minutes_prepare(actor=person, meeting=held)
        with pytest.raises(PermissionDenied):
            services.conclusion_write(actor=person, item=first, text="…")
    assert not MeetingPapers.objects.filter(minutes__isnull=False).exists()


def test_a_meeting_not_held_has_no_minutes(meeting, committee):
    with pytest.raises(ValidationError) as refused:
        services.minutes_prepare(actor=committee.specialist, meeting=meeting)
    assert refused.value.code == "not_held"


def test_the_notice_needs_the_minutes(held, committee):
    with pytest.raises(ValidationError) as refused:
        services.notice_prepare(actor=committee.specialist, meeting=held)
    assert refused.value.code == "no_minutes"


# --- Conclusions and tasks ---------------------------------------------------------------------


def test_bad_tasks_are_refused_at_their_fields(held, committee, tree, outsider):
    first = held.items.order_by("order").first()
    with pytest.raises(ValidationError) as refused:
        services.conclusion_task_add(
            actor=committee.specialist,
            item=first,
            content=" ",
            lead_unit=tree.other_province,
            leader=committee.specialist,
            deadline=timezone.localdate(),
        )
    assert set(refused.value.message_dict) == {"content", "lead_unit", "leader", "deadline"}
    secret = held.items.get(secrecy=Secrecy.CONFIDENTIAL)
    with pytest.raises(ValidationError) as refused:
        services.conclusion_write(actor=committee.specialist, item=secret, text="…")
    assert refused.value.code == "classified"
    assert not ConclusionTask.objects.exists()


def test_the_notice_is_signed_and_its_tasks_reach_the_follow_up_board(
    held, committee, tree, issue_credential
):
    office = committee.specialist
    first = held.items.order_by("order").first()
    services.minutes_prepare(actor=office, meeting=held)
    services.conclusion_write(
        actor=office,
        item=first,
        text="Ban Thường vụ cơ bản thống nhất với dự thảo.\nVăn phòng tiếp thu ý kiến.",
    )
    services.conclusion_task_add(
        actor=office,
        item=first,
        content="Hoàn chỉnh dự thảo Báo cáo, trình Hội nghị Thành ủy",
        lead_unit=tree.office,
        co_units=[tree.bloc],
        leader=committee.deputy,
        deadline=later(30),
    )
    services.conclusion_task_add(
        actor=office,
        item=first,
        content="Tổng hợp ý kiến các đảng ủy trực thuộc",
        lead_unit=tree.bloc,
        leader=committee.secretary,
        deadline=later(45),
    )
    notice = services.notice_prepare(actor=office, meeting=held)
    assert notice.document_type.abbreviation == "TB"
    assert notice.signature_lines() == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"]
    assert set(notice.internal_recipients.all()) == {tree.office, tree.bloc}
    words = texts_of_docx(layout.render_docx(notice))
    assert "THÔNG BÁO" in words and "Hoàn chỉnh dự thảo Báo cáo, trình Hội nghị Thành ủy" in words
    assert "Tổng hợp ý kiến các đảng ủy trực thuộc" in words
    # Not yet signed: nothing to hand over.
    with pytest.raises(ValidationError) as refused:
        services.notice_hand_over(actor=office, meeting=held)
    assert refused.value.code == "not_signed"

    drafting_services.draft_submit(actor=office, draft=notice, reviewers=[committee.office_chief])
    drafting_services.draft_approve(actor=committee.office_chief, draft=notice)
    # In review and after: the conclusions stay as signed.
    with pytest.raises(ValidationError) as refused:
        services.conclusion_write(actor=office, item=first, text="Khác")
    assert refused.value.code == "notice_sent"
    signed = drafting_services.draft_sign(
        actor=committee.secretary, draft=notice, credential=issue_credential(committee.secretary), pin=PIN
    )
    assert signed.state == DraftState.SIGNED
    assert signed.outgoing.symbol.endswith("-TB/TU")
    assert "THÔNG BÁO" in text_of_pdf(signed.signed_pdf.read())

    conclusion = services.notice_hand_over(actor=office, meeting=held)
    assert conclusion.outgoing == signed.outgoing
    assert conclusion.kind == "TB"
    tasks = list(FollowUpTask.objects.filter(conclusion=conclusion).order_by("number"))
    assert [(t.number, t.lead_unit, t.leader, t.deadline) for t in tasks] == [
        (1, tree.office, committee.deputy, later(30)),
        (2, tree.bloc, committee.secretary, later(45)),
    ]
    assert list(tasks[0].co_units.all()) == [tree.bloc]
    assert list(ConclusionTask.objects.order_by("number").values_list("followup_task", flat=True)) == [
        t.pk for t in tasks
    ]
    board = followup_selectors.board(held.organization)
    assert board.total.total == 2
    assert {row.label for row in board.by_unit} == {tree.office.name, tree.bloc.name}
    assert events(services.AuditAction.NOTICE_HANDED_OVER) == 1
    with pytest.raises(ValidationError) as refused:
        services.notice_hand_over(actor=office, meeting=held)
    assert refused.value.code == "handed_over"
    assert FollowUpTask.objects.count() == 2
