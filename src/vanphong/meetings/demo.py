"""The demo's meetings of the city's Ban Thường vụ, written through the meetings'
services by the office's specialist (`chuyenvien`, the meetings' secretary):

- a past meeting (ten days ago): agenda, a pre-read, the invitation sent, the answers
  (one declined with a reason, one sending a committee member as delegate), the
  attendance checked in, opened and closed;
- an upcoming one (in three days): three items, one classified (Mật: its title for
  the cleared only, no file) and one for the Standing members only; pre-reads open
  five days before (so open now), view only; the invitation sent, a few answers in.

Both are in the weekly schedule (the meetings' service writes their events).

The past meeting's paperwork (issue 9, item 9): its minutes (biên bản) drawn up from
the record, reviewed by the Chief of Office and signed by the chair; the conclusion on
its open item with three tasks; the concluding notice drawn up from them, reviewed,
signed (numbered TB) and its tasks handed to the follow-up board. The votes (the
voting app's demo) are loaded first so that the minutes report them. All of it only
where the chair has a DEMO certificate to sign with (the signatures' demo)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from vanphong.core.models import Organization, Person, Secrecy
from vanphong.core.printing import pdf_from_html
from vanphong.drafting import services as drafting_services
from vanphong.drafting.models import Draft
from vanphong.meetings import selectors, services
from vanphong.meetings.models import AccessAfter, Meeting, MeetingKind, MeetingPapers, MeetingState, Response
from vanphong.signatures.demo import DEMO_PIN
from vanphong.signatures.models import SigningCredential

DEMO_LOGINS = {"bithu", "phobithu", "btv", "capuy"}
PAST_TITLE = "Hội nghị Ban Thường vụ Thành ủy cho ý kiến về công tác chuẩn bị Đại hội chi bộ"
UPCOMING_TITLE = "Hội nghị Ban Thường vụ Thành ủy nghe báo cáo tình hình kinh tế – xã hội năm 2026"


def _pdf(title: str, paragraphs: list[str], pages: int) -> ContentFile[bytes]:
    """A plain pre-read of `pages` pages, as a preparing unit would send it."""
    body = "".join(
        "<section style='page-break-after: always; font-family: \"Liberation Serif\"; font-size: 14pt'>"
        f"<h1 style='font-size: 16pt; text-align: center'>{title}</h1>"
        + "".join(f"<p style='text-align: justify'>{p}</p>" for p in paragraphs)
        + f"<p style='text-align: right'>Trang {n + 1}/{pages}</p></section>"
        for n in range(pages)
    )
    data = pdf_from_html(f"<!doctype html><meta charset='utf-8'><body>{body}</body>")
    return ContentFile(data, name="tai-lieu.pdf")


REPORT = [
    "Năm 2026, dưới sự lãnh đạo của Ban Chấp hành Đảng bộ thành phố, tình hình kinh tế – xã hội "
    "tiếp tục chuyển biến tích cực; tốc độ tăng trưởng kinh tế ước đạt 8,2 %, thu ngân sách vượt dự toán.",
    "Các lĩnh vực văn hóa – xã hội có nhiều tiến bộ; an sinh xã hội được bảo đảm; quốc phòng, an ninh "
    "được giữ vững. Bên cạnh đó còn một số hạn chế cần tập trung khắc phục trong năm 2027.",
]
PROGRAM = [
    "Chương trình kiểm tra, giám sát năm 2027 của Ban Thường vụ Thành ủy tập trung vào việc thực hiện "
    "nghị quyết đại hội đảng bộ các cấp, công tác cán bộ và phòng, chống tham nhũng, lãng phí.",
]
PREPARATION = [
    "Đến nay 100 % chi bộ trực thuộc đã xây dựng kế hoạch tổ chức đại hội; văn kiện và phương án nhân sự "
    "được chuẩn bị theo đúng hướng dẫn của cấp trên.",
]


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _unit(city: Organization, name: str) -> Organization | None:
    return Organization.objects.filter(path__startswith=city.path, depth=city.depth + 1, name=name).first()


def load_demo(*, city: Organization, out: Callable[[str], None]) -> dict[str, int]:
    office = Person.objects.filter(username="chuyenvien").first()
    chair = Person.objects.filter(username="bithu").first()
    kind = MeetingKind.objects.filter(code="btv").first()
    if office is None or chair is None or kind is None or not selectors.may_keep(office, city):
        return {}
    if not Meeting.objects.filter(organization=city).exists():
        with transaction.atomic():
            past = _past(city, office, chair, kind)
            upcoming = _upcoming(city, office, chair, kind)
        q = selectors.quorum(past)
        out(
            "Phòng họp không giấy: 2 cuộc họp Ban Thường vụ "
            f"(đã họp: {q.present}/{q.members} ủy viên có mặt; "
            f"sắp họp: {upcoming.items.count()} nội dung, tài liệu đã mở)."
        )
    past_meeting = Meeting.objects.filter(
        organization=city, title=PAST_TITLE, state=MeetingState.CLOSED
    ).first()
    counts = {"meetings": Meeting.objects.filter(organization=city).count()}
    # The paperwork is shown signed: it is written only where the chair can sign (the
    # signatures' demo gives the demo's signers a DEMO certificate).
    credential = SigningCredential.objects.filter(person=chair).order_by("pk").first()
    if (
        past_meeting is not None
        and credential is not None
        and not MeetingPapers.objects.filter(meeting=past_meeting).exists()
    ):
        if apps.is_installed("vanphong.voting"):
            # The minutes report the votes: the voting demo (which writes only what is
            # missing) comes first.
            from vanphong.voting import demo as voting_demo

            voting_demo.load_demo(city=city, out=out)
        paperwork(past_meeting, office=office, chair=chair, out=out)
    papers = MeetingPapers.objects.filter(meeting__organization=city).count()
    return {**counts, "meeting_papers": papers} if papers else counts


def _past(city: Organization, office: Person, chair: Person, kind: MeetingKind) -> Meeting:
    meeting = services.meeting_create(
        actor=office,
        organization=city,
        kind=kind,
        title=PAST_TITLE,
        # Held yesterday: its minutes and concluding notice, signed as the demo loads
        # (a signature's time is the real one), are dated the day after, as offices do.
        starts_at=_at(-1, 8),
        ends_at=_at(-1, 11),
        place="Phòng họp Ban Thường vụ",
        chair=chair,
        secretary=office,
        preread_days=3,
        access_after=AccessAfter.DAYS_AFTER,
        access_days=30,
        confirm_double_booking=True,
    )
    first = services.item_add(
        actor=office,
        meeting=meeting,
        title="Báo cáo tiến độ chuẩn bị đại hội chi bộ trực thuộc nhiệm kỳ 2027 – 2030",
        presenter=Person.objects.filter(username="btv").first(),
        preparing_unit=_unit(city, "Ban Tổ chức Thành ủy"),
        planned_start=dt.time(8, 0),
        duration_minutes=60,
    )
    title = "Báo cáo tiến độ chuẩn bị đại hội chi bộ"
    services.document_add(actor=office, item=first, title=title, upload=_pdf(title, PREPARATION, 2))
    services.item_add(
        actor=office,
        meeting=meeting,
        title="Cho ý kiến về phương án nhân sự cấp ủy khóa mới",
        secrecy=Secrecy.CONFIDENTIAL,
        planned_start=dt.time(9, 0),
        duration_minutes=90,
    )
    services.invitations_send(actor=office, meeting=meeting)
    seats = list(meeting.invitations.select_related("person"))
    # Two members who are not demo sign-ins: one declines, one sends a committee member.
    others = [seat for seat in seats if seat.person.username not in DEMO_LOGINS]
    declining = others[-1] if others else None
    delegating = others[-2] if len(others) > 1 else None
    delegate = Person.objects.filter(username="capuy").first()
    for seat in seats:
        if seat is declining:
            services.invitation_respond(
                actor=seat.person,
                invitation=seat,
                response=Response.DECLINED,
                reason="Đi công tác Trung ương",
            )
        elif seat is delegating and delegate is not None:
            services.invitation_respond(
                actor=seat.person, invitation=seat, response=Response.DELEGATED, delegate=delegate
            )
        else:
            services.invitation_respond(actor=seat.person, invitation=seat, response=Response.CONFIRMED)
    for seat in meeting.invitations.exclude(response=Response.DECLINED):
        services.check_in(actor=office, invitation=seat)
    services.meeting_open(actor=chair, meeting=meeting)
    services.meeting_close(actor=chair, meeting=meeting)
    return meeting


def _upcoming(city: Organization, office: Person, chair: Person, kind: MeetingKind) -> Meeting:
    meeting = services.meeting_create(
        actor=office,
        organization=city,
        kind=kind,
        title=UPCOMING_TITLE,
        starts_at=_at(3, 8),
        ends_at=_at(3, 11),
        place="Phòng họp Ban Thường vụ",
        chair=chair,
        secretary=office,
        preread_days=5,
        downloads_allowed=False,
        access_after=AccessAfter.AT_CLOSE,
        confirm_double_booking=True,
    )
    report = services.item_add(
        actor=office,
        meeting=meeting,
        title="Báo cáo tình hình kinh tế – xã hội năm 2026, phương hướng nhiệm vụ năm 2027",
        presenter=Person.objects.filter(username="phobithu").first(),
        preparing_unit=_unit(city, "Văn phòng Thành ủy"),
        planned_start=dt.time(8, 0),
        duration_minutes=75,
    )
    title = "Báo cáo tình hình kinh tế – xã hội năm 2026"
    services.document_add(actor=office, item=report, title=title, upload=_pdf(title, REPORT, 4))
    draft = Draft.objects.filter(organization=city, secrecy=Secrecy.NONE).order_by("-created_at").first()
    if draft is not None:
        services.document_add(actor=office, item=report, draft=draft)
    services.item_add(
        actor=office,
        meeting=meeting,
        title="Xem xét, quyết định kỷ luật đảng viên vi phạm",
        secrecy=Secrecy.CONFIDENTIAL,
        planned_start=dt.time(9, 15),
        duration_minutes=45,
    )
    standing = [
        p for p in meeting.invitations.select_related("person") if p.person.username in ("bithu", "phobithu")
    ]
    program = services.item_add(
        actor=office,
        meeting=meeting,
        title="Dự thảo Chương trình kiểm tra, giám sát năm 2027",
        preparing_unit=_unit(city, "Ủy ban Kiểm tra Thành ủy"),
        planned_start=dt.time(10, 0),
        duration_minutes=45,
        invitees=[seat.person for seat in standing] or None,
    )
    title = "Dự thảo Chương trình kiểm tra, giám sát năm 2027"
    services.document_add(actor=office, item=program, title=title, upload=_pdf(title, PROGRAM, 3))
    services.invitations_send(actor=office, meeting=meeting)
    for seat in meeting.invitations.select_related("person")[:3]:
        services.invitation_respond(actor=seat.person, invitation=seat, response=Response.CONFIRMED)
    return meeting


# The conclusion on the past meeting's open item and its tasks: (task, lead unit,
# co-operating units, leader's login, days from today to the deadline).
CONCLUSION = (
    "Ban Thường vụ Thành ủy đánh giá cao sự chuẩn bị của các chi bộ trực thuộc; cơ bản thống nhất với "
    "báo cáo tiến độ.\nYêu cầu các chi bộ chưa hoàn thành dự thảo văn kiện khẩn trương hoàn thiện, bảo "
    "đảm đại hội đúng tiến độ, đúng quy định."
)
TASKS = [
    (
        "Hướng dẫn, kiểm tra các chi bộ hoàn thiện dự thảo văn kiện và phương án nhân sự đại hội",
        "Ban Tổ chức Thành ủy",
        ["Ủy ban Kiểm tra Thành ủy"],
        "btv",
        20,
    ),
    (
        "Tổng hợp tiến độ đại hội các chi bộ, báo cáo Thường trực Thành ủy hằng tuần",
        "Văn phòng Thành ủy",
        [],
        "phobithu",
        45,
    ),
    (
        "Chuẩn bị nội dung để Ban Thường vụ chỉ đạo điểm đại hội chi bộ",
        "Ban Tổ chức Thành ủy",
        ["Văn phòng Thành ủy"],
        "bithu",
        60,
    ),
]


def _through_drafting(draft: Draft, *, drafter: Person, chief: Person | None) -> Draft:
    """Reviewed by the Chief of Office, then signed by its signer (the chair) with
    the DEMO certificate, as on drafting's pages."""
    drafting_services.draft_submit(actor=drafter, draft=draft, reviewers=[chief] if chief else [])
    if chief is not None:
        draft = drafting_services.draft_approve(actor=chief, draft=draft, comment="Đồng ý, kính trình ký.")
    assert draft.signer is not None
    credential = SigningCredential.objects.filter(person=draft.signer).order_by("pk").first()
    assert credential is not None
    return drafting_services.draft_sign(actor=draft.signer, draft=draft, credential=credential, pin=DEMO_PIN)


def paperwork(meeting: Meeting, *, office: Person, chair: Person, out: Callable[[str], None]) -> None:
    """The past meeting's minutes and concluding notice, through the same services and
    the drafting workflow; the notice's tasks handed to the follow-up board."""
    city = meeting.organization
    chief = Person.objects.filter(username="chanhvp", is_active=True).first()
    first = meeting.items.filter(secrecy=Secrecy.NONE).order_by("order").first()
    if first is not None:
        services.conclusion_write(actor=office, item=first, text=CONCLUSION)
        today = timezone.localdate()
        for content, lead, co, leader_login, days in TASKS:
            lead_unit = _unit(city, lead)
            leader = Person.objects.filter(username=leader_login).first()
            if lead_unit is None or leader is None:
                continue
            services.conclusion_task_add(
                actor=office,
                item=first,
                content=content,
                lead_unit=lead_unit,
                co_units=[unit for name in co if (unit := _unit(city, name)) is not None],
                leader=leader,
                deadline=today + dt.timedelta(days=days),
            )
    minutes = _through_drafting(
        services.minutes_prepare(actor=office, meeting=meeting), drafter=office, chief=chief
    )
    notice = _through_drafting(
        services.notice_prepare(actor=office, meeting=meeting), drafter=office, chief=chief
    )
    conclusion = services.notice_hand_over(actor=office, meeting=meeting)
    out(
        f"Biên bản {minutes} và thông báo kết luận {notice}: "
        f"{conclusion.tasks.count()} nhiệm vụ trên bảng theo dõi."
    )
