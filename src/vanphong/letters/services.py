"""Every change to the citizens' letters and the reception sessions, each with its audit row.

Called by the public site (its contact form), with no actor:

    letter_receive_from_form(*, name: str, contact: str, subject: str, content: str,
                             client_hash: str = "") -> Letter

    It registers the letter, unclassified, in the register of the committee whose
    `LetterRules.receives_public_form` is set (else the tree's first root), and gives it
    a tracking code (`letter.tracking_code`, shown as `letter.display_code`). Raises
    a field-keyed ValidationError (keys: name, contact, subject, content) on bad input.
    See `selectors.public_status(code)` for what the citizen may then look up.

The office (staff who register, draft or direct for the committee, see
`selectors.may_manage`) registers letters received by post or in person, classifies
them, marks duplicates, files them, forwards them to the competent unit with a deadline
computed from `TimeLimit`, and records the reply; the assigned handler may record the
reply too. Audit events never carry the sender's identity: the audit trail is read by
people who may not see a denouncer's name. Each view of a denouncer's identity is an
audit event of its own (`identity_viewed`).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from vanphong.core import audit
from vanphong.core.models import Organization, Person
from vanphong.handling.services import notify
from vanphong.letters import selectors
from vanphong.letters.models import (
    REGISTER_OF_KIND,
    AnonymousRule,
    Channel,
    Letter,
    LetterKind,
    LetterRules,
    LetterState,
    ReceptionSession,
    RegisterCounter,
    SessionState,
    TimeLimit,
    Visit,
    new_tracking_code,
)


class AuditAction(StrEnum):
    RECEIVED = "letters.received"
    CLASSIFIED = "letters.classified"
    DUPLICATE_MARKED = "letters.duplicate_marked"
    FILED = "letters.filed"
    FORWARDED = "letters.forwarded"
    REPLIED = "letters.replied"
    IDENTITY_VIEWED = "letters.identity_viewed"
    TIME_LIMIT_CHANGED = "letters.time_limit_changed"
    RULES_CHANGED = "letters.rules_changed"
    SESSION_SCHEDULED = "letters.session_scheduled"
    SESSION_RECORDED = "letters.session_recorded"
    VISIT_RECORDED = "letters.visit_recorded"


AUDIT_LABELS = {
    AuditAction.RECEIVED: gettext_lazy("Letter received"),
    AuditAction.CLASSIFIED: gettext_lazy("Letter classified"),
    AuditAction.DUPLICATE_MARKED: gettext_lazy("Letter marked as a duplicate"),
    AuditAction.FILED: gettext_lazy("Letter filed without handling"),
    AuditAction.FORWARDED: gettext_lazy("Letter forwarded"),
    AuditAction.REPLIED: gettext_lazy("Reply to a letter recorded"),
    AuditAction.IDENTITY_VIEWED: gettext_lazy("Denouncer's identity viewed"),
    AuditAction.TIME_LIMIT_CHANGED: gettext_lazy("Time limit for letters changed"),
    AuditAction.RULES_CHANGED: gettext_lazy("Rules for letters changed"),
    AuditAction.SESSION_SCHEDULED: gettext_lazy("Reception session scheduled"),
    AuditAction.SESSION_RECORDED: gettext_lazy("Reception session recorded"),
    AuditAction.VISIT_RECORDED: gettext_lazy("Citizen received at a session"),
}

AUDIT_TARGET_PAGES = {"letters.letter": "letter_detail", "letters.receptionsession": "letter_session_detail"}

MAX_CONTENT = 20_000
MAX_SUBJECT = 300
MAX_NAME = 200


# --- Helpers -------------------------------------------------------------------------------------


def _public(letter: Letter) -> dict[str, Any]:
    """What the audit trail keeps of a letter: never the sender's identity."""
    return {
        "kind": letter.kind,
        "channel": letter.channel,
        "register_number": letter.register_number,
        "state": letter.state,
        "subject": letter.subject,
        "received_on": letter.received_on,
    }


def _check_manage(actor: Person, organization: Organization) -> None:
    if not selectors.may_manage(actor, organization):
        raise PermissionDenied


def _required(errors: dict[str, str], field: str, value: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = _("This field is required.")
    elif len(value) > limit:
        errors[field] = _("Too long: at most %(limit)d characters.") % {"limit": limit}
    return value


def _optional(errors: dict[str, str], field: str, value: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        errors[field] = _("Too long: at most %(limit)d characters.") % {"limit": limit}
    return value


def add_days(start: dt.date, days: int, *, working: bool) -> dt.date:
    """`days` days after `start`; working days skip Saturdays and Sundays (public
    holidays are not known to the product: verify long limits over Tết by hand)."""
    if not working:
        return start + dt.timedelta(days=days)
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def acceptance_due(kind: str, received_on: dt.date) -> dt.date | None:
    limit = TimeLimit.objects.filter(kind=kind).first() if kind else None
    if limit is None:
        return None
    return add_days(received_on, limit.acceptance_days, working=limit.acceptance_in_working_days)


def compute_deadline(kind: str, forwarded_on: dt.date, *, complex_case: bool = False) -> dt.date | None:
    """The deadline for the competent unit: the time to accept and the time to
    resolve, counted from the day it is forwarded (plus the extension for a complex
    case), as the office's `TimeLimit` rows say."""
    limit = TimeLimit.objects.filter(kind=kind).first() if kind else None
    if limit is None:
        return None
    accepted_by = add_days(forwarded_on, limit.acceptance_days, working=limit.acceptance_in_working_days)
    days = limit.resolution_days + (limit.complex_extra_days if complex_case else 0)
    return accepted_by + dt.timedelta(days=days)


def _take_number(letter: Letter) -> None:
    """The next number in the letter's register for its committee and year."""
    register = REGISTER_OF_KIND.get(LetterKind(letter.kind)) if letter.kind else None
    if register is None:
        letter.register, letter.number = "", None
        return
    counter, _created = RegisterCounter.objects.select_for_update().get_or_create(
        organization=letter.organization, register=register, year=letter.year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    letter.register, letter.number = register, counter.last


def _insert_with_code(letter: Letter) -> None:
    """Save a new letter with a fresh tracking code (drawn again on the rare clash)."""
    for _attempt in range(5):
        letter.tracking_code = new_tracking_code()
        try:
            with transaction.atomic():
                letter.save()
            return
        except IntegrityError:
            if Letter.objects.filter(tracking_code=letter.tracking_code).exists():
                continue
            raise
    raise RuntimeError("could not draw a unique tracking code")


def rules_of(organization: Organization) -> LetterRules:
    return LetterRules.objects.filter(organization=organization).first() or LetterRules(
        organization=organization
    )


def public_form_organization() -> Organization:
    rules = LetterRules.objects.filter(receives_public_form=True).select_related("organization").first()
    if rules is not None:
        return rules.organization
    root = Organization.objects.get_root_nodes().filter(closed_on__isnull=True).first()
    if root is None:
        raise ValidationError({"content": _("The office cannot receive letters yet.")})
    return root


def _anonymous_outcome(letter: Letter) -> tuple[str, str]:
    """The state and reason the office's rule gives an anonymous letter once classified."""
    if not letter.anonymous or not letter.kind:
        return LetterState.RECEIVED, ""
    rule = rules_of(letter.organization).rule_for(letter.kind)
    if rule == AnonymousRule.FILE or (rule == AnonymousRule.EVIDENCE and not letter.has_evidence):
        return LetterState.FILED, _("Anonymous letter filed without handling, by the office's rule.")
    return LetterState.RECEIVED, ""


# --- Receiving -----------------------------------------------------------------------------------


@transaction.atomic
def letter_receive_from_form(
    *, name: str, contact: str, subject: str, content: str, client_hash: str = ""
) -> Letter:
    errors: dict[str, str] = {}
    name = _required(errors, "name", name, MAX_NAME)
    contact = _required(errors, "contact", contact, MAX_NAME)
    subject = _required(errors, "subject", subject, MAX_SUBJECT)
    content = _required(errors, "content", content, MAX_CONTENT)
    if errors:
        raise ValidationError(errors)
    organization = public_form_organization()
    today = timezone.localdate()
    letter = Letter(
        organization=organization,
        channel=Channel.FORM,
        year=today.year,
        sender_name=name,
        sender_contact=contact,
        subject=subject,
        content=content,
        received_on=today,
        client_hash=(client_hash or "")[:64],
        state=LetterState.RECEIVED,
    )
    _insert_with_code(letter)
    audit.record(actor=None, action=AuditAction.RECEIVED, target=letter, after=_public(letter))
    return letter


@transaction.atomic
def letter_register(
    *,
    actor: Person,
    organization: Organization,
    channel: str,
    kind: str,
    received_on: dt.date,
    subject: str,
    content: str,
    sender_name: str = "",
    sender_contact: str = "",
    sender_address: str = "",
    anonymous: bool = False,
    has_evidence: bool = False,
    note: str = "",
) -> Letter:
    """A letter received by post or in person, registered by the office."""
    _check_manage(actor, organization)
    errors: dict[str, str] = {}
    if channel not in (Channel.POST, Channel.IN_PERSON):
        errors["channel"] = _("Choose how the letter came: by post or in person.")
    if kind not in LetterKind.values:
        errors["kind"] = _("Choose a valid kind.")
    subject = _required(errors, "subject", subject, MAX_SUBJECT)
    content = _required(errors, "content", content, MAX_CONTENT)
    sender_name = _optional(errors, "sender_name", sender_name, MAX_NAME)
    sender_contact = _optional(errors, "sender_contact", sender_contact, MAX_NAME)
    sender_address = _optional(errors, "sender_address", sender_address, 300)
    if not anonymous and not sender_name:
        errors["sender_name"] = _("Give the sender's name, or mark the letter as anonymous.")
    if anonymous and channel == Channel.IN_PERSON:
        errors["anonymous"] = _("A citizen received in person is not anonymous.")
    today = timezone.localdate()
    if received_on > today:
        errors["received_on"] = _("The day of receipt cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    letter = Letter(
        organization=organization,
        channel=channel,
        kind=kind,
        year=received_on.year,
        sender_name="" if anonymous else sender_name,
        sender_contact="" if anonymous else sender_contact,
        sender_address="" if anonymous else sender_address,
        anonymous=anonymous,
        has_evidence=has_evidence,
        subject=subject,
        content=content,
        received_on=received_on,
        received_by=actor,
        note=note.strip(),
    )
    _take_number(letter)
    letter.acceptance_due = acceptance_due(kind, received_on)
    letter.state, letter.filed_reason = _anonymous_outcome(letter)
    _insert_with_code(letter)
    audit.record(actor=actor, action=AuditAction.RECEIVED, target=letter, after=_public(letter))
    return letter


# --- Office work ---------------------------------------------------------------------------------


@transaction.atomic
def letter_classify(
    *,
    actor: Person,
    letter: Letter,
    kind: str,
    anonymous: bool | None = None,
    has_evidence: bool | None = None,
) -> Letter:
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    _check_manage(actor, letter.organization)
    if kind not in LetterKind.values or not kind:
        raise ValidationError({"kind": _("Choose a valid kind.")})
    if letter.state not in (LetterState.RECEIVED, LetterState.FILED):
        raise ValidationError({"kind": _("A letter already forwarded or answered is not classified again.")})
    before = _public(letter)
    old_register = letter.register
    letter.kind = kind
    if anonymous is not None:
        letter.anonymous = anonymous
    if has_evidence is not None:
        letter.has_evidence = has_evidence
    if REGISTER_OF_KIND[LetterKind(kind)] != old_register or letter.number is None:
        _take_number(letter)
    letter.acceptance_due = acceptance_due(kind, letter.received_on)
    if letter.duplicate_of_id is None:
        letter.state, letter.filed_reason = _anonymous_outcome(letter)
    letter.save()
    audit.record(
        actor=actor, action=AuditAction.CLASSIFIED, target=letter, before=before, after=_public(letter)
    )
    return letter


@transaction.atomic
def letter_mark_duplicate(*, actor: Person, letter: Letter, original: Letter | None) -> Letter:
    """Group `letter` under `original` (the first letter on the same matter), or
    ungroup it with `original=None`."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    _check_manage(actor, letter.organization)
    before = _public(letter) | {"duplicate_of": letter.duplicate_of_id}
    if original is not None:
        original = Letter.objects.get(pk=original.pk)
        if original.pk == letter.pk or original.organization_id != letter.organization_id:
            raise ValidationError({"original": _("Choose another letter of the same register.")})
        # Group under the first of the chain, so a group is one level deep.
        while original.duplicate_of_id is not None:
            original = original.duplicate_of
            assert original is not None
        if original.pk == letter.pk:
            raise ValidationError({"original": _("Choose another letter of the same register.")})
        if letter.state not in (LetterState.RECEIVED, LetterState.FILED, LetterState.DUPLICATE):
            raise ValidationError({"original": _("A letter already forwarded or answered is not grouped.")})
        Letter.objects.filter(duplicate_of=letter).update(duplicate_of=original)
        letter.duplicate_of = original
        letter.state = LetterState.DUPLICATE
    else:
        letter.duplicate_of = None
        if letter.state == LetterState.DUPLICATE:
            letter.state = LetterState.RECEIVED
    letter.save()
    audit.record(
        actor=actor,
        action=AuditAction.DUPLICATE_MARKED,
        target=letter,
        before=before,
        after=_public(letter) | {"duplicate_of": letter.duplicate_of_id},
    )
    return letter


@transaction.atomic
def letter_file(*, actor: Person, letter: Letter, reason: str) -> Letter:
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    _check_manage(actor, letter.organization)
    errors: dict[str, str] = {}
    reason = _required(errors, "reason", reason, 2000)
    if letter.state not in (LetterState.RECEIVED,):
        errors["reason"] = _("Only a letter not yet forwarded can be filed.")
    if errors:
        raise ValidationError(errors)
    before = _public(letter)
    letter.state = LetterState.FILED
    letter.filed_reason = reason
    letter.save()
    audit.record(actor=actor, action=AuditAction.FILED, target=letter, before=before, after=_public(letter))
    return letter


@transaction.atomic
def letter_forward(
    *,
    actor: Person,
    letter: Letter,
    unit: Organization,
    handler: Person | None = None,
    instruction: str = "",
    complex_case: bool = False,
    forwarded_on: dt.date | None = None,
) -> Letter:
    """Forward to the competent unit; the deadline comes from the kind's time limits."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    _check_manage(actor, letter.organization)
    today = timezone.localdate()
    forwarded_on = forwarded_on or today
    errors: dict[str, str] = {}
    if not letter.kind:
        errors["unit"] = _("Classify the letter before forwarding it.")
    elif letter.state == LetterState.FILED:
        errors["unit"] = _("This letter was filed without handling; classify it again to handle it.")
    elif letter.state not in (LetterState.RECEIVED, LetterState.FORWARDED):
        errors["unit"] = _("Only a letter received or forwarded can be forwarded.")
    if unit.closed_on is not None:
        errors["unit"] = _("This unit is closed.")
    if forwarded_on > today or forwarded_on < letter.received_on:
        errors["forwarded_on"] = _("The day must be between the day of receipt and today.")
    if handler is not None and not handler.is_active:
        errors["handler"] = _("This person's account is not active.")
    elif handler is not None and not selectors.may_handle(handler, letter.organization, unit):
        errors["handler"] = pgettext(
            "letter handler",
            "This person does not work in the chosen unit or in the office: choose the handler again.",
        )
    if errors:
        raise ValidationError(errors)
    deadline = compute_deadline(letter.kind, forwarded_on, complex_case=complex_case)
    newly_assigned = handler is not None and (
        handler.pk != letter.handler_id or letter.state != LetterState.FORWARDED
    )
    if deadline is None:
        raise ValidationError({"unit": _("No time limit is set for this kind of letter.")})
    before = _public(letter)
    letter.forwarded_to = unit
    letter.handler = handler
    letter.instruction = instruction.strip()
    letter.complex_case = complex_case
    letter.forwarded_on = forwarded_on
    letter.deadline = deadline
    letter.state = LetterState.FORWARDED
    letter.save()
    after = _public(letter) | {
        "forwarded_to": unit.name,
        "handler": handler.full_name if handler else "",
        "deadline": deadline,
    }
    audit.record(actor=actor, action=AuditAction.FORWARDED, target=letter, before=before, after=after)
    if newly_assigned and handler is not None and handler.pk != actor.pk:
        _tell_handler(letter, handler)
    return letter


def _tell_handler(letter: Letter, handler: Person) -> None:
    """In the app and by e-mail (after the commit). The text names the letter by its
    number, kind and deadline only: an e-mail may cross the Internet, and a letter's
    subject may say who denounced whom."""
    assert letter.deadline is not None
    text = _("You are assigned letter %(number)s (%(kind)s), to be handled by %(day)s.") % {
        "number": letter.register_number or letter.display_code,
        "kind": LetterKind(letter.kind).label,
        "day": letter.deadline.strftime("%d/%m/%Y"),
    }
    notify(recipient=handler, text=text, url=reverse("letter_detail", args=[letter.pk]))


@transaction.atomic
def letter_reply(*, actor: Person, letter: Letter, reply: str, replied_on: dt.date | None = None) -> Letter:
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if not selectors.may_reply(actor, letter):
        raise PermissionDenied
    today = timezone.localdate()
    replied_on = replied_on or today
    errors: dict[str, str] = {}
    reply = _required(errors, "reply", reply, MAX_CONTENT)
    if letter.state != LetterState.FORWARDED:
        errors["reply"] = _("Only a forwarded letter can be answered.")
    elif replied_on > today or (letter.forwarded_on and replied_on < letter.forwarded_on):
        errors["replied_on"] = _("The day must be between the day of forwarding and today.")
    if errors:
        raise ValidationError(errors)
    before = _public(letter)
    letter.reply = reply
    letter.replied_on = replied_on
    letter.replied_by = actor
    letter.state = LetterState.REPLIED
    letter.save()
    audit.record(
        actor=actor,
        action=AuditAction.REPLIED,
        target=letter,
        before=before,
        after=_public(letter)
        | {"replied_on": replied_on, "late": bool(letter.deadline and replied_on > letter.deadline)},
    )
    return letter


@transaction.atomic
def identity_viewed(*, actor: Person, letter: Letter, where: str) -> None:
    """One view of a denouncer's identity, on the page `where`."""
    audit.record(actor=actor, action=AuditAction.IDENTITY_VIEWED, target=letter, after={"where": where})


# --- Settings (data the office edits) ------------------------------------------------------------


@transaction.atomic
def time_limit_update(
    *,
    actor: Person,
    limit: TimeLimit,
    acceptance_days: int,
    resolution_days: int,
    complex_extra_days: int,
    acceptance_in_working_days: bool,
    legal_basis: str,
) -> TimeLimit:
    if not selectors.may_edit_rules(actor):
        raise PermissionDenied
    errors: dict[str, str] = {}
    for field, value in [
        ("acceptance_days", acceptance_days),
        ("resolution_days", resolution_days),
        ("complex_extra_days", complex_extra_days),
    ]:
        if value < 0 or value > 365:
            errors[field] = _("Give a number of days between 0 and 365.")
    if resolution_days == 0 and "resolution_days" not in errors:
        errors["resolution_days"] = _("Give a number of days between 1 and 365.")
    if errors:
        raise ValidationError(errors)
    limit = TimeLimit.objects.select_for_update().get(pk=limit.pk)
    fields = [
        "acceptance_days",
        "resolution_days",
        "complex_extra_days",
        "acceptance_in_working_days",
        "legal_basis",
    ]
    before = {f: getattr(limit, f) for f in fields}
    limit.acceptance_days, limit.resolution_days = acceptance_days, resolution_days
    limit.complex_extra_days = complex_extra_days
    limit.acceptance_in_working_days = acceptance_in_working_days
    limit.legal_basis = legal_basis.strip()[:300]
    limit.save()
    after = {f: getattr(limit, f) for f in fields}
    audit.record(actor=actor, action=AuditAction.TIME_LIMIT_CHANGED, target=limit, before=before, after=after)
    return limit


@transaction.atomic
def rules_update(*, actor: Person | None, organization: Organization, **values: Any) -> LetterRules:
    if actor is not None and not selectors.may_manage(actor, organization):
        raise PermissionDenied
    fields = [
        "receives_public_form",
        "anonymous_complaint",
        "anonymous_denunciation",
        "anonymous_petition",
        "anonymous_feedback",
    ]
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"unknown rules: {sorted(unknown)}")
    for field in fields[1:]:
        if field in values and values[field] not in AnonymousRule.values:
            raise ValidationError({field: _("Choose a valid rule.")})
    rules, _created = LetterRules.objects.select_for_update().get_or_create(organization=organization)
    before = {f: getattr(rules, f) for f in fields}
    for field, value in values.items():
        setattr(rules, field, value)
    if rules.receives_public_form:
        LetterRules.objects.exclude(pk=rules.pk).filter(receives_public_form=True).update(
            receives_public_form=False
        )
    rules.save()
    after = {f: getattr(rules, f) for f in fields}
    audit.record(
        actor=actor,
        action=AuditAction.RULES_CHANGED,
        target=rules,
        before=before,
        after=after,
        organization=organization,
    )
    return rules


# --- Reception sessions --------------------------------------------------------------------------


@transaction.atomic
def session_schedule(
    *,
    actor: Person,
    organization: Organization,
    leader: Person,
    day: dt.date,
    starts_at: dt.time | None = None,
    place: str = "",
    add_to_schedule: bool = False,
) -> ReceptionSession:
    """A leader's reception day. With `add_to_schedule`, it also goes into the
    committee's weekly schedule as a reception event (the schedule's own service,
    audited there), and the session is linked to it."""
    _check_manage(actor, organization)
    errors: dict[str, str] = {}
    if not leader.is_active:
        errors["leader"] = _("This person's account is not active.")
    if errors:
        raise ValidationError(errors)
    event = None
    if add_to_schedule:
        from vanphong.schedule import services as schedule_services
        from vanphong.schedule.models import EventKind

        event = schedule_services.event_create(
            actor=actor,
            organization=organization,
            day=day,
            title=_("Receiving citizens (tiếp công dân)"),
            kind=EventKind.RECEPTION,
            starts_at=starts_at,
            place=place.strip()[:300],
            presiding=leader,
            confirm_double_booking=True,
        )
    session = ReceptionSession.objects.create(
        organization=organization,
        leader=leader,
        day=day,
        starts_at=starts_at,
        place=place.strip()[:300],
        event=event,
    )
    audit.record(
        actor=actor,
        action=AuditAction.SESSION_SCHEDULED,
        target=session,
        after={
            "leader": leader.full_name,
            "day": day,
            "place": session.place,
            "event": event.pk if event else None,
        },
    )
    return session


@transaction.atomic
def session_record(*, actor: Person, session: ReceptionSession, state: str, summary: str) -> ReceptionSession:
    session = ReceptionSession.objects.select_for_update().get(pk=session.pk)
    _check_manage(actor, session.organization)
    if state not in SessionState.values:
        raise ValidationError({"state": _("Choose a valid state.")})
    if state == SessionState.HELD and session.day > timezone.localdate():
        raise ValidationError({"state": _("A session in the future cannot have been held.")})
    before = {"state": session.state, "summary": session.summary}
    session.state, session.summary = state, summary.strip()
    session.save()
    audit.record(
        actor=actor,
        action=AuditAction.SESSION_RECORDED,
        target=session,
        before=before,
        after={"state": session.state, "summary": session.summary},
    )
    return session


@transaction.atomic
def visit_record(
    *,
    actor: Person,
    session: ReceptionSession,
    visitor: str,
    about: str,
    decision: str = "",
    letters: list[Letter] | None = None,
) -> Visit:
    """One citizen received at a session, linked to the letters it concerns."""
    _check_manage(actor, session.organization)
    errors: dict[str, str] = {}
    visitor = _required(errors, "visitor", visitor, 300)
    about = _required(errors, "about", about, MAX_CONTENT)
    letters = letters or []
    if any(letter.organization_id != session.organization_id for letter in letters):
        errors["letters"] = _("Choose letters of this committee's register.")
    if errors:
        raise ValidationError(errors)
    visit = Visit.objects.create(session=session, visitor=visitor, about=about, decision=decision.strip())
    visit.letters.set(letters)
    # The visitor's name stays out of the audit trail (a visitor may be a denouncer).
    audit.record(
        actor=actor,
        action=AuditAction.VISIT_RECORDED,
        target=session,
        after={"visit": visit.pk, "letters": [letter.register_number or letter.pk for letter in letters]},
    )
    return visit
