"""What every part of the API shares: the refusals an endpoint may answer, related
records named in the output, and choices among those the page's form would offer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar, overload

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from vanphong.api.schemas import ErrorOut, ValidationErrorOut
from vanphong.core.models import Organization, Person

M = TypeVar("M", bound=models.Model)

# Every endpoint may answer these: no or a bad token, a caller who may not see the
# record (or it does not exist), input refused by the parser or by the service.
REFUSALS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
ACTION_REFUSALS: dict[int, Any] = {**REFUSALS, 403: ErrorOut}


def ref(organization: Organization | None) -> dict[str, Any] | None:
    return None if organization is None else {"id": organization.pk, "name": organization.name}


def person_ref(person: Person | None) -> dict[str, Any] | None:
    return None if person is None else {"id": person.pk, "full_name": person.full_name}


def invalid_choice(field: str) -> ValidationError:
    return ValidationError(
        {field: _("Select a valid choice. That choice is not one of the available choices.")}
    )


@overload
def one(queryset: QuerySet[M], pk: int, field: str) -> M: ...
@overload
def one(queryset: QuerySet[M], pk: int | None, field: str) -> M | None: ...
def one(queryset: QuerySet[M], pk: int | None, field: str) -> M | None:
    """The chosen record among those the page's form would offer, or a 422 on `field`."""
    if pk is None:
        return None
    chosen = queryset.filter(pk=pk).first()
    if chosen is None:
        raise invalid_choice(field)
    return chosen


def some(queryset: QuerySet[M], pks: Iterable[int], field: str) -> list[M]:
    wanted = set(pks)
    chosen = list(queryset.filter(pk__in=wanted))
    if len(chosen) != len(wanted):
        raise invalid_choice(field)
    return chosen
