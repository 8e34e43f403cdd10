"""The public site: open without login, no internal data, no JavaScript needed.

Pages are rendered without the request's context processors (no `user`, no menu, no
CSRF token), so an anonymous page touches no session and sets no cookie: it answers
with `Cache-Control: public, max-age=…` and an ETag (304 when unchanged), and a
cache in front may keep it. The contact form is the exception (a new check each
time): `no-store`. It is exempt from CSRF on purpose: it is posted by anonymous
citizens, so a forged post could do nothing a direct one cannot; the one-time check,
the honeypot and the rate limit per client are what guard it.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from vanphong.core.web import attach_errors
from vanphong.letters import selectors as letter_selectors
from vanphong.letters import services as letter_services
from vanphong.public import selectors, visits
from vanphong.public.forms import ContactForm, LookupForm
from vanphong.public.middleware import PUBLIC_URLCONF
from vanphong.public.models import AnnouncementImage, AnnouncementKind

MAX_AGE = 60
# The contact form: this many posts per client in a window, then a polite refusal.
POST_LIMIT = 10
POST_WINDOW_SECONDS = 600
FLOOD = gettext_lazy(
    "Too many letters have been sent from your connection in a short time. "
    "Please wait ten minutes and send it again; what you typed is kept below."
)
HOME_ITEMS = 5
PAGE_ITEMS = 20


def _login_url(request: HttpRequest) -> str:
    """The internal site's sign-in page, from the root URL map (this one has none); on
    a public host, on the internal site's address (SITE_URL)."""
    try:
        url = reverse("login", urlconf=settings.ROOT_URLCONF)
    except NoReverseMatch:
        url = "/account/login/"
    if getattr(request, "urlconf", None) == PUBLIC_URLCONF and settings.SITE_URL:
        return settings.SITE_URL + url
    return url


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    committee = selectors.site_committee()
    if committee is None:
        raise Http404
    page = {
        "committee": committee,
        "counts": visits.counts() if visits.counting_enabled() else None,
        "login_url": _login_url(request),
        "path": request.path,
        **context,
    }
    return HttpResponse(render_to_string(template, page), status=status)


def _cacheable(request: HttpRequest, response: HttpResponse) -> HttpResponseBase:
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=response) or response


def _uncacheable(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, no_store=True, private=True)
    return response


@require_GET
def home(request: HttpRequest) -> HttpResponseBase:
    visits.count_visit(request)
    committee = selectors.site_committee()
    if committee is None:
        raise Http404
    key = f"public:home:{committee.pk}"
    latest = cache.get(key)
    if latest is None:
        items = selectors.published(committee).prefetch_related("images")
        latest = {
            "announcements": list(items.filter(kind=AnnouncementKind.ANNOUNCEMENT)[:HOME_ITEMS]),
            "news": list(items.filter(kind=AnnouncementKind.NEWS)[:HOME_ITEMS]),
        }
        cache.set(key, latest, MAX_AGE)
    return _cacheable(request, _render(request, "public/home.html", latest))


@require_GET
def announcement_list(request: HttpRequest, kind: str) -> HttpResponseBase:
    visits.count_visit(request)
    committee = selectors.site_committee()
    if committee is None:
        raise Http404
    items = selectors.published(committee).filter(kind=kind).prefetch_related("images")
    page = Paginator(items, PAGE_ITEMS).get_page(request.GET.get("page"))
    title = _("Announcements") if kind == AnnouncementKind.ANNOUNCEMENT else _("News")
    return _cacheable(
        request, _render(request, "public/list.html", {"page": page, "title": title, "kind": kind})
    )


@require_GET
def announcement_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    visits.count_visit(request)
    committee = selectors.site_committee()
    if committee is None:
        raise Http404
    item = get_object_or_404(selectors.published(committee).prefetch_related("images"), pk=pk)
    return _cacheable(request, _render(request, "public/detail.html", {"item": item}))


@require_GET
def image(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An image of a published announcement (no other file is reachable here)."""
    committee = selectors.site_committee()
    picture = get_object_or_404(
        AnnouncementImage.objects.filter(
            announcement__organization=committee, announcement__published_at__isnull=False
        ),
        pk=pk,
    )
    etag = f'"{picture.sha256[:32]}"'
    unchanged = get_conditional_response(request, etag=etag)
    if unchanged is not None:
        return unchanged
    response = FileResponse(picture.file.open("rb"), content_type=picture.content_type)
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, public=True, max_age=86400)
    return response


def _too_many(request: HttpRequest) -> bool:
    """Counts this post against the client's window; True once over the limit."""
    window = int(time.time() // POST_WINDOW_SECONDS)
    key = f"public:posts:{visits.client_hash(request)}:{window}"
    visits.store().add(key, 0, POST_WINDOW_SECONDS + 5)
    try:
        count = visits.store().incr(key)
    except ValueError:
        visits.store().set(key, 1, POST_WINDOW_SECONDS + 5)
        count = 1
    return count > POST_LIMIT


@csrf_exempt
@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    visits.count_visit(request)
    if request.method != "POST":
        return _uncacheable(_render(request, "public/contact.html", {"form": ContactForm()}))
    form = ContactForm(request.POST)
    if _too_many(request):
        # The typed text is shown again so that nothing is lost; a new check with it.
        form = ContactForm(
            initial={k: request.POST.get(k, "") for k in ("name", "contact", "subject", "content")}
        )
        return _uncacheable(
            _render(request, "public/contact.html", {"form": form, "flood": FLOOD}, status=429)
        )
    if form.is_honeypot_filled():
        # A program filled the hidden field: it gets the same page a person would,
        # and nothing is registered.
        return _uncacheable(_render(request, "public/contact_sent.html", {"code": None}))
    if not form.is_valid():
        return _uncacheable(_render(request, "public/contact.html", {"form": form}, status=400))
    data = form.cleaned_data
    try:
        letter = letter_services.letter_receive_from_form(
            name=data["name"],
            contact=data["contact"],
            subject=data["subject"],
            content=data["content"],
            client_hash=visits.client_hash(request),
        )
    except ValidationError as error:
        attach_errors(form, error)
        return _uncacheable(_render(request, "public/contact.html", {"form": form}, status=400))
    return _uncacheable(_render(request, "public/contact_sent.html", {"code": letter.tracking_code}))


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    visits.count_visit(request)
    form = LookupForm(request.GET or None)
    status = None
    not_found = False
    if form.is_bound and form.is_valid():
        status = letter_selectors.public_status(form.cleaned_data["code"])
        if status is None:
            not_found = True
            form.add_error(
                "code", _("No letter has this tracking code. Check the code as it was given to you.")
            )
    # The answer is one person's; not kept by any cache.
    response = _render(
        request, "public/lookup.html", {"form": form, "status": status}, status=404 if not_found else 200
    )
    return _uncacheable(response)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The public map's 404 page (on a public host the internal one, with its menu,
    cannot be drawn)."""
    committee = selectors.site_committee()
    if committee is None:
        return HttpResponse(_("Page not found."), status=404, content_type="text/plain; charset=utf-8")
    return _render(request, "public/404.html", {}, status=404)
