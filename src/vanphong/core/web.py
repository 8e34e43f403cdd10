"""What every app's pages share: who is asking, the permission-checked fetch, and
running a form's service with its refusal shown on the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from vanphong.core.models import Person
from vanphong.core.permissions import Action, can, visible_to


def person_of(request: HttpRequest) -> Person:
    user = request.user
    assert isinstance(user, Person)
    return user


def get_checked(
    request: HttpRequest,
    queryset: QuerySet[Any],
    pk: int,
    action: Action,
    *,
    secrecy_field: str | None = None,
) -> Any:
    """The object if the person may do `action` to it: 404 when they may not even see
    it (so its existence does not leak), 403 when they may see but not act."""
    person = person_of(request)
    obj = get_object_or_404(visible_to(person, queryset, secrecy_field=secrecy_field), pk=pk)
    if action is not Action.VIEW and not can(person, action, obj):
        raise PermissionDenied
    return obj


def attach_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def submit(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    *,
    success: str,
    then: Callable[[Any], HttpResponse],
) -> HttpResponse | None:
    """For a valid POST, run the service and answer with `then(result)`; otherwise
    (a GET, invalid input, or the service's refusal attached to the form's fields)
    None, and the caller shows the form again with nothing saved."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save(form.cleaned_data)
    except ValidationError as error:
        attach_errors(form, error)
        return None
    messages.success(request, success)
    return then(result)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def stored_file(
    file: FieldFile, name: str, *, inline: bool | None = None, content_type: str | None = None
) -> FileResponse:
    """A stored file sent under its own name (RFC 5987 when not ASCII): open in the
    browser when `inline` (by default a PDF is), downloaded otherwise; never sniffed
    into something else, never kept by a shared cache. A file missing from the storage
    is a 404 like a record one may not see."""
    try:
        stream = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    is_pdf = name.lower().endswith(".pdf")
    response = FileResponse(
        stream,
        as_attachment=not (is_pdf if inline is None else inline),
        filename=name,
        content_type=content_type or ("application/pdf" if is_pdf else "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response
