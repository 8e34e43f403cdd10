"""Every change to the follow-up of conclusions, each with its audit row.

The office (Action.DRAFT on the committee) enters conclusions and their tasks; the
lead and co-operating units, the leader in charge and the office report on a task;
only the lead unit, the leader or the office report it done. A daily job in the
worker (`tasks.send_reminders`) reminds the lead unit and the leader before the
deadline and once it has passed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanphong.core import audit
from vanphong.core.models import Organization, Person, Secrecy
from vanphong.core.permissions import Action, can
from vanphong.core.selectors import committee_leaders, unit_problem
from vanphong.followup import selectors
from vanphong.followup.models import (
    Conclusion,
    ConclusionKind,
    FollowUpTask,
    Progress,
    TaskReport,
    TaskReportFile,
    TaskState,
)
from vanphong.handling.services import notify
from vanphong.registry.models import OutgoingDocument


class AuditAction(StrEnum):
    CONCLUSION_ENTERED = "followup.conclusion_entered"
    TASK_ADDED = "followup.task_added"
    TASK_REPORTED = "followup.task_reported"
    TASK_REMINDED = "followup.task_reminded"
    TASK_CHANGED = "followup.task_changed"
    TASK_EXTENDED = "followup.task_extended"
    TASK_DELETED = "followup.task_deleted"


AUDIT_LABELS = {
    AuditAction.CONCLUSION_ENTERED: gettext_lazy("Conclusion entered for follow-up"),
    AuditAction.TASK_ADDED: gettext_lazy("Follow-up task assigned"),
    AuditAction.TASK_REPORTED: gettext_lazy("Follow-up task reported"),
    AuditAction.TASK_REMINDED: gettext_lazy("Follow-up task reminder sent"),
    AuditAction.TASK_CHANGED: gettext_lazy("Follow-up task corrected"),
    AuditAction.TASK_EXTENDED: gettext_lazy("Follow-up task deadline extended"),
    AuditAction.TASK_DELETED: gettext_lazy("Follow-up task deleted"),
}
AUDIT_TARGET_PAGES = {"followup.conclusion": "conclusion_detail", "followup.followuptask": "task_detail"}
# The keys of the tasks' events as the timeline names them: a task's number is not an
# incoming number ("No." is the registry's "Số đến"), and some keys are no field.
AUDIT_FIELD_LABELS = {
    "followup.followuptask": {
        "number": gettext_lazy("Task number"),
        "content": gettext_lazy("Task"),
        "conclusion": gettext_lazy("Conclusion"),
        "lead_unit": gettext_lazy("Lead unit"),
        "co_units": gettext_lazy("Co-operating units"),
        "leader": gettext_lazy("Leader in charge"),
        "deadline": gettext_lazy("Deadline"),
        "state": gettext_lazy("State"),
        "unit": gettext_lazy("Reporting unit"),
        "note": gettext_lazy("Report"),
        "to": gettext_lazy("Reminded"),
    },
}
AUDIT_VALUE_LABELS = {"followup.followuptask": {"state": dict(TaskState.choices)}}

# The reminder before the deadline goes out this many days ahead.
REMIND_DAYS_BEFORE = 3


def _check_office(actor: Person, organization: Organization) -> None:
    if not can(actor, Action.DRAFT, organization):
        raise PermissionDenied(_("Only the committee's office enters conclusions and their tasks."))


@transaction.atomic
def conclusion_create(
    *,
    actor: Person,
    organization: Organization | None = None,
    kind: str = "",
    symbol: str = "",
    issued_on: dt.date | None = None,
    title: str = "",
    secrecy: int = Secrecy.NONE,
    outgoing: OutgoingDocument | None = None,
) -> Conclusion:
    """A conclusion to follow up: a registered KL or TB (`outgoing`, whose number,
    date, abstract and secrecy it takes), or one entered by hand."""
    if outgoing is not None:
        code = outgoing.document_type.abbreviation
        if code not in ConclusionKind.values:
            raise ValidationError(
                {"outgoing": _("Only a conclusion (KL) or a notice (TB) carries tasks to follow up.")}
            )
        if outgoing.cancelled_at is not None:
            raise ValidationError({"outgoing": _("This document was cancelled.")})
        if Conclusion.objects.filter(outgoing=outgoing).exists():
            raise ValidationError({"outgoing": _("This document is already followed up.")})
        organization, kind = outgoing.organization, code
        symbol, issued_on, title, secrecy = (
            outgoing.symbol,
            outgoing.issued_on,
            outgoing.abstract,
            outgoing.secrecy,
        )
    if organization is None or issued_on is None:
        raise ValidationError(_("The committee and the date are required."))
    _check_office(actor, organization)
    if secrecy > actor.clearance:
        raise PermissionDenied(_("You are not cleared for this secrecy level."))
    conclusion = Conclusion.objects.create(
        organization=organization,
        kind=kind,
        outgoing=outgoing,
        symbol=symbol.strip(),
        issued_on=issued_on,
        title=title.strip(),
        secrecy=secrecy,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CONCLUSION_ENTERED,
        target=conclusion,
        after={"symbol": conclusion.symbol, "issued_on": issued_on.isoformat(), "kind": kind},
        organization=organization,
    )
    return conclusion


@transaction.atomic
def task_add(
    *,
    actor: Person,
    conclusion: Conclusion,
    content: str,
    lead_unit: Organization,
    leader: Person,
    deadline: dt.date,
    co_units: Iterable[Organization] = (),
) -> FollowUpTask:
    committee = conclusion.organization
    _check_office(actor, committee)
    co_units = [unit for unit in co_units if unit.pk != lead_unit.pk]
    _check_task(conclusion, content, lead_unit, co_units, leader, deadline)
    number = (conclusion.tasks.aggregate(last=Max("number"))["last"] or 0) + 1
    task = FollowUpTask.objects.create(
        conclusion=conclusion,
        organization=committee,
        number=number,
        content=content.strip(),
        lead_unit=lead_unit,
        leader=leader,
        deadline=deadline,
    )
    task.co_units.set(co_units)
    audit.record(
        actor=actor,
        action=AuditAction.TASK_ADDED,
        target=task,
        after={
            "conclusion": str(conclusion),
            "number": number,
            "content": task.content,
            "state": task.state_on(),
            "lead_unit": lead_unit.name,
            "co_units": [unit.name for unit in co_units],
            "leader": leader.full_name,
            "deadline": deadline.isoformat(),
        },
        organization=committee,
    )
    for person in [*selectors.unit_heads(lead_unit), leader]:
        notify(
            recipient=person,
            text=_("New task to follow up: %(task)s") % {"task": _describe(task)},
            url=_url(task),
        )
    return task


def _check_task(
    conclusion: Conclusion,
    content: str,
    lead_unit: Organization,
    co_units: list[Organization],
    leader: Person,
    deadline: dt.date,
    errors: dict[str, list[str]] | None = None,
) -> None:
    """What assigning and correcting a task both refuse, each at its field."""
    committee = conclusion.organization
    errors = errors if errors is not None else {}
    if not content.strip():
        errors.setdefault("content", []).append(_("Say what must be done."))
    problem = unit_problem(committee, lead_unit)
    if problem:
        errors.setdefault("lead_unit", []).append(problem)
    for unit in co_units:
        problem = unit_problem(committee, unit)
        if problem:
            errors.setdefault("co_units", []).append(problem)
    if deadline < conclusion.issued_on:
        errors.setdefault("deadline", []).append(
            _("The deadline is before the conclusion's date (%(date)s).")
            % {"date": conclusion.issued_on.strftime("%d/%m/%Y")}
        )
    if not leader.is_active or not committee_leaders(committee).filter(pk=leader.pk).exists():
        errors.setdefault("leader", []).append(
            _("%(name)s is not a leader of this committee.") % {"name": leader.full_name}
        )
    if errors:
        raise ValidationError(errors)


def _snapshot(task: FollowUpTask, co_units: Iterable[Organization]) -> dict[str, object]:
    """A task's assignment as its audit events record it, with its state as of today:
    an extension can take an overdue task back to not started."""
    return {
        "content": task.content,
        "lead_unit": task.lead_unit.name,
        "co_units": sorted(unit.name for unit in co_units),
        "leader": task.leader.full_name,
        "deadline": task.deadline.isoformat(),
        "state": task.state_on(),
    }


@transaction.atomic
def task_update(
    *,
    actor: Person,
    task: FollowUpTask,
    content: str,
    lead_unit: Organization,
    leader: Person,
    deadline: dt.date,
    co_units: Iterable[Organization] = (),
) -> FollowUpTask:
    """The office corrects a task entered by mistake, with the checks of assigning it.
    A new deadline is an extension (gia hạn): the lead unit's heads and the leader
    are told, and the reminders go out again for it. A done task keeps its deadline
    (moving it would change whether it was done on time)."""
    task = (
        FollowUpTask.objects.select_for_update(of=("self",))
        .select_related("conclusion", "lead_unit", "leader")
        .get(pk=task.pk)
    )
    committee = task.organization
    _check_office(actor, committee)
    co_units = [unit for unit in co_units if unit.pk != lead_unit.pk]
    errors: dict[str, list[str]] = {}
    if deadline != task.deadline and task.progress == Progress.DONE:
        errors["deadline"] = [_("This task is done: its deadline no longer changes.")]
    _check_task(task.conclusion, content, lead_unit, co_units, leader, deadline, errors)
    before = _snapshot(task, task.co_units.all())
    extended = deadline != task.deadline
    reassigned = lead_unit.pk != task.lead_unit_id or leader.pk != task.leader_id
    task.content, task.lead_unit, task.leader, task.deadline = content.strip(), lead_unit, leader, deadline
    if extended:
        task.reminded_before_at = task.reminded_overdue_at = None
    task.save()
    task.co_units.set(co_units)
    after = _snapshot(task, co_units)
    if after == before:
        return task
    audit.record(
        actor=actor,
        action=AuditAction.TASK_EXTENDED if extended else AuditAction.TASK_CHANGED,
        target=task,
        before={key: value for key, value in before.items() if after[key] != value},
        after={key: value for key, value in after.items() if before[key] != value},
        organization=committee,
    )
    if extended:
        text = _("Deadline extended to %(date)s: %(task)s") % {
            "date": deadline.strftime("%d/%m/%Y"),
            "task": _describe(task),
        }
    elif reassigned:
        text = _("New task to follow up: %(task)s") % {"task": _describe(task)}
    else:
        return task
    for person in {*selectors.unit_heads(lead_unit), leader} - {actor}:
        notify(recipient=person, text=text, url=_url(task))
    return task


@transaction.atomic
def task_delete(*, actor: Person, task: FollowUpTask) -> None:
    """The office deletes a task entered by mistake, while no unit has reported on
    it; the audit trail keeps what it said."""
    task = (
        FollowUpTask.objects.select_for_update(of=("self",))
        .select_related("conclusion", "lead_unit", "leader")
        .get(pk=task.pk)
    )
    _check_office(actor, task.organization)
    if task.reports.exists():
        raise ValidationError(_("A unit has reported on this task: it can no longer be deleted."))
    audit.record(
        actor=actor,
        action=AuditAction.TASK_DELETED,
        before={
            "conclusion": str(task.conclusion),
            "number": task.number,
            **_snapshot(task, task.co_units.all()),
        },
        target=task,
        organization=task.organization,
    )
    task.delete()


def _describe(task: FollowUpTask) -> str:
    conclusion = task.conclusion
    if conclusion.secrecy > Secrecy.NONE:
        return f"{conclusion.symbol}, {_('task')} {task.number}"
    return f"{conclusion.symbol}, {_('task')} {task.number}: {task.content[:120]}"


def _url(task: FollowUpTask) -> str:
    return reverse("task_detail", args=[task.pk])


@transaction.atomic
def task_report(
    *,
    actor: Person,
    task: FollowUpTask,
    note: str,
    done: bool = False,
    files: Iterable[tuple[str, IO[bytes]]] = (),
    today: dt.date | None = None,
) -> TaskReport:
    """A unit's report on the task; with `done`, the task is done today."""
    task = FollowUpTask.objects.select_for_update().get(pk=task.pk)
    unit = selectors.reporting_unit(actor, task)
    if unit is None:
        raise PermissionDenied(
            _("Only the units of the task, the leader in charge or the office report on it.")
        )
    if task.progress == Progress.DONE:
        raise ValidationError(_("This task is already done."))
    if done and not selectors.may_close(actor, task):
        raise ValidationError(
            {"done": _("Only the lead unit, the leader in charge or the office report the task done.")}
        )
    if not note.strip():
        raise ValidationError({"note": _("Write what was done.")})
    today = today or timezone.localdate()
    before = {"state": task.state_on(today)}
    report = TaskReport.objects.create(task=task, author=actor, unit=unit, note=note.strip(), done=done)
    for name, stream in files:
        attached = TaskReportFile(report=report, name=name[:255])
        attached.file.save(name, File(stream), save=False)
        attached.save()
    task.progress = Progress.DONE if done else Progress.IN_PROGRESS
    task.completed_on = today if done else None
    task.save(update_fields=["progress", "completed_on"])
    audit.record(
        actor=actor,
        action=AuditAction.TASK_REPORTED,
        target=task,
        before=before,
        after={"state": task.state_on(today), "unit": unit.name, "note": report.note[:200]},
        organization=task.organization,
    )
    if done:
        for person in {task.leader, *selectors.office_of(task.organization)} - {actor}:
            notify(
                recipient=person, text=_("Task done: %(task)s") % {"task": _describe(task)}, url=_url(task)
            )
    return report


@transaction.atomic
def reminders_send(*, today: dt.date | None = None) -> dict[str, int]:
    """Remind the lead unit's heads and the leader of each open task whose deadline is
    near (REMIND_DAYS_BEFORE days or less) and of each that has passed it; each
    reminder once. Returns how many of each went out."""
    today = today or timezone.localdate()
    now = timezone.now()
    open_tasks = FollowUpTask.objects.exclude(progress=Progress.DONE).select_related(
        "conclusion", "lead_unit", "leader"
    )
    sent = {"before": 0, "overdue": 0}
    soon = open_tasks.filter(
        reminded_before_at__isnull=True,
        deadline__gte=today,
        deadline__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE),
    )
    for task in soon.select_for_update():
        text = _("Deadline on %(date)s: %(task)s") % {
            "date": task.deadline.strftime("%d/%m/%Y"),
            "task": _describe(task),
        }
        _remind(task, text)
        task.reminded_before_at = now
        task.save(update_fields=["reminded_before_at"])
        sent["before"] += 1
    late = open_tasks.filter(reminded_overdue_at__isnull=True, deadline__lt=today)
    for task in late.select_for_update():
        text = _("The deadline %(date)s has passed: %(task)s") % {
            "date": task.deadline.strftime("%d/%m/%Y"),
            "task": _describe(task),
        }
        # The state changed with the date, not by anyone: the reminder's event says so.
        _remind(
            task,
            text,
            office_too=True,
            before={"state": task.state_on(task.deadline)},
            after={"state": TaskState.OVERDUE},
        )
        task.reminded_overdue_at = now
        task.save(update_fields=["reminded_overdue_at"])
        sent["overdue"] += 1
    return sent


def _remind(
    task: FollowUpTask,
    text: str,
    *,
    office_too: bool = False,
    before: dict[str, str] | None = None,
    after: dict[str, str] | None = None,
) -> None:
    people = {*selectors.unit_heads(task.lead_unit), task.leader}
    if office_too:
        people |= set(selectors.office_of(task.organization))
    for person in sorted(people, key=lambda person: person.pk):
        notify(recipient=person, text=text, url=_url(task))
    audit.record(
        actor=None,
        action=AuditAction.TASK_REMINDED,
        target=task,
        before=before,
        after={**(after or {}), "text": text, "to": sorted(person.full_name for person in people)},
        organization=task.organization,
    )
