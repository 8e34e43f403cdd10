"""Reads of the citizens' letters: who may see and do what, the lists, the public status.

Called by the public site, with no login:

    public_status(code: str) -> PublicStatus | None

    What a citizen may see of their letter by its tracking code (spaces, dashes and
    case ignored): the day received, the state's label, the name of the unit it was
    forwarded to, the deadline, the day replied. None for an unknown code. Never the
    content, notes, the reply's text, the handler or anyone's identity.

Who sees letters: the committee's office staff and leaders (those who may register,
draft or direct for it), and the person assigned to handle a letter. A denouncer's
identity (name, contact, address) is shown only to the assigned handler and to those
granted `Action.SEE_DENOUNCER` (the committee's leaders and the office's chiefs);
everyone else reads "(được giữ bí mật)". A letter from the form is treated like a
denunciation until the office classifies it, since it may be one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vanphong.core.models import Membership, Organization, Person, Role
from vanphong.core.permissions import Action, can, may_anywhere, organizations_q
from vanphong.core.vietnamese import fold
from vanphong.letters.models import Letter, LetterKind, LetterState, ReceptionSession, normalize_code

MANAGE_ACTIONS = (Action.REGISTER, Action.DRAFT, Action.DIRECT)


def navigation(person: Person) -> list[tuple[str, str, str]]:
    if any(may_anywhere(person, action) for action in MANAGE_ACTIONS) or (
        person.is_authenticated and Letter.objects.filter(handler=person).exists()
    ):
        return [(pgettext("menu", "Citizens' letters"), reverse("letters_home"), "letters")]
    return []


# --- Who -----------------------------------------------------------------------------------------


def may_manage(person: Person, organization: Organization) -> bool:
    """May `person` register, classify and forward the letters of `organization`?"""
    return any(can(person, action, organization) for action in MANAGE_ACTIONS)


def may_edit_rules(person: Person) -> bool:
    """The time limits are the office's data: its chiefs (who direct) edit them."""
    return may_anywhere(person, Action.DIRECT) and may_anywhere(person, Action.ADMINISTER)


def may_reply(person: Person, letter: Letter) -> bool:
    return (letter.handler_id is not None and letter.handler_id == person.pk) or may_manage(
        person, letter.organization
    )


def identity_hidden(letter: Letter) -> bool:
    """Is this letter's sender protected as a denouncer?"""
    return letter.identity_protected


def may_see_identity(person: Person, letter: Letter) -> bool:
    if not identity_hidden(letter):
        return True
    if letter.handler_id is not None and letter.handler_id == person.pk:
        return True
    return can(person, Action.SEE_DENOUNCER, letter.organization)


def managed_organizations(person: Person) -> QuerySet[Organization]:
    condition = Q(pk__in=[])
    for action in MANAGE_ACTIONS:
        condition |= organizations_q(person, action)
    return Organization.objects.filter(condition, kind__is_office=False)


def letters_visible_to(person: Person) -> QuerySet[Letter]:
    if not person.is_authenticated or not person.is_active:
        return Letter.objects.none()
    return Letter.objects.filter(
        Q(organization__in=managed_organizations(person)) | Q(handler=person)
    ).select_related("organization", "forwarded_to", "handler", "duplicate_of")


def sessions_visible_to(person: Person) -> QuerySet[ReceptionSession]:
    if not person.is_authenticated or not person.is_active:
        return ReceptionSession.objects.none()
    return ReceptionSession.objects.filter(
        Q(organization__in=managed_organizations(person)) | Q(leader=person)
    ).select_related("organization", "leader", "event")


# --- Lists ---------------------------------------------------------------------------------------


def search(qs: QuerySet[Letter], q: str, *, person: Person) -> QuerySet[Letter]:
    """Letters whose subject, number or code matches `q`; the sender's name matches
    only on letters whose sender `person` may see (a search must not reveal who
    denounced whom)."""
    q = q.strip()
    if not q:
        return qs
    code = normalize_code(q)
    condition = Q(subject__icontains=q) | Q(content__icontains=q)
    if code:
        condition |= Q(tracking_code=code)
    if q.isdigit():
        condition |= Q(number=int(q))
    name_condition = Q(sender_name__icontains=q)
    if not may_anywhere(person, Action.SEE_DENOUNCER):
        name_condition &= (
            ~Q(kind__in=[LetterKind.DENUNCIATION, LetterKind.UNCLASSIFIED])
            | Q(anonymous=True)
            | Q(handler=person)
        )
    else:
        hidden_elsewhere = Q(
            kind__in=[LetterKind.DENUNCIATION, LetterKind.UNCLASSIFIED], anonymous=False
        ) & ~Q(organization__in=Organization.objects.filter(organizations_q(person, Action.SEE_DENOUNCER)))
        name_condition &= ~hidden_elsewhere | Q(handler=person)
    return qs.filter(condition | name_condition)


def overdue(qs: QuerySet[Letter], today: dt.date) -> QuerySet[Letter]:
    return qs.filter(state=LetterState.FORWARDED, deadline__lt=today).order_by("deadline", "id")


def _words(text: str) -> set[str]:
    return {w for w in fold(text).lower().split() if len(w) > 1}


def _similarity(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def likely_duplicates(letter: Letter, *, limit: int = 5) -> list[tuple[Letter, float]]:
    """Earlier or later letters of the same committee probably on the same matter: the
    same sender (name or contact, folded) and a similar subject, or a very similar
    subject alone. Scored by the share of words in common (Jaccard)."""
    candidates = (
        Letter.objects.filter(organization=letter.organization, duplicate_of__isnull=True)
        .exclude(pk=letter.pk)
        .exclude(duplicates=letter)
        .filter(received_on__gte=letter.received_on - dt.timedelta(days=730))
        .only(
            "id",
            "subject",
            "sender_name",
            "sender_contact",
            "received_on",
            "number",
            "register",
            "year",
            "kind",
        )
    )
    scored: list[tuple[Letter, float]] = []
    name, contact = fold(letter.sender_name).lower().strip(), letter.sender_contact.lower().strip()
    for other in candidates.iterator():
        score = _similarity(letter.subject, other.subject)
        same_sender = bool(
            (name and fold(other.sender_name).lower().strip() == name)
            or (contact and other.sender_contact.lower().strip() == contact)
        )
        if same_sender:
            score = 0.5 + score / 2
        if score >= 0.5:
            scored.append((other, round(score, 2)))
    scored.sort(key=lambda pair: (-pair[1], pair[0].received_on))
    return scored[:limit]


# --- The citizen's view --------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicStatus:
    code: str
    received_on: dt.date
    state: str
    state_label: str
    forwarded_to: str
    deadline: dt.date | None
    replied_on: dt.date | None


def public_state_label(letter: Letter) -> str:
    if letter.state == LetterState.REPLIED:
        return _("Answered by the competent body")
    if letter.state == LetterState.FORWARDED:
        return _("Forwarded to the competent body for handling")
    if letter.state == LetterState.FILED:
        return _("Filed: not within the conditions for handling")
    if letter.state == LetterState.DUPLICATE:
        return _("Merged with an earlier letter on the same matter")
    if letter.kind:
        return _("Received and classified; being considered")
    return _("Received; waiting to be classified")


def public_status(code: str) -> PublicStatus | None:
    code = normalize_code(code)
    if not code or len(code) > 20:
        return None
    letter = (
        Letter.objects.filter(tracking_code=code)
        .select_related("forwarded_to", "duplicate_of__forwarded_to")
        .first()
    )
    if letter is None:
        return None
    shown = letter
    if letter.state == LetterState.DUPLICATE and letter.duplicate_of is not None:
        # A duplicate follows its original's progress (its unit, deadline and reply).
        shown = letter.duplicate_of
    forwarded = shown.state in (LetterState.FORWARDED, LetterState.REPLIED)
    return PublicStatus(
        code=letter.display_code,
        received_on=letter.received_on,
        state=letter.state,
        state_label=public_state_label(letter),
        forwarded_to=shown.forwarded_to.name if forwarded and shown.forwarded_to else "",
        deadline=shown.deadline if forwarded else None,
        replied_on=shown.replied_on if shown.state == LetterState.REPLIED else None,
    )


def _handler_units(committee: Organization, unit: Organization | None) -> Q:
    """Where a handler may work: the competent unit's subtree and the committee's
    office (whose specialists handle what the committee keeps for itself)."""
    office = Q(
        organization__path__startswith=committee.path,
        organization__depth=committee.depth + 1,
        organization__kind__is_office=True,
    )
    if unit is None:
        return office
    return office | Q(organization__path__startswith=unit.path)


def handlers_for(committee: Organization, unit: Organization | None) -> QuerySet[Person]:
    """The people a letter of `committee` forwarded to `unit` may be assigned to: the
    active staff and leaders (not the rank-and-file members) of the unit's subtree
    and of the committee's office, each with the memberships that put them there
    (`handler_memberships`, to tell two people of one name apart)."""
    where = _handler_units(committee, unit)
    posts = Membership.objects.current().filter(where).exclude(role=Role.MEMBER)
    return (
        Person.objects.filter(is_active=True, pk__in=posts.values("person"))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=posts.select_related("organization").order_by("organization__path", "role"),
                to_attr="handler_memberships",
            )
        )
        .order_by("sort_key", "pk")
    )


def may_handle(person: Person, committee: Organization, unit: Organization) -> bool:
    posts = Membership.objects.current().filter(_handler_units(committee, unit)).exclude(role=Role.MEMBER)
    return person.is_active and posts.filter(person=person).exists()


def units_for_forwarding(organization: Organization) -> QuerySet[Organization]:
    """The competent units a committee forwards to: itself and the open units below it."""
    return Organization.objects.filter(path__startswith=organization.path, closed_on__isnull=True).order_by(
        "path"
    )
