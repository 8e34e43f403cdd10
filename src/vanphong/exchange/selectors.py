"""Reads for the exchange pages: the electronic queue of the organizations one
registers for, and what became of a document sent to each recipient."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.translation import pgettext

from vanphong.core.models import Membership, Organization, Person, Role
from vanphong.core.permissions import Action, may_anywhere, visible_to
from vanphong.exchange.models import Delivery, DeliveryState


def navigation(person: Person) -> list[tuple[str, str, str]]:
    """The electronic inbox in the menu of those who register, with the number of
    documents waiting to be registered."""
    if not may_anywhere(person, Action.REGISTER):
        return []
    waiting = queue(person).exclude(state=DeliveryState.REGISTERED).count()
    label = (
        pgettext("menu", "Electronic inbox (%(count)d)") % {"count": waiting}
        if waiting
        else pgettext("menu", "Electronic inbox")
    )
    return [(label, reverse("delivery_queue"), "exchange")]


def clerks_of(organization: Organization) -> QuerySet[Person]:
    """Who registers what arrives at `organization`: its văn thư, or its office's."""
    holders = (
        Membership.objects.current()
        .filter(role=Role.CLERK)
        .filter(
            Q(organization=organization)
            | Q(
                organization__path__startswith=organization.path,
                organization__depth=organization.depth + 1,
                organization__kind__is_office=True,
            )
        )
    )
    return Person.objects.filter(is_active=True, pk__in=holders.values("person")).order_by("sort_key")


def receiving_organizations(person: Person) -> QuerySet[Organization]:
    return visible_to(
        person, Organization.objects.filter(closed_on__isnull=True), action=Action.REGISTER
    ).order_by("path")


def queue(person: Person) -> QuerySet[Delivery]:
    """Deliveries to the organizations `person` registers for: waiting ones first,
    then the registered, newest first."""
    waiting_first = Case(
        When(state=DeliveryState.REGISTERED, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    return (
        visible_to(person, Delivery.objects.all(), action=Action.REGISTER)
        .select_related("organization", "signature_check", "incoming")
        .order_by(waiting_first, "-sent_at", "-pk")
    )
