"""Reads for the archive's pages: the fonds one sees, the catalogue filtered, the
dossiers due for review, the documents one may file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.translation import pgettext

from vanphong.archive.models import DestructionDecision, Dossier, DossierItem, DossierState, Fonds
from vanphong.core.models import Organization, Person
from vanphong.core.permissions import Action, may_anywhere, visible_to
from vanphong.core.vietnamese import fold
from vanphong.registry import selectors as registry_selectors


def navigation(person: Person) -> list[tuple[str, str, str]]:
    """The archive in the menu of whoever may open a catalogue: its archivists, and
    those who read it (the office's chief, the Secretary, the clerk…) without keeping it."""
    if may_anywhere(person, Action.ARCHIVE) or (
        person.is_authenticated and fonds_visible_to(person).exists()
    ):
        return [(pgettext("menu", "Archive"), reverse("fonds_list"), "archive")]
    return []


def related_records(record: Any) -> list[Any]:
    """A destroyed dossier's story includes the decision that destroyed it (the
    decision's event names every dossier it destroyed)."""
    if isinstance(record, Dossier) and record.destruction_id:
        return [record.destruction]
    return []


def destructions_visible_to(person: Person) -> QuerySet[DestructionDecision]:
    """The decisions of the fonds one sees, each with the number of dossiers it destroyed."""
    return (
        visible_to(person, DestructionDecision.objects.select_related("fonds", "recorded_by"))
        .annotate(dossier_count=Count("dossiers"))
        .order_by("-decided_on", "-pk")
    )


def fonds_visible_to(person: Person, action: Action = Action.VIEW) -> QuerySet[Fonds]:
    return visible_to(person, Fonds.objects.select_related("organization"), action=action).order_by("number")


def archive_organizations(person: Person) -> QuerySet[Organization]:
    """The open organizations whose archive `person` keeps and that have no fonds yet."""
    return visible_to(
        person, Organization.objects.filter(closed_on__isnull=True, fonds__isnull=True), action=Action.ARCHIVE
    ).order_by("path")


def dossiers_visible_to(person: Person) -> QuerySet[Dossier]:
    """Dossiers of the fonds one sees, never above one's clearance."""
    return visible_to(person, Dossier.objects.all(), secrecy_field="secrecy").select_related(
        "fonds", "box", "destruction"
    )


@dataclass(frozen=True)
class CatalogueFilters:
    query: str = ""
    year: int | None = None
    state: str = ""  # "", open, closed, destroyed
    retention: str = ""  # "", permanent, term
    box: int | None = None


def catalogue(person: Person, fonds: Fonds, filters: CatalogueFilters) -> QuerySet[Dossier]:
    """The catalogue (mục lục hồ sơ) of `fonds`, in catalogue order, filtered: words
    of the title or symbol (accents optional), a year the dossier spans, its state,
    permanent or with a term, its box."""
    dossiers = dossiers_visible_to(person).filter(fonds=fonds)
    for word in fold(filters.query).split():
        dossiers = dossiers.filter(search_text__contains=word)
    if filters.year:
        dossiers = dossiers.filter(
            Q(started_on__year__lte=filters.year) | Q(started_on__isnull=True),
            Q(ended_on__year__gte=filters.year) | Q(ended_on__isnull=True),
        ).exclude(started_on__isnull=True, ended_on__isnull=True)
    if filters.state:
        dossiers = dossiers.filter(state=filters.state)
    if filters.retention == "permanent":
        dossiers = dossiers.filter(retention_years__isnull=True)
    elif filters.retention == "term":
        dossiers = dossiers.filter(retention_years__isnull=False)
    if filters.box:
        dossiers = dossiers.filter(box_id=filters.box)
    return dossiers.order_by("catalogue", "number")


def due_for_review(person: Person, fonds: Fonds, on: dt.date) -> QuerySet[Dossier]:
    """Closed dossiers with a term whose term has run out by `on`: the end of the
    year they end in plus the years kept (`Dossier.review_due_on`)."""
    return (
        dossiers_visible_to(person)
        .filter(fonds=fonds, state=DossierState.CLOSED, retention_years__isnull=False, ended_on__isnull=False)
        .annotate(due_year=ExtractYear("ended_on") + F("retention_years"))
        .filter(due_year__lt=on.year)
        .order_by("catalogue", "number")
    )


def filable_documents(person: Person, dossier: Dossier, query: str) -> dict[str, list[Any]]:
    """Registry documents matching `query` (the registry's own search: accents
    optional, symbols by their parts), of the dossier's organization or those below
    it, not above its secrecy, not filed yet: what the archivist picks from."""
    if not query.strip():
        return {"incoming": [], "outgoing": []}
    path = dossier.organization.path

    def keep(documents: list[Any], field: str) -> list[Any]:
        filed = set(
            DossierItem.objects.filter(**{f"{field}__in": [d.pk for d in documents]}).values_list(
                field, flat=True
            )
        )
        return [
            d
            for d in documents
            if d.organization.path.startswith(path) and d.secrecy <= dossier.secrecy and d.pk not in filed
        ][:10]

    incoming = registry_selectors.incoming_results(person, registry_selectors.IncomingFilters(query=query))
    outgoing = registry_selectors.outgoing_results(person, registry_selectors.OutgoingFilters(query=query))
    return {"incoming": keep(incoming[0:30], "incoming"), "outgoing": keep(outgoing[0:30], "outgoing")}
