"""The content of a meeting's minutes (biên bản) and concluding notice (thông báo
kết luận), built from the meeting's record and written as the body of a drafting
Draft (the drafting app prints the Party's header, type name, signature and
recipients around it, 36-HD/VPTW; DOMAIN.md §3).

The minutes say: when and where, who chaired and who kept the minutes, who attended
(the body's members present, the delegates and whom they sat for, the absent with
their reasons, the others invited), the quorum, then each item in order with its
presenter and preparing unit, who spoke on it and when (the speakers' queue of the
live meeting: `selectors.speakers_of`; nothing is said when nobody used it, as when
the meeting ran on paper), each vote's result (from the voting app, when installed:
`voting.selectors.results_for_meeting`) and the
conclusion written for it. The notice gives the conclusions per item and the tasks
with their lead unit, leader and deadline.

The words of the document are Vietnamese whatever the interface language: they are
the document's text, which the drafter then edits (as the renderer's fixed words,
they are deliberately not msgids)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Any

from django.apps import apps
from django.utils import timezone

from vanphong.core.models import Person
from vanphong.meetings import selectors
from vanphong.meetings.models import (
    AgendaItem,
    ConclusionTask,
    InvitedBody,
    ItemConclusion,
    Meeting,
    Response,
)

# The body a kind's meeting speaks for, as printed ("Ban Thường vụ Thành ủy …").
BODY_NAMES: dict[str, str] = {
    InvitedBody.STANDING_COMMITTEE: "Ban Thường vụ",
    InvitedBody.EXECUTIVE_COMMITTEE: "Ban Chấp hành",
    InvitedBody.STANDING_MEMBERS: "Thường trực",
}
# How the minutes name a vote's kind and its choices.
VOTE_KINDS = {"open": "biểu quyết công khai", "named": "biểu quyết ghi danh", "secret": "bỏ phiếu kín"}
CHOICES = {"for": "tán thành", "against": "không tán thành", "abstain": "không biểu quyết"}
CLASSIFIED_ITEM = "Nội dung mật"
CLASSIFIED_NOTE = "Ghi trong biên bản, thông báo riêng theo chế độ bảo vệ bí mật."
BASES = {"all": "trên tổng số ủy viên", "present": "trên số ủy viên có mặt"}


@dataclass(frozen=True)
class Absence:
    person: Person
    reason: str


@dataclass(frozen=True)
class Delegation:
    delegate: Person
    member: Person


@dataclass(frozen=True)
class Speech:
    person: Person
    at: dt.datetime | None
    on_behalf_of: Person | None = None  # the member whose seat a delegate spoke from


@dataclass(frozen=True)
class VoteLine:
    question: str
    kind: str
    closed: bool
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    majority_needed: int | None
    majority_basis: str
    passed: bool | None
    named: list[tuple[str, str]] = field(default_factory=list)  # (name, choice code)


@dataclass
class ItemRecord:
    item: AgendaItem
    speeches: list[Speech]  # from the speakers' queue, in the order they spoke
    votes: list[VoteLine]
    conclusion: str
    tasks: list[ConclusionTask]


@dataclass
class Record:
    """What the minutes are written from."""

    meeting: Meeting
    body_name: str  # "Ban Thường vụ Thành ủy Ngọc Sơn", or the committee alone
    members: int
    members_present: list[Person]
    delegations: list[Delegation]
    absent: list[Absence]
    others_present: list[Person]
    quorum: selectors.Quorum
    items: list[ItemRecord]
    other_votes: list[VoteLine]  # votes on the meeting as a whole, on no item
    has_votes: bool


# --- The speakers' queue and the votes -------------------------------------------------------


def _speakers_by_item(meeting: Meeting) -> dict[int, list[Speech]]:
    """Who spoke on each item, in the order they had the floor, from the live
    meeting's speakers' queue."""
    return {
        entry.item.pk: [
            Speech(person=speaker.person, at=speaker.started_at, on_behalf_of=speaker.on_behalf_of)
            for speaker in entry.speakers
        ]
        for entry in selectors.speakers_of(meeting)
    }


def _votes(meeting: Meeting) -> list[Any] | None:
    """The results of the meeting's votes when the voting app is installed."""
    if not apps.is_installed("vanphong.voting"):
        return None
    from vanphong.voting import selectors as voting_selectors

    return list(voting_selectors.results_for_meeting(meeting))


def _vote_line(result: Any) -> VoteLine:
    return VoteLine(
        question=result.question,
        kind=result.kind,
        closed=result.closed,
        votes_for=result.votes_for,
        votes_against=result.votes_against,
        votes_abstain=result.votes_abstain,
        majority_needed=result.majority_needed,
        majority_basis=result.majority_basis,
        passed=result.passed,
        named=[(choice.person.full_name, choice.choice) for choice in result.named],
    )


# --- The record --------------------------------------------------------------------------------


def body_name(meeting: Meeting) -> str:
    """ "Ban Thường vụ Thành ủy Ngọc Sơn" for a BTV meeting; the committee's name
    for a kind that invites no body."""
    body = BODY_NAMES.get(meeting.kind.invited_body)
    committee = meeting.organization.name
    return f"{body} {committee}" if body else committee


def record_of(meeting: Meeting) -> Record:
    """Everything the minutes say, read from the meeting's rows (every item, whatever
    the reader's clearance: the office drafts the minutes)."""
    seats = list(meeting.invitations.select_related("person", "delegate").order_by("person__sort_key", "pk"))
    members = [seat for seat in seats if seat.is_member]
    present_members = [s.person for s in members if s.present and s.response != Response.DELEGATED]
    delegations = [
        Delegation(delegate=s.delegate, member=s.person)
        for s in seats
        if s.present and s.response == Response.DELEGATED and s.delegate is not None
    ]
    absent = [Absence(person=s.person, reason=s.reason) for s in members if not s.present]
    others = [s.person for s in seats if not s.is_member and s.present and s.response != Response.DELEGATED]
    speeches = _speakers_by_item(meeting)
    results = _votes(meeting)
    votes_by_item: dict[int | None, list[VoteLine]] = {}
    for result in results or []:
        votes_by_item.setdefault(result.item_id, []).append(_vote_line(result))
    items = list(meeting.items.select_related("presenter", "preparing_unit").order_by("order", "pk"))
    conclusions = dict(ItemConclusion.objects.filter(item__in=items).values_list("item_id", "text"))
    tasks: dict[int, list[ConclusionTask]] = {}
    for task in (
        ConclusionTask.objects.filter(item__in=items)
        .select_related("lead_unit", "leader")
        .prefetch_related("co_units")
        .order_by("number", "pk")
    ):
        tasks.setdefault(task.item_id, []).append(task)
    return Record(
        meeting=meeting,
        body_name=body_name(meeting),
        members=len(members),
        members_present=present_members,
        delegations=delegations,
        absent=absent,
        others_present=others,
        quorum=selectors.quorum(meeting),
        items=[
            ItemRecord(
                item=item,
                speeches=speeches.get(item.pk, []),
                votes=votes_by_item.get(item.pk, []),
                conclusion=conclusions.get(item.pk, ""),
                tasks=tasks.get(item.pk, []),
            )
            for item in items
        ],
        other_votes=votes_by_item.get(None, []),
        has_votes=results is not None,
    )


# --- Writing it --------------------------------------------------------------------------------


def _p(text: str, *, bold: str = "") -> str:
    lead = f"<strong>{escape(bold)}</strong> " if bold else ""
    return f"<p>{lead}{escape(text)}</p>"


def _names(people: Iterable[Person]) -> str:
    return ", ".join(f"đồng chí {person.full_name}" for person in people)


def _clock(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H} giờ {local:%M} phút"


def _day(day: dt.date) -> str:
    return f"ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def _speech_text(speech: Speech) -> str:
    details = []
    if speech.on_behalf_of is not None:
        details.append(f"dự thay đồng chí {speech.on_behalf_of.full_name}")
    if speech.at is not None:
        details.append(f"{timezone.localtime(speech.at):%H:%M}")
    return f"đồng chí {speech.person.full_name}" + (f" ({', '.join(details)})" if details else "")


def _vote_text(vote: VoteLine) -> str:
    kind = VOTE_KINDS.get(vote.kind, vote.kind)
    if vote.votes_for is None:
        return f"{vote.question} ({kind}): chưa có kết quả."
    counts = "; ".join(
        f"{CHOICES[choice]}: {count}"
        for choice, count in (
            ("for", vote.votes_for),
            ("against", vote.votes_against),
            ("abstain", vote.votes_abstain),
        )
    )
    outcome = ""
    if vote.passed is not None:
        basis = BASES.get(vote.majority_basis, "")
        verdict = "được thông qua" if vote.passed else "không được thông qua"
        outcome = f" Kết quả: {verdict} (cần {vote.majority_needed} phiếu tán thành, {basis})."
    elif not vote.closed:
        outcome = " Biểu quyết chưa kết thúc."
    return f"{vote.question} ({kind}): {counts}.{outcome}"


def _named_text(vote: VoteLine) -> str:
    parts = []
    for choice in ("for", "against", "abstain"):
        names = [name for name, chosen in vote.named if chosen == choice]
        if names:
            parts.append(f"{CHOICES[choice]}: " + ", ".join(f"đồng chí {name}" for name in names))
    return "Ghi danh: " + "; ".join(parts) + "."


def _votes_html(votes: list[VoteLine]) -> str:
    html = ""
    for vote in votes:
        html += _p(_vote_text(vote), bold="Biểu quyết:")
        if vote.named:
            html += _p(_named_text(vote))
    return html


def held_times(meeting: Meeting) -> tuple[dt.datetime, dt.datetime | None]:
    """When the meeting began and ended, local time: as opened and closed in the app
    when that was on the meeting's day, else as scheduled (a meeting run on paper and
    recorded later)."""
    day = timezone.localtime(meeting.starts_at).date()
    start = timezone.localtime(meeting.starts_at)
    if meeting.opened_at and timezone.localtime(meeting.opened_at).date() == day:
        start = timezone.localtime(meeting.opened_at)
    end = timezone.localtime(meeting.ends_at) if meeting.ends_at else None
    if meeting.closed_at and timezone.localtime(meeting.closed_at).date() == day:
        end = timezone.localtime(meeting.closed_at)
    return start, end


def minutes_html(record: Record) -> str:
    """The body of the minutes, in the HTML the drafting editor and renderer take."""
    meeting = record.meeting
    start, end = held_times(meeting)
    place = f", tại {meeting.place}" if meeting.place else ""
    html = _p(
        f"Vào lúc {_clock(start)}, {_day(start.date())}{place}, {record.body_name} họp: {meeting.title}."
    )
    html += "<h3>I. THÀNH PHẦN</h3>"
    if meeting.chair:
        html += _p(f"đồng chí {meeting.chair.full_name}.", bold="Chủ trì:")
    if meeting.secretary:
        html += _p(f"đồng chí {meeting.secretary.full_name}.", bold="Thư ký:")
    quorum = record.quorum
    html += _p(
        f"{len(record.members_present)}/{record.members} đồng chí"
        + (f": {_names(record.members_present)}." if record.members_present else "."),
        bold="Có mặt:",
    )
    if record.delegations:
        html += _p(
            "; ".join(
                f"đồng chí {d.delegate.full_name} dự thay đồng chí {d.member.full_name}"
                for d in record.delegations
            )
            + ".",
            bold="Dự thay:",
        )
    if record.absent:
        html += _p(
            f"{len(record.absent)} đồng chí: "
            + ", ".join(
                f"đồng chí {a.person.full_name}" + (f" (lý do: {a.reason})" if a.reason else "")
                for a in record.absent
            )
            + ".",
            bold="Vắng mặt:",
        )
    if record.others_present:
        html += _p(_names(record.others_present) + ".", bold="Mời dự:")
    if quorum.required:
        verdict = "bảo đảm" if quorum.reached else "không bảo đảm"
        html += _p(
            f"Số ủy viên có mặt ({quorum.present}/{quorum.members}, cần tối thiểu {quorum.needed}) "
            f"{verdict} điều kiện để hội nghị tiến hành theo quy định."
        )
    html += "<h3>II. NỘI DUNG</h3>"
    for number, entry in enumerate(record.items, start=1):
        item = entry.item
        if item.is_classified:
            # Not even its title: a classified item is recorded apart (DOMAIN.md §2).
            html += f"<h4>{number}. {CLASSIFIED_ITEM}</h4>" + _p(CLASSIFIED_NOTE)
            continue
        html += f"<h4>{number}. {escape(item.title)}</h4>"
        if item.presenter or item.preparing_unit:
            who = f"Đồng chí {item.presenter.full_name}" if item.presenter else ""
            unit = item.preparing_unit.name if item.preparing_unit else ""
            if who and unit:
                html += _p(f"{who} ({unit}) trình bày.")
            else:
                html += _p(f"{who or unit} trình bày.")
        if entry.speeches:
            html += _p(", ".join(_speech_text(s) for s in entry.speeches) + ".", bold="Ý kiến phát biểu:")
        html += _votes_html(entry.votes)
        html += _p(entry.conclusion or "…", bold="Kết luận của đồng chí chủ trì:")
    if record.other_votes:
        html += "<h4>Biểu quyết khác</h4>" + _votes_html(record.other_votes)
    html += "<h3>III. KẾT THÚC</h3>"
    closing = f"Hội nghị kết thúc lúc {_clock(end)} cùng ngày." if end else "Hội nghị kết thúc cùng ngày."
    html += _p(f"{closing} Biên bản đã được thông qua trước hội nghị.")
    # The meeting's secretary signs beside the chair (the draft's second signature).
    return html


def notice_html(record: Record) -> str:
    """The body of the concluding notice: the conclusions per item and the tasks
    given, as a table (No., task, lead and co-operating units, leader, deadline)."""
    meeting = record.meeting
    day = timezone.localtime(meeting.starts_at).date()
    chair = f" dưới sự chủ trì của đồng chí {meeting.chair.full_name}" if meeting.chair else ""
    html = _p(
        f"{_day(day).capitalize()}, {record.body_name} họp{chair}. Sau khi nghe báo cáo và ý kiến thảo "
        f"luận của các đồng chí dự họp, {record.body_name} kết luận như sau:"
    )
    for number, entry in enumerate(record.items, start=1):
        if entry.item.is_classified:
            html += f"<h4>{number}. {CLASSIFIED_ITEM}</h4>" + _p(CLASSIFIED_NOTE)
            continue
        html += f"<h4>{number}. {escape(entry.item.title)}</h4>"
        for paragraph in (entry.conclusion or "…").splitlines():
            if paragraph.strip():
                html += _p(paragraph.strip())
        if entry.tasks:
            html += _p("Giao nhiệm vụ:")
            rows = "".join(
                "<tr>"
                f"<td>{task.number}</td>"
                f"<td>{escape(task.content)}</td>"
                f"<td>{escape(_units(task))}</td>"
                f"<td>đồng chí {escape(task.leader.full_name)}</td>"
                f"<td>{task.deadline:%d/%m/%Y}</td>"
                "</tr>"
                for task in entry.tasks
            )
            html += (
                "<table><thead><tr><th>STT</th><th>Nhiệm vụ</th><th>Đơn vị chủ trì, phối hợp</th>"
                "<th>Lãnh đạo phụ trách</th><th>Thời hạn</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>"
            )
    # Signed T/M the body (its Secretary), so the body speaks, not its office.
    html += _p(
        f"{record.body_name} thông báo để các cơ quan, đơn vị, đồng chí liên quan biết, thực hiện và "
        "báo cáo kết quả theo thời hạn."
    )
    return html


def _units(task: ConclusionTask) -> str:
    co = [unit.name for unit in task.co_units.all() if unit.pk != task.lead_unit_id]
    return task.lead_unit.name + (f"; phối hợp: {', '.join(co)}" if co else "")


def minutes_abstract(meeting: Meeting) -> str:
    day = timezone.localtime(meeting.starts_at).date()
    return f"{meeting.title} ngày {day:%d/%m/%Y}"


def notice_abstract(meeting: Meeting) -> str:
    day = timezone.localtime(meeting.starts_at).date()
    return f"Kết luận của {body_name(meeting)} tại hội nghị ngày {day:%d/%m/%Y}"
