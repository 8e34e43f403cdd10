"""Reads for the exchange pages: the electronic queue of the organizations one
registers for, and what became of a document sent to each recipient."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils.translation import pgettext

from vanphong.core.models import Organization, Person
from vanphong.core.permissions import Action, may_anywhere, visible_to
from vanphong.exchange.models import Delivery, DeliveryState


def navigation(person: Person) -> list[tuple[str, str, str]]:
    if may_anywhere(person, Action.REGISTER):
        return [(pgettext("menu", "Electronic inbox"), reverse("delivery_queue"), "exchange")]
    return []


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
