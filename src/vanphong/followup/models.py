"""Follow-up (theo dõi, đôn đốc): the tasks a committee's conclusions and notices
assign to its units, and what the units report of them.

A conclusion is either a registered outgoing document (a KL or TB of the registry) or
one entered by hand (an older one, or one of the upper level). Each task names what
must be done, the lead unit and the co-operating ones, the leader in charge and the
deadline. The state a task shows (not started, in progress, done on time, done late,
overdue) follows from what was reported and from today's date: `TaskState`,
computed in the database by `FollowUpTaskQuerySet.with_state` so that lists and the
leaders' board count the same way."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vanphong.core.models import Organization, Person, Secrecy
from vanphong.registry.models import OutgoingDocument


class ConclusionKind(models.TextChoices):
    CONCLUSION = "KL", _("Conclusion")  # Kết luận
    NOTICE = "TB", _("Concluding notice")  # Thông báo kết luận


class Conclusion(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee")
    )
    kind = models.CharField(_("kind"), max_length=2, choices=ConclusionKind.choices)
    outgoing = models.OneToOneField(
        OutgoingDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conclusion",
        verbose_name=_("registered document"),
    )
    symbol = models.CharField(_("number and symbol"), max_length=60)
    issued_on = models.DateField(_("issued on"))
    title = models.TextField(_("abstract"))
    secrecy = models.PositiveSmallIntegerField(_("secrecy"), choices=Secrecy.choices, default=Secrecy.NONE)
    created_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        verbose_name = _("conclusion")
        verbose_name_plural = _("conclusions")
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.symbol}"


class Progress(models.TextChoices):
    """What the units reported; with the deadline and today it gives the `TaskState`."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("task", "In progress")
    DONE = "done", _("Done")


class TaskState(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")  # chưa thực hiện
    IN_PROGRESS = "in_progress", pgettext_lazy("task", "In progress")  # đang thực hiện
    DONE_ON_TIME = "done_on_time", _("Done on time")  # hoàn thành đúng hạn
    DONE_LATE = "done_late", _("Done late")  # hoàn thành quá hạn
    OVERDUE = "overdue", _("Overdue, not done")  # quá hạn chưa hoàn thành


def state_conditions(today: dt.date) -> dict[str, Q]:
    """The condition of each TaskState as of `today`: exactly one holds for any task.
    `with_state` labels a task by them and the leaders' board counts by them, so the
    two agree. Done without a completion day counts as done late."""
    done = Q(progress=Progress.DONE)
    on_time = Q(completed_on__lte=models.F("deadline"))
    due = Q(deadline__lt=today)
    under_way = Q(progress=Progress.IN_PROGRESS)
    return {
        TaskState.DONE_ON_TIME: done & on_time,
        TaskState.DONE_LATE: done & ~on_time,
        TaskState.OVERDUE: ~done & due,
        TaskState.IN_PROGRESS: under_way & ~due,
        TaskState.NOT_STARTED: ~done & ~under_way & ~due,
    }


class FollowUpTaskQuerySet(models.QuerySet["FollowUpTask"]):
    def with_state(self, today: dt.date | None = None) -> FollowUpTaskQuerySet:
        """Each task annotated with `state` (a TaskState value) as of `today`."""
        conditions = state_conditions(today or timezone.localdate())
        return self.annotate(
            state=Case(
                *[When(condition, then=Value(state)) for state, condition in conditions.items()],
                default=Value(TaskState.NOT_STARTED),
                output_field=models.CharField(),
            )
        )


class FollowUpTask(models.Model):
    conclusion = models.ForeignKey(
        Conclusion, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("conclusion")
    )
    # The committee, copied from the conclusion: lists and the board filter on it.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee")
    )
    number = models.PositiveSmallIntegerField(_("No."))
    content = models.TextField(_("task"))
    lead_unit = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="led_tasks", verbose_name=_("lead unit")
    )
    co_units = models.ManyToManyField(  # type: ignore[var-annotated]
        Organization, blank=True, related_name="co_tasks", verbose_name=_("co-operating units")
    )
    leader = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="followed_tasks", verbose_name=_("leader in charge")
    )
    deadline = models.DateField(_("deadline"))
    progress = models.CharField(
        _("progress"), max_length=12, choices=Progress.choices, default=Progress.NOT_STARTED
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    # When each reminder went out, so that the daily job sends each once.
    reminded_before_at = models.DateTimeField(_("reminded before the deadline"), null=True, blank=True)
    reminded_overdue_at = models.DateTimeField(_("reminded when overdue"), null=True, blank=True)

    objects = FollowUpTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ["conclusion", "number"]
        constraints = [
            models.UniqueConstraint(fields=["conclusion", "number"], name="followup_task_number_unique"),
        ]
        indexes = [
            models.Index(fields=["organization", "deadline"], name="followup_task_committee_due"),
            models.Index(fields=["lead_unit", "deadline"], name="followup_task_unit_due"),
            models.Index(fields=["leader", "deadline"], name="followup_task_leader_due"),
            # The leaders' board: a committee's tasks grouped by unit and leader, their
            # states from the last three columns, read from the index alone in its order.
            models.Index(
                fields=["organization", "lead_unit", "leader", "progress", "deadline", "completed_on"],
                name="followup_task_board",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conclusion} — {self.number}. {self.content[:60]}"

    def state_on(self, today: dt.date | None = None) -> str:
        """The TaskState of this task as `with_state` computes it, for one task in hand."""
        today = today or timezone.localdate()
        if self.progress == Progress.DONE:
            assert self.completed_on is not None
            return TaskState.DONE_ON_TIME if self.completed_on <= self.deadline else TaskState.DONE_LATE
        if self.deadline < today:
            return TaskState.OVERDUE
        return TaskState.IN_PROGRESS if self.progress == Progress.IN_PROGRESS else TaskState.NOT_STARTED


class TaskReport(models.Model):
    """A unit's report on a task: a note, files, and whether the task is done."""

    task = models.ForeignKey(
        FollowUpTask, on_delete=models.CASCADE, related_name="reports", verbose_name=_("task")
    )
    author = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    at = models.DateTimeField(_("reported at"), default=timezone.now)
    note = models.TextField(_("report"))
    done = models.BooleanField(_("the task is done"), default=False)

    class Meta:
        verbose_name = _("task report")
        verbose_name_plural = _("task reports")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.task} — {self.at:%d/%m/%Y}"


def _report_file_path(instance: TaskReportFile, filename: str) -> str:
    return f"followup/{instance.report.task_id}/{filename}"


class TaskReportFile(models.Model):
    report = models.ForeignKey(
        TaskReport, on_delete=models.CASCADE, related_name="files", verbose_name=_("report")
    )
    file = models.FileField(_("file"), upload_to=_report_file_path, max_length=300)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")

    def __str__(self) -> str:
        return self.name
