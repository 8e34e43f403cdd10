"""Handling incoming documents: the only place that changes transfer slips.

A slip goes SENT (the office forwards the document to leaders) → DIRECTED (one of
them gives the instruction, the handler and a deadline) → DONE (a handler completes
it), with progress notes on the way. Each step writes one audit event on the slip,
and tells the next people in the app and, once committed, by e-mail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanphong.core import audit
from vanphong.core.models import Membership, Organization, Person, Role, Secrecy
from vanphong.core.permissions import Action, can
from vanphong.core.selectors import unit_problem
from vanphong.handling import selectors
from vanphong.handling.models import Notification, SlipProgress, SlipState, TransferSlip
from vanphong.registry import services as registry_services
from vanphong.registry.models import Handling, IncomingDocument

DIRECTION_FIELDS = ["state", "instruction", "lead_unit", "lead_person", "directed_on", "deadline"]


class AuditAction:
    SLIP_SENT = "slip.sent"
    SLIP_DIRECTED = "slip.directed"
    SLIP_PROGRESS = "slip.progress"
    SLIP_COMPLETED = "slip.completed"


AUDIT_LABELS = {
    AuditAction.SLIP_SENT: gettext_lazy("Sent to leaders"),
    AuditAction.SLIP_DIRECTED: gettext_lazy("Directed"),
    AuditAction.SLIP_PROGRESS: gettext_lazy("Progress recorded"),
    AuditAction.SLIP_COMPLETED: gettext_lazy("Handling completed"),
}
AUDIT_TARGET_PAGES = {"handling.transferslip": "slip_detail"}


# --- Notifications ----------------------------------------------------------------------------


def notify(*, recipient: Person, text: str, url: str) -> Notification:
    """Tell `recipient` in the app, and by e-mail once the caller's transaction has
    committed (no mail about a change that rolled back). Call inside the service."""
    notification = Notification.objects.create(recipient=recipient, text=text[:300], url=url)
    if recipient.email:
        address, link = recipient.email, f"{settings.SITE_URL}{url}"
        transaction.on_commit(
            lambda: send_mail(
                subject=f"[vanphong] {Truncator(text).chars(120)}",
                message=f"{text}\n\n{link}\n",
                from_email=None,
                recipient_list=[address],
                fail_silently=True,
            )
        )
    return notification


def _describe(slip: TransferSlip) -> str:
    """The document as a notification names it. A classified document's abstract and
    symbol never leave the app: an e-mail may cross the Internet."""
    document = slip.document
    if slip.secrecy > Secrecy.NONE:
        return _("incoming No. %(number)s (%(secrecy)s)") % {
            "number": document.number,
            "secrecy": Secrecy(slip.secrecy).label,
        }
    return _("incoming No. %(number)s, %(symbol)s: %(abstract)s") % {
        "number": document.number,
        "symbol": document.symbol or document.issuer,
        "abstract": Truncator(document.abstract).chars(120),
    }


def _tell(
    people: Iterable[Person | None], *, actor: Person | None, slip: TransferSlip, message: Promise
) -> None:
    """Notify each of `people` once (not the actor), in the office's language: the
    text is stored, whoever reads it."""
    url = reverse("slip_detail", args=[slip.pk])
    seen: set[int] = set()
    with translation.override(settings.LANGUAGE_CODE):
        text = str(message) % {"document": _describe(slip)}
        for person in people:
            if person is None or person.pk in seen or (actor is not None and person.pk == actor.pk):
                continue
            seen.add(person.pk)
            notify(recipient=person, text=text, url=url)


# --- The document's status -------------------------------------------------------------------------


def _record_handling(document: IncomingDocument) -> None:
    """Tell the registry where the document's handling stands after a slip changed:
    no slip, some open, or all done; and the earliest deadline of its open directed
    slips. The document's row is locked first (`_locked` has already locked it with
    the slip; a new slip has none), so two slips of one document changing at once
    are counted one after the other, the second seeing the first's change. Called
    before the audit event: the document, then the audit head, as the attachments
    app's index update takes them."""
    IncomingDocument.objects.select_for_update(no_key=True).filter(pk=document.pk).values_list("pk").get()
    slips = TransferSlip.objects.filter(document=document).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~Q(state=SlipState.DONE)),
        deadline=Min("deadline", filter=Q(state=SlipState.DIRECTED)),
    )
    state = Handling.NONE if not slips["total"] else Handling.OPEN if slips["open"] else Handling.DONE
    registry_services.incoming_handling_record(document=document, state=state, deadline=slips["deadline"])


# --- The slip's steps -----------------------------------------------------------------------------


def _locked(slip: TransferSlip) -> TransferSlip:
    # Two leaders may direct, or two handlers complete, the same slip at once: the
    # row lock makes the second see the first's state and be refused.
    return TransferSlip.objects.select_for_update().select_related("document", "organization").get(pk=slip.pk)


def _names(people: Iterable[Person | Organization]) -> list[str]:
    return [p.full_name if isinstance(p, Person) else p.name for p in people]


@transaction.atomic
def slip_send(
    *,
    actor: Person,
    document: IncomingDocument,
    leaders: Iterable[Person],
    note: str = "",
    sent_on: dt.date | None = None,
) -> TransferSlip:
    """Forward `document` to `leaders` for their direction. The actor is the office
    that registered it; each leader must direct the work of the document's committee
    and be cleared for its secrecy. `sent_on` is the day a slip that went out on
    paper was sent, when it is entered later (today when not given): not in the
    future, not before the document was received."""
    if not selectors.may_send(actor, document):
        raise PermissionDenied(_("Only the office that registered the document forwards it."))
    chosen = list({leader.pk: leader for leader in leaders}.values())
    note = note.strip()
    errors: list[str] = []
    if not chosen:
        errors.append(_("Choose at least one leader."))
    for leader in chosen:
        if leader.clearance < document.secrecy:
            errors.append(
                _("%(name)s is not cleared for this document's secrecy level.") % {"name": leader.full_name}
            )
        elif not can(leader, Action.DIRECT, document.organization):
            errors.append(
                _("%(name)s does not direct the work of this committee.") % {"name": leader.full_name}
            )
    problems: dict[str, list[str]] = {"leaders": errors} if errors else {}
    sent_at = timezone.now()
    if sent_on is not None and sent_on != timezone.localdate(sent_at):
        if sent_on > timezone.localdate(sent_at):
            problems["sent_on"] = [_("The day sent cannot be in the future.")]
        elif sent_on < document.received_on:
            problems["sent_on"] = [
                _("A slip cannot be sent before the document was received (%(date)s).")
                % {"date": formats.date_format(document.received_on, "SHORT_DATE_FORMAT")}
            ]
        # Entered later: that day, at the time of entering (the audit event keeps
        # when it was entered).
        sent_at = timezone.make_aware(dt.datetime.combine(sent_on, timezone.localtime(sent_at).time()))
    if problems:
        raise ValidationError(problems)
    slip = TransferSlip.objects.create(
        document=document,
        organization=document.organization,
        secrecy=document.secrecy,
        state=SlipState.SENT,
        sent_by=actor,
        sent_at=sent_at,
        note=note,
    )
    slip.sent_to.set(chosen)
    _record_handling(document)
    audit.record(
        actor=actor,
        action=AuditAction.SLIP_SENT,
        target=slip,
        after={**audit.snapshot(slip, ["document", "state", "sent_at", "note"]), "sent_to": _names(chosen)},
    )
    _tell(chosen, actor=actor, slip=slip, message=gettext_lazy("Awaiting your direction: %(document)s"))
    return slip


def _handler_problem(slip: TransferSlip, person: Person) -> str | None:
    """Why `person` may not handle the slip (None when they may): an active account
    holding a role today in an open unit of the committee's subtree (a unit closed
    today ends its roles today, but they still count as current), cleared for the
    slip."""
    if not person.is_active:
        return _("The account of %(name)s has been disabled.") % {"name": person.full_name}
    holds_role = (
        Membership.objects.current()
        .filter(
            person=person,
            organization__path__startswith=slip.organization.path,
            organization__closed_on__isnull=True,
        )
        .exists()
    )
    if not holds_role:
        return _("%(name)s holds no role in this committee or the units under it.") % {
            "name": person.full_name
        }
    if person.clearance < slip.secrecy:
        return _("%(name)s is not cleared for this document's secrecy level.") % {"name": person.full_name}
    return None


def _check_direction(
    slip: TransferSlip,
    *,
    instruction: str,
    lead_unit: Organization | None,
    lead_person: Person | None,
    co_units: list[Organization],
    co_persons: list[Person],
    directed_on: dt.date,
    deadline: dt.date | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if not instruction:
        errors["instruction"] = [_("Write the instruction (ý kiến chỉ đạo).")]
    if lead_unit is None and lead_person is None:
        errors["lead_unit"] = [_("Choose the unit or the person who leads the handling.")]
    if lead_unit is not None and (problem := unit_problem(slip.organization, lead_unit)):
        errors["lead_unit"] = [problem]
    if unit_problems := [p for unit in co_units if (p := unit_problem(slip.organization, unit))]:
        errors["co_units"] = unit_problems
    elif lead_unit is not None and lead_unit in co_units:
        errors["co_units"] = [_("The lead unit is not also a co-handling unit.")]
    if lead_person is not None and (problem := _handler_problem(slip, lead_person)):
        errors["lead_person"] = [problem]
    if person_problems := [p for person in co_persons if (p := _handler_problem(slip, person))]:
        errors["co_persons"] = person_problems
    sent_on = timezone.localdate(slip.sent_at)
    if directed_on > timezone.localdate():
        errors["directed_on"] = [_("The day of the direction cannot be in the future.")]
    elif directed_on < sent_on:
        errors["directed_on"] = [
            _("The direction cannot be dated before the slip was sent (%(date)s).")
            % {"date": formats.date_format(sent_on, "SHORT_DATE_FORMAT")}
        ]
    if deadline is not None and deadline < directed_on:
        errors["deadline"] = [_("The deadline cannot be before the day of the direction.")]
    if errors:
        raise ValidationError(errors)


def _unit_heads(unit: Organization | None, secrecy: int) -> list[Person]:
    """Who is told when a unit is named: its role holders other than plain members
    (its heads), or everyone in it when it has none; only those cleared."""
    if unit is None:
        return []
    current = Membership.objects.current().filter(organization=unit, person__clearance__gte=secrecy)
    heads = current.exclude(role=Role.MEMBER)
    chosen = heads if heads.exists() else current
    return [m.person for m in chosen.select_related("person").order_by("person__sort_key")]


@transaction.atomic
def slip_direct(
    *,
    actor: Person,
    slip: TransferSlip,
    instruction: str,
    lead_unit: Organization | None = None,
    lead_person: Person | None = None,
    co_units: Iterable[Organization] = (),
    co_persons: Iterable[Person] = (),
    directed_on: dt.date | None = None,
    deadline: dt.date | None = None,
) -> TransferSlip:
    """The leader's decision: the instruction, who leads the handling (a unit of the
    committee, a person, or both), who helps, and by when. Only a leader the slip
    was sent to, while it awaits direction.

    `directed_on` is the day the leader gave the instruction, when it is entered
    later from the paper slip (today when not given): not in the future, not before
    the slip was sent. The deadline runs from it, so it may already have passed."""
    slip = _locked(slip)
    if not (can(actor, Action.DIRECT, slip) and slip.sent_to.filter(pk=actor.pk).exists()):
        raise PermissionDenied(_("Only a leader this slip was sent to directs it."))
    if slip.state != SlipState.SENT:
        raise ValidationError(_("This slip has already been directed."))
    instruction = instruction.strip()
    units, persons = list(co_units), list(co_persons)
    directed_on = directed_on or timezone.localdate()
    _check_direction(
        slip,
        instruction=instruction,
        lead_unit=lead_unit,
        lead_person=lead_person,
        co_units=units,
        co_persons=persons,
        directed_on=directed_on,
        deadline=deadline,
    )
    before = audit.snapshot(slip, DIRECTION_FIELDS)
    slip.instruction = instruction
    slip.lead_unit = lead_unit
    slip.lead_person = lead_person
    slip.directed_on = directed_on
    slip.deadline = deadline
    slip.state = SlipState.DIRECTED
    slip.directed_by = actor
    slip.directed_at = timezone.now()
    slip.save(
        update_fields=[*DIRECTION_FIELDS, "directed_by", "directed_at"],
    )
    slip.co_units.set(units)
    slip.co_persons.set(persons)
    after = audit.snapshot(slip, DIRECTION_FIELDS)
    if units:
        after["co_units"] = _names(units)
    if persons:
        after["co_persons"] = _names(persons)
    _record_handling(slip.document)
    audit.record(actor=actor, action=AuditAction.SLIP_DIRECTED, target=slip, before=before, after=after)
    handlers = [lead_person] if lead_person is not None else _unit_heads(lead_unit, slip.secrecy)
    _tell(
        [*handlers, *persons],
        actor=actor,
        slip=slip,
        message=gettext_lazy("To handle: %(document)s"),
    )
    _tell([slip.sent_by], actor=actor, slip=slip, message=gettext_lazy("Directed: %(document)s"))
    return slip


def _check_handler(actor: Person, slip: TransferSlip) -> None:
    if not selectors.is_handler(actor, slip):
        raise PermissionDenied(_("Only the slip's handlers or the office record its handling."))
    if slip.state != SlipState.DIRECTED:
        raise ValidationError(_("Handling is recorded only while the slip is in progress."))


@transaction.atomic
def slip_progress(*, actor: Person, slip: TransferSlip, note: str) -> SlipProgress:
    """A handler's note on what has been done so far; the leader who directed the
    slip and the office are told."""
    slip = _locked(slip)
    _check_handler(actor, slip)
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Write what has been done.")})
    progress = SlipProgress.objects.create(slip=slip, author=actor, at=timezone.now(), text=note)
    audit.record(actor=actor, action=AuditAction.SLIP_PROGRESS, target=slip, after={"progress": note})
    _tell(
        [slip.directed_by, slip.sent_by],
        actor=actor,
        slip=slip,
        message=gettext_lazy("Progress reported: %(document)s"),
    )
    return progress


@transaction.atomic
def slip_complete(*, actor: Person, slip: TransferSlip, note: str = "") -> TransferSlip:
    """Handling is finished: the slip is done; the leader who directed it and the
    office are told."""
    slip = _locked(slip)
    _check_handler(actor, slip)
    before = audit.snapshot(slip, ["state"])
    slip.state = SlipState.DONE
    slip.completed_by = actor
    slip.completed_at = timezone.now()
    slip.completion_note = note.strip()
    slip.save(update_fields=["state", "completed_by", "completed_at", "completion_note"])
    _record_handling(slip.document)
    audit.record(
        actor=actor,
        action=AuditAction.SLIP_COMPLETED,
        target=slip,
        before=before,
        after=audit.snapshot(slip, ["state", "completion_note"]),
    )
    _tell(
        [slip.directed_by, slip.sent_by],
        actor=actor,
        slip=slip,
        message=gettext_lazy("Completed: %(document)s"),
    )
    return slip


@transaction.atomic
def notifications_read(*, actor: Person, notifications: Iterable[Notification] | None = None) -> int:
    """Mark the actor's notifications read (all unread ones when none are named).
    Personal state, not an official record: no audit event, on purpose."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notifications is not None:
        unread = unread.filter(pk__in=[n.pk for n in notifications])
    return unread.update(read_at=timezone.now())
