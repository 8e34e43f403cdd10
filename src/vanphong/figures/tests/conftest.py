"""Fixtures of the figures' tests: core's office in miniature and the registry's
document makers (re-exported), and `year`: one year (2025) of the city committee's
work made through each app's own services, with what each figure must count.

What the year holds, and where each edge case sits:

- issued (city and its office): 2 Nghị quyết (01/01, one "Mật"), 1 Kết luận on
  31/12, 1 Công văn, 1 Giấy mời of the office; outside: a Công văn of 31/12/2024
  and a Kết luận cancelled;
- received: 3 Công văn (one "Mật"), 1 Báo cáo; outside: one of 01/01/2026, and one
  received by a grassroots committee below (its own office's figures);
- events: 2 BTV meetings, 1 conference, 1 hội ý, 1 reception; outside: a cancelled
  conference, one of 31/12/2024, one of another committee;
- tasks due in 2025: 2 done on time, 1 done late, 1 overdue, and 1 of a classified
  conclusion (done on time); one due in 2026;
- the yearly program of 2025: 3 items planned, 2 done (and one dropped)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from vanphong.core.models import Person, Role, Secrecy
from vanphong.core.tests.conftest import clerk, member, office_chief, outsider, secretary, tree  # noqa: F401
from vanphong.core.tests.factories import Tree, persona
from vanphong.followup import services as followup
from vanphong.programs import services as programs
from vanphong.programs.models import ItemState, ProgramKind
from vanphong.registry import services as registry
from vanphong.registry.models import DocumentType
from vanphong.registry.tests.conftest import incoming_entry, outgoing_entry, terms  # noqa: F401
from vanphong.schedule import services as schedule
from vanphong.schedule.models import EventKind

YEAR = 2025
JAN_1 = dt.date(YEAR, 1, 1)
DEC_31 = dt.date(YEAR, 12, 31)


@pytest.fixture
def specialist(tree):  # noqa: F811
    return persona(tree, Role.SPECIALIST)


@pytest.fixture
def standing(tree):  # noqa: F811
    return persona(tree, Role.STANDING_MEMBER, Secrecy.TOP_SECRET)


@dataclass
class Year:
    tree: Tree
    office_chief: Person  # cleared "Tối mật"
    clerk: Person  # cleared "Mật"
    specialist: Person  # not cleared


def _type(code: str) -> DocumentType:
    return DocumentType.objects.get(code=code)


@pytest.fixture
def year(tree, terms, secretary, standing, office_chief, clerk, specialist) -> Year:  # noqa: F811
    resolution, conclusion, letter, report = (
        _type("nghi-quyet"),
        _type("ket-luan"),
        _type("cong-van"),
        _type("bao-cao"),
    )

    def issue(kind: DocumentType, day: dt.date, **overrides: object):
        return registry.outgoing_register(**outgoing_entry(tree, kind, secretary, issued_on=day, **overrides))

    issue(resolution, JAN_1)
    issue(resolution, dt.date(YEAR, 3, 4), secrecy=Secrecy.CONFIDENTIAL)
    issue(conclusion, DEC_31)
    issue(letter, dt.date(YEAR, 6, 1))
    invitation = _type("giay-moi")  # the office numbers its own by the year
    registry.outgoing_register(
        **outgoing_entry(
            tree, invitation, office_chief, organization=tree.office, issued_on=dt.date(YEAR, 7, 1)
        )
    )
    issue(letter, dt.date(YEAR - 1, 12, 31))
    cancelled = issue(conclusion, dt.date(YEAR, 5, 5))
    registry.outgoing_cancel(actor=None, document=cancelled, note="Ban hành nhầm")

    def receive(kind: DocumentType, day: dt.date, **overrides: object):
        entry = incoming_entry(tree, kind, received_on=day, document_date=day - dt.timedelta(days=1))
        entry.update(overrides)
        return registry.incoming_register(**entry)

    receive(letter, JAN_1)
    receive(letter, dt.date(YEAR, 4, 2), secrecy=Secrecy.CONFIDENTIAL)
    receive(letter, DEC_31, organization=tree.office)
    receive(report, dt.date(YEAR, 9, 9))
    receive(letter, dt.date(YEAR + 1, 1, 1))
    receive(letter, dt.date(YEAR, 8, 8), organization=tree.grassroots)

    def event(day: dt.date, kind: str, title: str, organization=tree.city):
        return schedule.event_create(
            actor=specialist if organization == tree.city else office_chief,
            organization=organization,
            day=day,
            kind=kind,
            title=title,
            starts_at=dt.time(8, 0),
        )

    event(JAN_1, EventKind.STANDING_COMMITTEE, "Họp Ban Thường vụ")
    event(dt.date(YEAR, 2, 3), EventKind.STANDING_COMMITTEE, "Họp Ban Thường vụ")
    event(dt.date(YEAR, 2, 4), EventKind.CONFERENCE, "Hội nghị Ban Chấp hành")
    event(dt.date(YEAR, 2, 5), EventKind.STANDING_BRIEFING, "Hội ý Thường trực")
    event(DEC_31, EventKind.RECEPTION, "Tiếp đoàn khách")
    dropped = event(dt.date(YEAR, 3, 3), EventKind.CONFERENCE, "Hội nghị hoãn")
    schedule.event_cancel(actor=specialist, event=dropped, reason="Hoãn")
    event(dt.date(YEAR - 1, 12, 31), EventKind.CONFERENCE, "Hội nghị năm trước")

    found = followup.conclusion_create(
        actor=office_chief,
        organization=tree.city,
        kind="KL",
        symbol="12-KL/TU",
        issued_on=dt.date(YEAR - 1, 12, 1),
        title="Kết luận của Ban Thường vụ",
    )
    secret = followup.conclusion_create(
        actor=office_chief,
        organization=tree.city,
        kind="KL",
        symbol="13-KL/TU",
        issued_on=dt.date(YEAR - 1, 12, 1),
        title="Kết luận mật",
        secrecy=Secrecy.SECRET,
    )

    def task(deadline: dt.date, done_on: dt.date | None = None, conclusion=found):
        added = followup.task_add(
            actor=office_chief,
            conclusion=conclusion,
            content=f"Nhiệm vụ hạn {deadline:%d/%m/%Y}",
            lead_unit=tree.bloc,
            leader=secretary,
            deadline=deadline,
        )
        if done_on is not None:
            followup.task_report(actor=office_chief, task=added, note="Đã xong", done=True, today=done_on)
        return added

    task(JAN_1, done_on=JAN_1)
    task(DEC_31, done_on=dt.date(YEAR, 11, 30))
    task(dt.date(YEAR, 3, 31), done_on=dt.date(YEAR, 4, 15))
    task(dt.date(YEAR, 6, 30))
    task(dt.date(YEAR, 5, 31), done_on=dt.date(YEAR, 5, 1), conclusion=secret)
    task(dt.date(YEAR + 1, 1, 1))

    program = programs.program_create(
        actor=specialist, organization=tree.city, kind=ProgramKind.YEAR, year=YEAR
    )
    items = [
        programs.item_add(
            actor=specialist, program=program, content=f"Nội dung {n}", lead=tree.office, planned_year=YEAR
        )
        for n in range(4)
    ]
    programs.program_issue(actor=secretary, program=program, issued_on=dt.date(YEAR, 1, 5))
    for item in items[:2]:
        programs.item_set_state(
            actor=specialist, item=item, state=ItemState.DONE, done_on=dt.date(YEAR, 6, 1)
        )
    programs.item_set_state(actor=specialist, item=items[3], state=ItemState.DROPPED, note="Không cần")
    return Year(tree, office_chief, clerk, specialist)
