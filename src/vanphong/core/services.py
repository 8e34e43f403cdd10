"""Domain operations on organizations, terms, people and memberships.

The only place that changes these records. Each service is keyword-only, takes the
acting person (None for the system itself), validates, writes, and appends exactly
one audit event in the same transaction. Access checks belong to the caller (the
view or API), which fetched the object through `permissions`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanphong.core import audit
from vanphong.core.models import (
    CongressTerm,
    Membership,
    Organization,
    OrganizationKind,
    Person,
    Role,
    Secrecy,
)
from vanphong.core.vietnamese import fold

ORGANIZATION_FIELDS = ["name", "abbreviation", "kind", "opened_on", "closed_on", "closing_note"]
PERSON_FIELDS = [
    "username",
    "full_name",
    "given_name",
    "gender",
    "birth_date",
    "joined_party_on",
    "email",
    "phone",
    "is_active",
]
MEMBERSHIP_FIELDS = ["person", "organization", "role", "started_on", "ended_on", "note"]


class AuditAction:
    """The named event types this app writes."""

    ORGANIZATION_CREATED = "organization.created"
    ORGANIZATION_CHANGED = "organization.changed"
    ORGANIZATION_MOVED = "organization.moved"
    ORGANIZATION_CLOSED = "organization.closed"
    TERM_ADDED = "term.added"
    PERSON_CREATED = "person.created"
    PERSON_CHANGED = "person.changed"
    PERSON_CLEARANCE_CHANGED = "person.clearance_changed"
    PEOPLE_IMPORTED = "person.imported"
    MEMBERSHIP_ADDED = "membership.added"
    MEMBERSHIP_ENDED = "membership.ended"
    SIGNED_IN = "auth.signed_in"
    SIGN_IN_FAILED = "auth.sign_in_failed"
    SIGNED_OUT = "auth.signed_out"
    PASSWORD_CHANGED = "auth.password_changed"
    PASSWORD_RESET = "auth.password_reset"


AUDIT_LABELS = {
    AuditAction.ORGANIZATION_CREATED: gettext_lazy("Organization created"),
    AuditAction.ORGANIZATION_CHANGED: gettext_lazy("Organization changed"),
    AuditAction.ORGANIZATION_MOVED: gettext_lazy("Organization moved"),
    AuditAction.ORGANIZATION_CLOSED: gettext_lazy("Organization closed"),
    AuditAction.TERM_ADDED: gettext_lazy("Congress term added"),
    AuditAction.PERSON_CREATED: gettext_lazy("Person added"),
    AuditAction.PERSON_CHANGED: gettext_lazy("Personal details changed"),
    AuditAction.PERSON_CLEARANCE_CHANGED: gettext_lazy("Clearance changed"),
    AuditAction.PEOPLE_IMPORTED: gettext_lazy("Members imported"),
    AuditAction.MEMBERSHIP_ADDED: gettext_lazy("Role added"),
    AuditAction.MEMBERSHIP_ENDED: gettext_lazy("Role ended"),
    AuditAction.SIGNED_IN: gettext_lazy("Signed in"),
    AuditAction.SIGN_IN_FAILED: gettext_lazy("Failed sign-in"),
    AuditAction.SIGNED_OUT: gettext_lazy("Signed out"),
    AuditAction.PASSWORD_CHANGED: gettext_lazy("Password changed"),
    AuditAction.PASSWORD_RESET: gettext_lazy("Password reset"),
}


# --- Organizations ------------------------------------------------------------------


def _check_abbreviation_free(
    parent: Organization | None,
    abbreviation: str,
    kind: OrganizationKind,
    exclude: Organization | None = None,
) -> None:
    """No two open units under one parent share an abbreviation, except committees
    with committees: a committee's abbreviation names its level, so every Tỉnh ủy
    under the centre signs /TU and every Đảng ủy xã under a province signs /ĐU, while
    an office or board must be told apart from its siblings (VPTU, BTCTU).

    `parent` must be freshly read (and locked): treebeard answers "no children" from
    the `numchild` the object holds, so a stale parent would hide every clash."""
    siblings = Organization.objects.get_children(parent) if parent else Organization.objects.get_root_nodes()
    clash = siblings.filter(abbreviation__iexact=abbreviation, closed_on__isnull=True)
    if kind.is_committee:
        clash = clash.filter(kind__is_committee=False)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ValidationError(
            {
                "abbreviation": _(
                    "Another organization under the same parent already uses the abbreviation “%(abbr)s”."
                )
                % {"abbr": abbreviation}
            }
        )


def _clean_text(value: str, field: str, message: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise ValidationError({field: message})
    return cleaned


def _check_kind_fits(parent: Organization | None, kind: OrganizationKind, field: str = "kind") -> None:
    """A unit's kind must rank below its parent's (kinds are ordered data: a Chi bộ
    under a Đảng ủy cơ sở, never a Trung ương under a Đảng ủy Khối)."""
    if parent is not None and kind.order <= parent.kind.order:
        raise ValidationError(
            {
                field: _("A unit of kind “%(kind)s” cannot be placed under a “%(parent_kind)s”.")
                % {"kind": kind.name, "parent_kind": parent.kind.name}
            }
        )


def _check_opened_on(opened_on: dt.date | None) -> None:
    if opened_on is not None and opened_on > timezone.localdate():
        raise ValidationError({"opened_on": _("The founding date cannot be in the future.")})


@transaction.atomic
def organization_create(
    *,
    actor: Person | None,
    parent: Organization | None,
    name: str,
    abbreviation: str,
    kind: OrganizationKind,
    opened_on: dt.date | None = None,
) -> Organization:
    name = _clean_text(name, "name", _("Enter the organization's name."))
    abbreviation = _clean_text(abbreviation, "abbreviation", _("Enter the abbreviation."))
    if parent is not None:
        # Lock the parent before checking: the abbreviation check and treebeard's path
        # for the new child both read its children, and two units added under one
        # parent at once must neither share a path nor an abbreviation. The fresh row
        # also carries the true `numchild` and `closed_on` (the caller's may be stale).
        parent = Organization.objects.select_for_update().get(pk=parent.pk)
        if not parent.is_open:
            raise ValidationError({"parent": _("A closed organization cannot receive new units.")})
    _check_opened_on(opened_on)
    _check_kind_fits(parent, kind)
    _check_abbreviation_free(parent, abbreviation, kind)
    fields: dict[str, Any] = {
        "name": name,
        "abbreviation": abbreviation,
        "kind": kind,
        "opened_on": opened_on,
        "search_name": fold(name),
    }
    if parent is None:
        organization = Organization.objects.add_root(create_kwargs=fields)
    else:
        organization = Organization.objects.add_child(parent, create_kwargs=fields)
    audit.record(
        actor=actor,
        action=AuditAction.ORGANIZATION_CREATED,
        target=organization,
        after={**audit.snapshot(organization, ORGANIZATION_FIELDS), "parent": parent.pk if parent else None},
    )
    return organization


@transaction.atomic
def organization_update(
    *,
    actor: Person | None,
    organization: Organization,
    name: str,
    abbreviation: str,
    kind: OrganizationKind,
    opened_on: dt.date | None,
) -> Organization:
    name = _clean_text(name, "name", _("Enter the organization's name."))
    abbreviation = _clean_text(abbreviation, "abbreviation", _("Enter the abbreviation."))
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if opened_on and organization.closed_on and opened_on > organization.closed_on:
        raise ValidationError({"opened_on": _("The founding date must be before the closing date.")})
    _check_opened_on(opened_on)
    parent = Organization.objects.get_parent(organization)
    if parent is not None:
        # The same lock organization_create takes, so a rename and a new sibling
        # cannot both claim one abbreviation.
        parent = Organization.objects.select_for_update().get(pk=parent.pk)
    _check_kind_fits(parent, kind)
    lowest_child = (
        Organization.objects.get_children(organization).order_by("kind__order").select_related("kind").first()
    )
    if lowest_child is not None and lowest_child.kind.order <= kind.order:
        raise ValidationError(
            {
                "kind": _("A unit of kind “%(kind)s” cannot be placed under a “%(parent_kind)s”.")
                % {"kind": lowest_child.kind.name, "parent_kind": kind.name}
            }
        )
    _check_abbreviation_free(parent, abbreviation, kind, exclude=organization)
    before = audit.snapshot(organization, ORGANIZATION_FIELDS)
    organization.name = name
    organization.abbreviation = abbreviation
    organization.kind = kind
    organization.opened_on = opened_on
    organization.search_name = fold(name)
    organization.save()
    audit.record(
        actor=actor,
        action=AuditAction.ORGANIZATION_CHANGED,
        target=organization,
        before=before,
        after=audit.snapshot(organization, ORGANIZATION_FIELDS),
    )
    return organization


@transaction.atomic
def organization_move(
    *, actor: Person | None, organization: Organization, new_parent: Organization
) -> Organization:
    """Move a unit and everything below it under `new_parent`. Memberships, terms and
    the audit trail stay with the moved rows; the old parent is kept in the event."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    new_parent = Organization.objects.select_for_update().get(pk=new_parent.pk)
    if new_parent.path.startswith(organization.path):
        raise ValidationError(
            {"parent": _("An organization cannot be moved under itself or one of its own units.")}
        )
    if not new_parent.is_open:
        raise ValidationError({"parent": _("A closed organization cannot receive new units.")})
    old_parent = Organization.objects.get_parent(organization)
    if old_parent is not None and old_parent.pk == new_parent.pk:
        raise ValidationError({"parent": _("The organization is already under this parent.")})
    _check_kind_fits(new_parent, organization.kind, field="new_parent")
    _check_abbreviation_free(new_parent, organization.abbreviation, organization.kind, exclude=organization)
    Organization.objects.move(organization, new_parent, pos="last-child")
    organization.refresh_from_db()
    audit.record(
        actor=actor,
        action=AuditAction.ORGANIZATION_MOVED,
        target=organization,
        before={"parent": old_parent.pk if old_parent else None, "parent_name": str(old_parent or "")},
        after={"parent": new_parent.pk, "parent_name": str(new_parent)},
    )
    return organization


@transaction.atomic
def organization_close(
    *, actor: Person | None, organization: Organization, closed_on: dt.date, note: str = ""
) -> Organization:
    """Close a unit (merged, dissolved). The row stays with its history; the
    memberships still open end on the closing day."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if not organization.is_open:
        raise ValidationError({"closed_on": _("This organization is already closed.")})
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("The closing date cannot be in the future.")})
    if organization.opened_on and closed_on < organization.opened_on:
        raise ValidationError({"closed_on": _("The closing date must be after the founding date.")})
    if Organization.objects.get_children(organization).filter(closed_on__isnull=True).exists():
        raise ValidationError({"closed_on": _("Close or move the units under this organization first.")})
    before = audit.snapshot(organization, ORGANIZATION_FIELDS)
    organization.closed_on = closed_on
    organization.closing_note = note.strip()
    organization.save()
    ended = Membership.objects.filter(organization=organization).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=closed_on)
    )
    ended_ids = list(ended.filter(started_on__lte=closed_on).values_list("pk", flat=True))
    Membership.objects.filter(pk__in=ended_ids).update(ended_on=closed_on)
    audit.record(
        actor=actor,
        action=AuditAction.ORGANIZATION_CLOSED,
        target=organization,
        before=before,
        after={**audit.snapshot(organization, ORGANIZATION_FIELDS), "memberships_ended": ended_ids},
    )
    return organization


@transaction.atomic
def term_add(
    *,
    actor: Person | None,
    organization: Organization,
    number: int,
    started_on: dt.date,
    ended_on: dt.date | None = None,
) -> CongressTerm:
    if ended_on is not None and ended_on <= started_on:
        raise ValidationError({"ended_on": _("A term must end after it starts.")})
    # Lock the committee, not only its terms: with no term yet there is no row to
    # lock, and two overlapping first terms added at once would both pass.
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if not organization.kind.is_committee:
        raise ValidationError({"number": _("Only a Party committee has congress terms.")})
    terms = CongressTerm.objects.filter(organization=organization)
    if terms.filter(number=number).exists():
        raise ValidationError({"number": _("This term number already exists.")})
    far_future = dt.date.max
    for term in terms:
        if started_on <= (term.ended_on or far_future) and term.started_on <= (ended_on or far_future):
            raise ValidationError({"started_on": _("The term overlaps %(term)s.") % {"term": str(term)}})
    term = CongressTerm.objects.create(
        organization=organization, number=number, started_on=started_on, ended_on=ended_on
    )
    audit.record(
        actor=actor,
        action=AuditAction.TERM_ADDED,
        target=term,
        after={"number": number, "started_on": started_on, "ended_on": ended_on},
    )
    return term


# --- People --------------------------------------------------------------------------


def _check_dates_of_person(birth_date: dt.date | None, joined_party_on: dt.date | None) -> None:
    today = timezone.localdate()
    if birth_date and birth_date > today:
        raise ValidationError({"birth_date": _("The date of birth cannot be in the future.")})
    if joined_party_on and joined_party_on > today:
        raise ValidationError({"joined_party_on": _("The admission date cannot be in the future.")})
    if birth_date and joined_party_on and joined_party_on <= birth_date:
        raise ValidationError({"joined_party_on": _("The admission date must be after the date of birth.")})


@transaction.atomic
def person_create(
    *,
    actor: Person | None,
    username: str,
    full_name: str,
    given_name: str = "",
    gender: str = "",
    birth_date: dt.date | None = None,
    joined_party_on: dt.date | None = None,
    email: str = "",
    phone: str = "",
    clearance: Secrecy = Secrecy.NONE,
    password: str | None = None,
    organization: Organization | None = None,
    role: Role = Role.MEMBER,
    started_on: dt.date | None = None,
) -> Person:
    """A new person, entered through the organization they belong to (their first
    membership is part of the same event). Without a password they cannot sign in,
    as most members never do. `organization` is None only for system accounts."""
    full_name = _clean_text(full_name, "full_name", _("Enter the full name."))
    if organization is not None and not organization.is_open:
        raise ValidationError({"organization": _("This organization is closed.")})
    username = username.strip()
    if not username:
        raise ValidationError({"username": _("Enter a username.")})
    if Person.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    _check_dates_of_person(birth_date, joined_party_on)
    if organization is not None:
        _check_role_free(
            person=None,
            organization=organization,
            role=role,
            started_on=started_on or timezone.localdate(),
            ended_on=None,
        )
    person = Person(
        username=username,
        gender=gender,
        birth_date=birth_date,
        joined_party_on=joined_party_on,
        email=email.strip(),
        phone=phone.strip(),
        clearance=clearance,
    )
    person.set_name(full_name, given_name.strip() or None)
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.save()
    after = {**audit.snapshot(person, PERSON_FIELDS), "clearance": int(clearance)}
    if organization is not None:
        membership = Membership.objects.create(
            person=person,
            organization=organization,
            role=role,
            started_on=started_on or timezone.localdate(),
        )
        after["membership"] = audit.snapshot(membership, MEMBERSHIP_FIELDS)
    audit.record(
        actor=actor,
        action=AuditAction.PERSON_CREATED,
        target=person,
        organization=organization,
        after=after,
    )
    return person


@transaction.atomic
def person_update(
    *,
    actor: Person | None,
    person: Person,
    full_name: str,
    given_name: str = "",
    gender: str = "",
    birth_date: dt.date | None = None,
    joined_party_on: dt.date | None = None,
    email: str = "",
    phone: str = "",
) -> Person:
    full_name = _clean_text(full_name, "full_name", _("Enter the full name."))
    _check_dates_of_person(birth_date, joined_party_on)
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = audit.snapshot(person, PERSON_FIELDS)
    person.set_name(full_name, given_name.strip() or None)
    person.gender = gender
    person.birth_date = birth_date
    person.joined_party_on = joined_party_on
    person.email = email.strip()
    person.phone = phone.strip()
    person.save()
    audit.record(
        actor=actor,
        action=AuditAction.PERSON_CHANGED,
        target=person,
        before=before,
        after=audit.snapshot(person, PERSON_FIELDS),
    )
    return person


@transaction.atomic
def person_set_clearance(*, actor: Person | None, person: Person, clearance: Secrecy) -> Person:
    """Clearance is its own event: who raised whose access to secrets, and when.
    Nobody grants a clearance above their own."""
    if actor is not None and clearance > actor.clearance:
        raise ValidationError({"clearance": _("You cannot grant a clearance higher than your own.")})
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = {"clearance": person.clearance}
    person.clearance = clearance
    person.save(update_fields=["clearance"])
    audit.record(
        actor=actor,
        action=AuditAction.PERSON_CLEARANCE_CHANGED,
        target=person,
        before=before,
        after={"clearance": int(clearance)},
    )
    return person


@dataclass(frozen=True)
class PersonRecord:
    """One row of a bulk import of members."""

    username: str
    full_name: str
    gender: str
    birth_date: dt.date | None
    joined_party_on: dt.date | None
    organization_id: int
    role: Role
    started_on: dt.date


_IMPORT_CHUNK = 500  # SQLite caps the parameters of one query; stay far below it.


def _chunks(values: Sequence[Any]) -> list[Sequence[Any]]:
    return [values[i : i + _IMPORT_CHUNK] for i in range(0, len(values), _IMPORT_CHUNK)]


def _check_import(organization: Organization, records: Sequence[PersonRecord]) -> None:
    """Everything `person_create` would check, for every row, before any is written;
    errors are keyed to `records` and name the row. A row may only place its person in
    `organization` or below it, in an open unit: the caller checked its right on that
    subtree and nowhere else."""
    seen: set[str] = set()
    for r in records:
        name = r.username.strip().lower()
        if not name or not " ".join(r.full_name.split()):
            raise ValidationError({"records": _("Every row needs a username and a full name.")})
        if name in seen:
            raise ValidationError(
                {"records": _("The list repeats the username “%(name)s”.") % {"name": r.username}}
            )
        seen.add(name)
        try:
            _check_dates_of_person(r.birth_date, r.joined_party_on)
        except ValidationError as error:
            raise ValidationError(
                {"records": [f"{r.username}: {message}" for message in error.messages]}
            ) from error
    lowered = [r.username.strip().lower() for r in records]
    taken: set[str] = set()
    for chunk in _chunks(lowered):
        taken.update(
            Person.objects.annotate(lowered=Lower("username"))
            .filter(lowered__in=chunk)
            .values_list("username", flat=True)
        )
    if taken:
        message = _("These usernames are already taken: %(names)s") % {"names": ", ".join(sorted(taken))}
        raise ValidationError({"records": message})
    wanted = sorted({r.organization_id for r in records})
    allowed: set[int] = set()
    for chunk in _chunks(wanted):
        allowed.update(
            Organization.objects.filter(
                pk__in=chunk, path__startswith=organization.path, closed_on__isnull=True
            ).values_list("pk", flat=True)
        )
    if outside := [pk for pk in wanted if pk not in allowed]:
        raise ValidationError(
            {
                "records": _("Some rows name a unit that is closed or outside %(organization)s: %(ids)s")
                % {"organization": organization, "ids": ", ".join(map(str, outside))}
            }
        )


@transaction.atomic
def people_import(
    *, actor: Person | None, organization: Organization, records: Sequence[PersonRecord]
) -> int:
    """Create many members with their memberships at once (a roll handed over on
    paper, the demo's thousands of members). One audit event names them all; rows
    are written in bulk because a per-row event would cost more than the rows."""
    _check_import(organization, records)
    usernames = [r.username.strip() for r in records]
    unusable = make_password(None)
    people = []
    for username, r in zip(usernames, records, strict=True):
        person = Person(
            username=username,
            gender=r.gender,
            birth_date=r.birth_date,
            joined_party_on=r.joined_party_on,
            password=unusable,
        )
        person.set_name(r.full_name)
        people.append(person)
    Person.objects.bulk_create(people, batch_size=1000)
    ids: dict[str, int] = {}
    for chunk in _chunks(usernames):
        ids.update(Person.objects.filter(username__in=chunk).values_list("username", "pk"))
    Membership.objects.bulk_create(
        [
            Membership(
                person_id=ids[username],
                organization_id=r.organization_id,
                role=r.role,
                started_on=r.started_on,
            )
            for username, r in zip(usernames, records, strict=True)
        ],
        batch_size=1000,
    )
    audit.record(
        actor=actor,
        action=AuditAction.PEOPLE_IMPORTED,
        target=organization,
        after={"count": len(records), "usernames": usernames},
    )
    return len(records)


# --- Memberships ----------------------------------------------------------------------


# Roles one person at a time holds in a unit.
SINGLE_HOLDER_ROLES = frozenset({Role.SECRETARY, Role.OFFICE_CHIEF, Role.UNIT_HEAD})


def _overlapping(memberships: Any, started_on: dt.date, ended_on: dt.date | None) -> Any:
    overlapping = memberships.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=started_on))
    return overlapping if ended_on is None else overlapping.filter(started_on__lte=ended_on)


def _check_role_free(
    *,
    person: Person | None,
    organization: Organization,
    role: Role,
    started_on: dt.date,
    ended_on: dt.date | None,
) -> None:
    """A unit has one Secretary (one Chief of Office) at a time, and a Party member is
    on one cell's roll at a time: moving them is ending one and starting the next."""
    if role in SINGLE_HOLDER_ROLES:
        holders = _overlapping(
            Membership.objects.filter(organization=organization, role=role), started_on, ended_on
        )
        if person is not None:
            holders = holders.exclude(person=person)
        holder = holders.select_related("person").first()
        if holder is not None:
            raise ValidationError(
                {
                    "role": _(
                        "%(person)s already holds this role in this unit for that period: end it first."
                    )
                    % {"person": holder.person.full_name}
                }
            )
    if role == Role.MEMBER and person is not None:
        roll = _overlapping(
            Membership.objects.filter(person=person, role=Role.MEMBER), started_on, ended_on
        ).exclude(organization=organization)
        current = roll.select_related("organization").first()
        if current is not None:
            raise ValidationError(
                {
                    "organization": _(
                        "A Party member belongs to one cell at a time; this person is on the roll of "
                        "%(unit)s for that period. End that first to transfer them."
                    )
                    % {"unit": current.organization.name}
                }
            )


@transaction.atomic
def membership_add(
    *,
    actor: Person | None,
    person: Person,
    organization: Organization,
    role: Role,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    note: str = "",
) -> Membership:
    if ended_on is not None and ended_on < started_on:
        raise ValidationError({"ended_on": _("A membership cannot end before it starts.")})
    if not organization.is_open:
        raise ValidationError({"organization": _("This organization is closed.")})
    if actor is not None and actor.pk == person.pk:
        raise ValidationError(
            {"role": _("Nobody records a role for themselves: another administrator must do it.")}
        )
    overlapping = _overlapping(
        Membership.objects.filter(person=person, organization=organization, role=role), started_on, ended_on
    )
    if overlapping.exists():
        raise ValidationError(
            {"role": _("This person already holds this role in this organization for that period.")}
        )
    # Serialize with other writers of this unit's roles (the checks below read them).
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    _check_role_free(
        person=person, organization=organization, role=role, started_on=started_on, ended_on=ended_on
    )
    membership = Membership.objects.create(
        person=person,
        organization=organization,
        role=role,
        started_on=started_on,
        ended_on=ended_on,
        note=note.strip(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.MEMBERSHIP_ADDED,
        target=membership,
        after=audit.snapshot(membership, MEMBERSHIP_FIELDS),
    )
    return membership


@transaction.atomic
def membership_end(*, actor: Person | None, membership: Membership, ended_on: dt.date) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.ended_on is not None and membership.ended_on <= timezone.localdate():
        raise ValidationError({"ended_on": _("This membership has already ended.")})
    if ended_on < membership.started_on:
        raise ValidationError({"ended_on": _("A membership cannot end before it starts.")})
    before = audit.snapshot(membership, MEMBERSHIP_FIELDS)
    membership.ended_on = ended_on
    membership.save(update_fields=["ended_on"])
    audit.record(
        actor=actor,
        action=AuditAction.MEMBERSHIP_ENDED,
        target=membership,
        before=before,
        after=audit.snapshot(membership, MEMBERSHIP_FIELDS),
    )
    return membership


# --- Sign-in events ---------------------------------------------------------------------


@transaction.atomic
def sign_in_record(*, person: Person) -> None:
    audit.record(actor=person, action=AuditAction.SIGNED_IN, target=person)


@transaction.atomic
def sign_in_failure_record(*, username: str, person: Person | None) -> None:
    """A failed attempt, audited against the account it tried (when it exists)."""
    if person is None:
        return
    audit.record(actor=None, action=AuditAction.SIGN_IN_FAILED, target=person, after={"username": username})


@transaction.atomic
def sign_out_record(*, person: Person) -> None:
    audit.record(actor=person, action=AuditAction.SIGNED_OUT, target=person)


@transaction.atomic
def password_change(*, actor: Person, person: Person, new_password: str, reset: bool = False) -> Person:
    """Set a new password (validated by the form) and audit it, never its value."""
    person.set_password(new_password)
    person.save(update_fields=["password"])
    audit.record(
        actor=actor,
        action=AuditAction.PASSWORD_RESET if reset else AuditAction.PASSWORD_CHANGED,
        target=person,
    )
    return person
