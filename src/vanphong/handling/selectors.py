"""Reads of document handling, and who may act on a slip: built on `core.permissions`
(roles, subtree, clearance) plus the slip's own people (its leaders and handlers)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vanphong.core.models import Membership, Organization, Person, Role
from vanphong.core.permissions import GRANTS, Action, can, may_anywhere, visible_to
from vanphong.core.selectors import subtree
from vanphong.handling.models import Notification, SlipState, TransferSlip
from vanphong.registry.models import IncomingDocument

DONE_SHOWN = 20
DIRECT_ROLES = [role for role, actions in GRANTS.items() if Action.DIRECT in actions]


def navigation(person: Person) -> list[tuple[str, str, str]]:
    """Handling's entries in the main menu: (label, url, name). The notifications
    entry carries the number of unread ones."""
    unread = unread_count(person)
    notifications = _("Notifications (%(count)d)") % {"count": unread} if unread else _("Notifications")
    items = [
        (_("My work"), reverse("handling_mine"), "handling-mine"),
        (notifications, reverse("notification_list"), "notifications"),
    ]
    if may_see_board(person):
        items.append((pgettext("menu", "Slip board"), reverse("slip_board"), "slip-board"))
    return items


# --- Who may do what to a slip ----------------------------------------------------------------


def _cleared(person: Person, slip: TransferSlip) -> bool:
    return person.is_authenticated and person.is_active and slip.secrecy <= person.clearance


def _current_units(person: Person) -> QuerySet[Membership, Any]:
    return Membership.objects.current().filter(person=person).values("organization")


def is_office_of(person: Person, slip: TransferSlip) -> bool:
    """The office of the slip's committee: its clerk (REGISTER) or its chiefs (ADMINISTER)."""
    return can(person, Action.REGISTER, slip) or can(person, Action.ADMINISTER, slip)


def may_send(person: Person, document: IncomingDocument) -> bool:
    """Only the office that registered the document forwards it to leaders."""
    return can(person, Action.REGISTER, document)


def may_direct(person: Person, slip: TransferSlip) -> bool:
    """One of the slip's leaders, still leading the committee and cleared for it."""
    return (
        slip.state == SlipState.SENT
        and can(person, Action.DIRECT, slip)
        and slip.sent_to.filter(pk=person.pk).exists()
    )


def is_handler(person: Person, slip: TransferSlip) -> bool:
    """The lead person, a co-handling person, anyone holding a role in the lead or a
    co-handling unit today, or the office; all cleared for the slip's secrecy."""
    if not _cleared(person, slip):
        return False
    if slip.lead_person_id == person.pk or slip.co_persons.filter(pk=person.pk).exists():
        return True
    units = [slip.lead_unit_id, *slip.co_units.values_list("pk", flat=True)]
    if Membership.objects.current().filter(person=person, organization_id__in=units).exists():
        return True
    return is_office_of(person, slip)


def may_handle(person: Person, slip: TransferSlip) -> bool:
    return slip.state == SlipState.DIRECTED and is_handler(person, slip)


def may_see_board(person: Person) -> bool:
    return may_anywhere(person, Action.REGISTER) or may_anywhere(person, Action.ADMINISTER)


# --- Slips a person may see -----------------------------------------------------------------------


def _involved_q(person: Person) -> Q:
    units = _current_units(person)
    return (
        Q(sent_to=person)
        | Q(directed_by=person)
        | Q(lead_person=person)
        | Q(co_persons=person)
        | Q(lead_unit__in=units)
        | Q(co_units__in=units)
    )


def _handling_q(person: Person) -> Q:
    units = _current_units(person)
    return Q(lead_person=person) | Q(co_persons=person) | Q(lead_unit__in=units) | Q(co_units__in=units)


def _ids(queryset: QuerySet[TransferSlip]) -> QuerySet[TransferSlip]:
    # Through the many-to-many joins a slip may match twice: compare by id instead.
    return queryset.values("pk")  # type: ignore[return-value]


def slips_visible_to(person: Person) -> QuerySet[TransferSlip]:
    """Slips of the committees `person` may see, and the slips they lead or handle
    (a handler in a unit far below the committee sees their own slip): never one
    classified above their clearance."""
    if not person.is_authenticated or not person.is_active:
        return TransferSlip.objects.none()
    in_scope = visible_to(person, TransferSlip.objects.all(), secrecy_field="secrecy")
    involved = TransferSlip.objects.filter(_involved_q(person), secrecy__lte=person.clearance)
    return TransferSlip.objects.filter(Q(pk__in=_ids(in_scope)) | Q(pk__in=_ids(involved)))


def _with_details(slips: QuerySet[TransferSlip]) -> QuerySet[TransferSlip]:
    return slips.select_related(
        "document__document_type", "organization", "lead_unit", "lead_person", "sent_by", "directed_by"
    )


def slip_detail(person: Person) -> QuerySet[TransferSlip]:
    return _with_details(slips_visible_to(person)).prefetch_related(
        "sent_to", "co_units", "co_persons", "progress__author"
    )


def document_slips(person: Person, document: IncomingDocument) -> QuerySet[TransferSlip]:
    return _with_details(slips_visible_to(person).filter(document=document)).prefetch_related("sent_to")


def _by_deadline(slips: QuerySet[TransferSlip], today: dt.date) -> QuerySet[TransferSlip]:
    """Overdue first, then by deadline (none last), then oldest sent first."""
    return slips.annotate(
        overdue_rank=Case(
            When(Q(deadline__lt=today) & ~Q(state=SlipState.DONE), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("overdue_rank", F("deadline").asc(nulls_last=True), "sent_at", "id")


def board(person: Person) -> QuerySet[TransferSlip]:
    """The office's board: every open slip of the committees it keeps, overdue first."""
    slips = TransferSlip.objects.all()
    registered = visible_to(person, slips, secrecy_field="secrecy", action=Action.REGISTER)
    administered = visible_to(person, slips, secrecy_field="secrecy", action=Action.ADMINISTER)
    mine = TransferSlip.objects.filter(Q(pk__in=_ids(registered)) | Q(pk__in=_ids(administered))).open()
    return _by_deadline(_with_details(mine), timezone.localdate()).prefetch_related("sent_to")


@dataclass
class MyWork:
    to_direct: list[TransferSlip]
    to_handle: list[TransferSlip]
    overdue: list[TransferSlip]
    done: list[TransferSlip]


def my_work(person: Person) -> MyWork:
    """What waits for `person`: slips to direct, slips to handle, the overdue among
    everything they direct or handle, and the latest done."""
    today = timezone.localdate()
    visible = _with_details(slips_visible_to(person))
    to_direct = visible.filter(state=SlipState.SENT, pk__in=_ids(TransferSlip.objects.filter(sent_to=person)))
    handling = _ids(TransferSlip.objects.filter(_handling_q(person)))
    involved = _ids(TransferSlip.objects.filter(_involved_q(person)))
    return MyWork(
        to_direct=list(_by_deadline(to_direct, today)),
        to_handle=list(_by_deadline(visible.filter(state=SlipState.DIRECTED, pk__in=handling), today)),
        overdue=list(
            _by_deadline(
                visible.filter(pk__in=_ids(TransferSlip.objects.overdue(today))).filter(pk__in=involved),
                today,
            )
        ),
        done=list(
            visible.filter(state=SlipState.DONE, pk__in=involved).order_by("-completed_at")[:DONE_SHOWN]
        ),
    )


# --- Choices on the forms -------------------------------------------------------------------------


def leader_candidates(document: IncomingDocument) -> QuerySet[Person]:
    """The people a document may be sent to: those who direct its committee's work
    today (Secretary, Deputy Secretaries, Standing Committee members, the Chief of
    Office) and are cleared for it."""
    organization = document.organization
    step = Organization.steplen
    above = [organization.path[: step * depth] for depth in range(1, organization.depth + 1)]
    # The committee and those above it, and any office (an office acts for its
    # committee); `can` below keeps exactly those whose grants reach the document.
    around = Q(organization__path__in=above) | Q(
        organization__kind__is_office=True, organization__depth__lte=organization.depth + 1
    )
    holders = (
        Person.objects.filter(
            is_active=True,
            clearance__gte=document.secrecy,
            memberships__in=Membership.objects.current().filter(around, role__in=DIRECT_ROLES),
        )
        .distinct()
        .order_by("sort_key", "id")
    )
    allowed = [person.pk for person in holders if can(person, Action.DIRECT, document)]
    return Person.objects.filter(pk__in=allowed).order_by("sort_key", "id")


def handler_units(slip: TransferSlip) -> QuerySet[Organization]:
    return subtree(slip.organization).select_related("kind").order_by("path")


def handler_candidates(slip: TransferSlip) -> QuerySet[Person]:
    """People who may lead the handling: holders of a role other than plain
    membership in an open unit of the committee's subtree today, cleared for the slip."""
    roles = Membership.objects.current().filter(
        organization__path__startswith=slip.organization.path, organization__closed_on__isnull=True
    )
    return (
        Person.objects.filter(
            is_active=True,
            clearance__gte=slip.secrecy,
            memberships__in=roles.exclude(role=Role.MEMBER),
        )
        .distinct()
        .order_by("sort_key", "id")
    )


# --- Notifications --------------------------------------------------------------------------------


def notifications_of(person: Person) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=person).order_by("-created_at", "-id")


def unread_count(person: Person) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).count()


def related_records(record: Any) -> list[TransferSlip]:
    """An incoming document's slips belong to its story: its page's timeline shows
    what was sent, directed and done on them (core's `record_history`)."""
    if isinstance(record, IncomingDocument):
        return list(TransferSlip.objects.filter(document=record))
    return []
