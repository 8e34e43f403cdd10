"""The demo's votes and written consultation, written through the voting services by
the office's specialist (`chuyenvien`, the meetings' secretary in the meetings demo):

- on the past BTV meeting (closed ten days ago, four of six members present), the
  secret ballot held there, recorded from the meeting's record: four in favour,
  carried (more than half of all six members: four);
- an open written consultation of the BTV on a draft working regulation, with its
  PDF, due in four days: two members have answered (one against, with an opinion),
  the others were reminded once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from vanphong.core.models import Organization, Person
from vanphong.core.printing import pdf_from_html
from vanphong.meetings import selectors as meeting_selectors
from vanphong.meetings.demo import PAST_TITLE
from vanphong.meetings.models import Meeting, MeetingKind, MeetingState
from vanphong.voting import services
from vanphong.voting.models import Consultation, Vote

VOTE_QUESTION = "Thông qua Báo cáo tiến độ chuẩn bị đại hội chi bộ trực thuộc nhiệm kỳ 2027 – 2030"
CONSULTATION_QUESTION = "Xin ý kiến về dự thảo Quy chế làm việc của Ban Thường vụ Thành ủy khóa mới"
REGULATION = [
    "Quy chế này quy định nguyên tắc, chế độ làm việc, trách nhiệm, quyền hạn và mối quan hệ công tác "
    "của Ban Thường vụ, Thường trực Thành ủy và các đồng chí Ủy viên Ban Thường vụ.",
    "Ban Thường vụ làm việc theo nguyên tắc tập trung dân chủ, tập thể lãnh đạo, cá nhân phụ trách; "
    "quyết định theo đa số.",
]


def _pdf(title: str, paragraphs: list[str]) -> ContentFile[bytes]:
    body = "".join(f"<p style='text-align: justify'>{p}</p>" for p in paragraphs)
    html = (
        "<!doctype html><meta charset='utf-8'><body style='font-family: \"Liberation Serif\"; "
        f"font-size: 14pt'><h1 style='font-size: 16pt; text-align: center'>{title}</h1>{body}</body>"
    )
    # Named by its title, as an office names the file it uploads: the title shown is the name's.
    return ContentFile(pdf_from_html(html), name=f"{title}.pdf")


def load_demo(*, city: Organization, out: Callable[[str], None]) -> dict[str, int]:
    office = Person.objects.filter(username="chuyenvien").first()
    kind = MeetingKind.objects.filter(code="btv").first()
    past = Meeting.objects.filter(organization=city, title=PAST_TITLE, state=MeetingState.CLOSED).first()
    if office is None or kind is None or past is None or not meeting_selectors.may_keep(office, city):
        return {}
    if Consultation.objects.filter(organization=city).exists() or Vote.objects.filter(meeting=past).exists():
        return _counts(city)
    with transaction.atomic():
        quorum = meeting_selectors.quorum(past)
        vote = services.vote_record_held(
            actor=office,
            meeting=past,
            question=VOTE_QUESTION,
            kind="secret",
            item=past.items.order_by("order").first(),
            votes_for=quorum.present,
            votes_against=0,
            votes_abstain=0,
        )
        consultation = services.consultation_create(
            actor=office,
            organization=city,
            kind=kind,
            question=CONSULTATION_QUESTION,
            text="Đề nghị các đồng chí Ủy viên Ban Thường vụ nghiên cứu dự thảo và cho ý kiến bằng văn bản.",
            deadline=timezone.make_aware(
                dt.datetime.combine(timezone.localdate() + dt.timedelta(days=4), dt.time(17))
            ),
            uploads=[_pdf("Dự thảo Quy chế làm việc của Ban Thường vụ Thành ủy", REGULATION)],
        )
        answers = {
            "phobithu": ("for", "Nhất trí với dự thảo."),
            "btv": ("against", "Đề nghị bổ sung quy định về chế độ thông tin, báo cáo giữa hai kỳ họp."),
        }
        for recipient in consultation.recipients.select_related("person"):
            answer = answers.get(recipient.person.username)
            if answer is not None:
                services.consultation_answer(
                    actor=recipient.person, consultation=consultation, choice=answer[0], opinion=answer[1]
                )
        services.consultation_remind(actor=office, consultation=consultation)
    out(
        f"Biểu quyết: 1 cuộc bỏ phiếu kín ở cuộc họp đã qua ({vote.votes_for}/{vote.members} tán thành, "
        f"{'thông qua' if vote.passed else 'không thông qua'}); 1 xin ý kiến bằng văn bản đang chờ trả lời "
        f"({consultation.recipients.filter(answered_at__isnull=False).count()}/"
        f"{consultation.recipients.count()} đã trả lời)."
    )
    return _counts(city)


def _counts(city: Organization) -> dict[str, int]:
    return {
        "votes": Vote.objects.filter(meeting__organization=city).count(),
        "consultations": Consultation.objects.filter(organization=city).count(),
    }
