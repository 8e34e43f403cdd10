"""The API tokens page: a person lists, creates and revokes their own tokens (the
system administrator everybody's). A new token is shown in the answer to the POST
that created it and never again: it is not kept, and the page is not cached."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vanphong.api import selectors, services
from vanphong.api.forms import TokenForm
from vanphong.api.models import ApiToken
from vanphong.core.web import is_htmx, person_of, submit


def _page(
    request: HttpRequest, form: TokenForm | None = None, created: tuple[ApiToken, str] | None = None
) -> HttpResponse:
    person = person_of(request)
    context: dict[str, Any] = {
        "form": form or TokenForm(),
        "tokens": selectors.tokens_visible_to(person),
        "everyone": selectors.manages_every_token(person),
        "created": created[0] if created else None,
        "secret": created[1] if created else None,
        "htmx": is_htmx(request),
    }
    template = "api/_tokens.html" if is_htmx(request) else "api/token_list.html"
    return render(request, template, context)


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The tokens, and the form creating one (a POST here answers with the new token)."""
    person = person_of(request)
    form = TokenForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.token_issue(actor=person, person=person, name=data["name"]),
        success=_("API token created."),
        then=lambda created: _page(request, created=created),
    )
    return done or _page(request, form)


@never_cache
@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a token this person may see: 404 for anybody else's, so that it does not
    even show whether the token exists."""
    token = get_object_or_404(selectors.tokens_visible_to(person_of(request)), pk=pk)
    try:
        services.token_revoke(actor=person_of(request), token=token)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("API token revoked."))
    if is_htmx(request):
        return _page(request)
    return redirect("apitoken_list")
