"""Reads for the drafting pages: which drafts one sees, whose turn it is, who may be
chosen as reviewer or signer, and the difference between two versions."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy, pgettext

from vanphong.core.models import Membership, Organization, Person
from vanphong.core.permissions import GRANTS, Action, can, may_anywhere, organizations_q
from vanphong.drafting.models import Decision, Draft, DraftState, DraftTemplate, DraftVersion, ReviewStep
from vanphong.registry.models import DocumentType

DIRECT_ROLES = [role for role, actions in GRANTS.items() if Action.DIRECT in actions]
REVIEW_ROLES = [role for role, actions in GRANTS.items() if {Action.DIRECT, Action.DRAFT} & set(actions)]


def navigation(person: Person) -> list[tuple[str, str, str]]:
    """Drafting's entry in the main menu, for those who draft, review or sign."""
    if may_anywhere(person, Action.DRAFT) or may_anywhere(person, Action.DIRECT):
        return [(pgettext("menu", "Drafts"), reverse("draft_list"), "drafts")]
    return []


def drafts_visible_to(person: Person) -> QuerySet[Draft]:
    """The drafts `person` works on: those of the organizations they draft for or
    direct, any they draft, review or sign, and the signed ones of the organizations
    they register for; never above their clearance."""
    if not person.is_authenticated or not person.is_active:
        return Draft.objects.none()
    involved = (
        Q(drafter=person)
        | Q(signer=person)
        | Q(pk__in=ReviewStep.objects.filter(reviewer=person).values("draft"))
        | Q(organization__in=Organization.objects.filter(organizations_q(person, Action.DRAFT)))
        | Q(organization__in=Organization.objects.filter(organizations_q(person, Action.DIRECT)))
        # The issuer's văn thư sends and files what was signed: they see it once signed.
        | Q(
            state=DraftState.SIGNED,
            organization__in=Organization.objects.filter(organizations_q(person, Action.REGISTER)),
        )
    )
    return (
        Draft.objects.filter(involved, secrecy__lte=person.clearance)
        .select_related("document_type", "organization", "signer", "drafter", "outgoing")
        .order_by("-updated_at", "-pk")
    )


@dataclass(frozen=True)
class DraftLists:
    to_act: list[Draft]  # waiting for me: my review, my signature, my revision
    mine: list[Draft]  # drafts I write, not signed yet
    others: list[Draft]  # the rest I can see, recent first


def draft_lists(person: Person, limit: int = 50) -> DraftLists:
    """The drafts page: what waits for `person`, what they are writing, the rest."""
    to_act, mine, others = [], [], []
    for draft in drafts_visible_to(person)[:500]:
        if draft.state != DraftState.SIGNED and whose_turn(draft) == person:
            to_act.append(draft)
        elif draft.drafter_id == person.pk and draft.state != DraftState.SIGNED:
            mine.append(draft)
        else:
            others.append(draft)
    return DraftLists(to_act=to_act, mine=mine, others=others[:limit])


def pending_step(draft: Draft) -> ReviewStep | None:
    """The reviewer's step whose turn it is, in the current round."""
    if draft.state != DraftState.IN_REVIEW:
        return None
    return (
        draft.steps.filter(round=draft.review_round, decision=Decision.PENDING)
        .select_related("reviewer")
        .order_by("position")
        .first()
    )


def whose_turn(draft: Draft) -> Person | None:
    """Who the draft waits for: the reviewer whose turn it is, the signer, or the
    drafter (while drafting or after a return); nobody once signed."""
    if draft.state == DraftState.IN_REVIEW:
        step = pending_step(draft)
        return step.reviewer if step else None
    if draft.state == DraftState.AWAITING_SIGNATURE:
        return draft.signer
    if draft.state in (DraftState.DRAFTING, DraftState.RETURNED):
        return draft.drafter
    return None


def rounds_of(draft: Draft) -> list[tuple[int, list[ReviewStep]]]:
    """The review rounds, newest first, each with its steps in order."""
    rounds: dict[int, list[ReviewStep]] = {}
    for step in draft.steps.select_related("reviewer", "version").order_by("-round", "position"):
        rounds.setdefault(step.round, []).append(step)
    return list(rounds.items())


def drafting_organizations(person: Person) -> QuerySet[Organization]:
    """The open organizations `person` drafts for."""
    return Organization.objects.filter(
        organizations_q(person, Action.DRAFT), closed_on__isnull=True
    ).order_by("path")


def _around(organization: Organization) -> Q:
    """The organization, the committees above it and the offices beside it: where
    the people who direct or review its documents hold their roles."""
    step = Organization.steplen
    above = [organization.path[: step * depth] for depth in range(1, organization.depth + 1)]
    return (
        Q(organization__path__in=above)
        | Q(
            organization__path__startswith=organization.path[: step * max(organization.depth - 1, 1)],
            organization__kind__is_office=True,
            organization__depth__lte=organization.depth + 1,
        )
        | Q(organization__path__startswith=organization.path, organization__depth=organization.depth + 1)
    )


def signer_candidates(organization: Organization) -> QuerySet[Person]:
    """Those who sign for `organization` today (the service checks the one chosen)."""
    holders = Person.objects.filter(
        is_active=True,
        memberships__in=Membership.objects.current().filter(_around(organization), role__in=DIRECT_ROLES),
    ).distinct()
    allowed = [person.pk for person in holders if can(person, Action.DIRECT, organization)]
    return Person.objects.filter(pk__in=allowed).order_by("sort_key", "id")


def reviewer_candidates(organization: Organization) -> QuerySet[Person]:
    """Those who may review a draft of `organization`: its leaders, the Chief of
    Office and deputies, the heads and specialists of its office and boards."""
    return (
        Person.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.current().filter(_around(organization), role__in=REVIEW_ROLES),
        )
        .distinct()
        .order_by("sort_key", "id")
    )


def default_reviewers(organization: Organization, drafter: Person) -> list[Person]:
    """Who a draft goes to first by default: the Chief of its office."""
    chiefs = (
        Person.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.current().filter(_around(organization), role="office_chief"),
        )
        .exclude(pk=drafter.pk)
        .distinct()
    )
    return list(chiefs[:1])


# --- Comparing two versions ---------------------------------------------------------------------

FIELD_LABELS = {
    "document_type": gettext_lazy("Document type"),
    "superior_body": gettext_lazy("Superior body"),
    "issuing_body": gettext_lazy("Issuing body"),
    "place": gettext_lazy("Place"),
    "signature": gettext_lazy("Signature block"),
    "signer": gettext_lazy("Signer"),
    "recipients": gettext_lazy("Recipients"),
    "keep_copy": gettext_lazy("Copy kept by"),
    "secrecy": gettext_lazy("Secrecy"),
    "urgency": gettext_lazy("Urgency"),
}


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Diff:
    older: DraftVersion
    newer: DraftVersion
    fields: list[FieldChange]
    abstract: list[tuple[str, str]]  # (op, text): op is "", "-" or "+"
    body: list[list[tuple[str, str]]]  # one list of pieces per line of the body

    @property
    def is_empty(self) -> bool:
        return (
            not self.fields
            and all(op == "" for op, _text in self.abstract)
            and all(op == "" for line in self.body for op, _text in line)
        )


_WORDS = re.compile(r"\s*\S+\s*")


def _word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Word-level differences: what a reviewer reads as struck and inserted words."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("-", "".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(("+", "".join(new[j1:j2])))
    return pieces


def _similar(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(a=_WORDS.findall(a), b=_WORDS.findall(b), autojunk=False).ratio() > 0.5


def _line_diff(before: str, after: str) -> list[list[tuple[str, str]]]:
    """Lines (paragraphs) matched first; a changed paragraph that still resembles
    its old self is shown word by word, others as removed and added whole."""
    old, new = before.splitlines(), after.splitlines()
    lines: list[list[tuple[str, str]]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            lines += [[("", line)] for line in old[i1:i2]]
            continue
        removed, added = old[i1:i2], new[j1:j2]
        while removed or added:
            if removed and added and _similar(removed[0], added[0]):
                lines.append(_word_diff(removed.pop(0), added.pop(0)))
            elif removed and (not added or not any(_similar(removed[0], line) for line in added)):
                lines.append([("-", removed.pop(0))])
            else:
                lines.append([("+", added.pop(0))])
    return lines


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value or "")


def version_diff(older: DraftVersion, newer: DraftVersion) -> Diff:
    """What changed from `older` to `newer`: header fields, the abstract word by
    word, and the body paragraph by paragraph, word by word."""
    fields = [
        FieldChange(
            label=str(label), before=_shown(older.fields.get(key)), after=_shown(newer.fields.get(key))
        )
        for key, label in FIELD_LABELS.items()
        if older.fields.get(key) != newer.fields.get(key)
    ]
    return Diff(
        older=older,
        newer=newer,
        fields=fields,
        abstract=_word_diff(older.abstract, newer.abstract),
        body=_line_diff(older.body_text, newer.body_text),
    )


def related_records(record: Any) -> list[Any]:
    """An outgoing document's timeline shows its draft's events too."""
    draft = getattr(record, "draft", None) if record.__class__.__name__ == "OutgoingDocument" else None
    return [draft] if isinstance(draft, Draft) else []


def recipient_choices(issuer: Organization) -> QuerySet[Organization]:
    """The organizations a document of `issuer` is usually sent to in the system: the
    committee above and its neighbours under that committee, and the committees,
    offices and boards two levels below it (a city's documents go to its Party
    committees and to their grassroots committees). Chi bộ receive through their
    committee, which keeps the list short."""
    parent = Organization.objects.get_parent(issuer)
    base = parent if parent is not None else issuer
    return (
        Organization.objects.filter(closed_on__isnull=True, path__startswith=base.path)
        .filter(Q(depth__lte=base.depth + 1) | Q(path__startswith=issuer.path, depth__lte=issuer.depth + 2))
        .exclude(pk=issuer.pk)
        .exclude(kind__code__endswith="cell")
        .select_related("kind")
        .order_by("path")
    )


def starting_values(document_type: DocumentType | None) -> dict[str, Any]:
    """What a new draft of `document_type` starts with (its `DraftTemplate`)."""
    if document_type is None:
        return {}
    template = DraftTemplate.objects.filter(document_type=document_type).first()
    if template is None:
        return {"document_type": document_type}
    return {
        "document_type": document_type,
        "body_html": template.body_html,
        "signature_form": template.signature_form,
        "on_behalf_of": template.on_behalf_of,
        "signer_title": template.signer_title,
    }


def draft_types() -> QuerySet[DocumentType]:
    """The types offered first on the new-draft page: those with a template."""
    return DocumentType.objects.filter(pk__in=DraftTemplate.objects.values("document_type")).order_by("order")


def usual_place(issuer: Organization | None) -> str:
    """The place the issuer's documents are dated from: that of its latest draft."""
    if issuer is None:
        return ""
    return (
        Draft.objects.filter(organization=issuer)
        .order_by("-created_at")
        .values_list("place", flat=True)
        .first()
        or ""
    )
