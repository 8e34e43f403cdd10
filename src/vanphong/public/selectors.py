"""Reads for the public site and the office's page that writes it."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import pgettext

from vanphong.core.models import Organization, Person
from vanphong.core.permissions import Action, can
from vanphong.public.models import Announcement

SITE_KEY = "public:site-committee"


def site_committee() -> Organization | None:
    """The committee whose public site this is (kept a minute in the cache: every
    public page names it)."""
    committee = cache.get(SITE_KEY)
    if committee is None:
        committee = find_site_committee()
        if committee is not None:
            cache.set(SITE_KEY, committee, 60)
    return committee


def find_site_committee() -> Organization | None:
    """The root of the tree, or, when the root is only a frame with no office of its
    own here (the Central Committee above a city's committee), the highest committee
    that has an office."""
    root = Organization.objects.get_root_nodes().filter(closed_on__isnull=True).order_by("path").first()
    if root is None:
        return None
    offices = Organization.objects.filter(
        kind__is_office=True, path__startswith=root.path, closed_on__isnull=True
    ).order_by("depth", "path")
    office = offices.first()
    if office is None or office.depth <= 1:
        return root
    return Organization.objects.get_parent(office) or root


def published(committee: Organization) -> QuerySet[Announcement]:
    return Announcement.objects.filter(organization=committee, published_at__isnull=False).order_by(
        "-published_at", "-pk"
    )


def office_may_publish(person: Person) -> Organization | None:
    committee = site_committee()
    if committee is None or not can(person, Action.DRAFT, committee):
        return None
    return committee


def navigation(person: Person) -> list[tuple[str, str, str]]:
    if office_may_publish(person) is not None:
        return [(pgettext("menu", "Public site"), reverse("public_office"), "public")]
    return []
