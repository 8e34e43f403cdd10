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
import math
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
from django.views.decorators.http import require_http_methods, require_safe
from django.views.defaults import page_not_found

from vanphong.core.web import attach_errors
from vanphong.letters import selectors as letter_selectors
from vanphong.letters import services as letter_services
from vanphong.public import selectors, visits
from vanphong.public.forms import ContactForm, LookupForm
from vanphong.public.middleware import PUBLIC_URLCONF
from vanphong.public.models import AnnouncementImage, AnnouncementKind

MAX_AGE = 60
# The contact form's two limits per client over a sliding window: letters actually
# registered (a citizen who mistypes the check is not held back by their mistakes),
# and, much higher, every post (a program posting wrong answers again and again).
LETTER_LIMIT = 10
POST_LIMIT = 60
POST_WINDOW_SECONDS = 600
LETTER_FLOOD = gettext_lazy(
    "Ten letters have already been sent from your connection in the last ten minutes. "
    "Please wait a few minutes and send it again; what you typed is kept below."
)
POST_FLOOD = gettext_lazy(
    "The form has been sent too many times from your connection in the last ten minutes "
    "(most of them with errors). Please wait a few minutes and send it again; what you "
    "typed is kept below."
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


@require_safe
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


@require_safe
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


@require_safe
def announcement_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    visits.count_visit(request)
    committee = selectors.site_committee()
    if committee is None:
        raise Http404
    item = get_object_or_404(selectors.published(committee).prefetch_related("images"), pk=pk)
    return _cacheable(request, _render(request, "public/detail.html", {"item": item}))


@require_safe
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


def _clock() -> float:
    return time.time()


def _recent(request: HttpRequest, what: str, *, add: bool) -> int:
    """How many `what` (posts, letters) this client made in the last window, counted
    in two consecutive buckets of the window's length: the previous bucket weighs by
    the part of it still inside the window, so that no burst across a bucket's
    boundary gets twice the limit through. With `add`, this one is counted first."""
    now = _clock()
    bucket, into = divmod(now, POST_WINDOW_SECONDS)
    client = visits.client_hash(request)
    key = f"public:{what}:{client}:{int(bucket)}"
    store = visits.store()
    count = store.get(key, 0)
    if add:
        store.add(key, 0, 2 * POST_WINDOW_SECONDS + 5)
        try:
            count = store.incr(key)
        except ValueError:
            store.set(key, 1, 2 * POST_WINDOW_SECONDS + 5)
            count = 1
    previous = store.get(f"public:{what}:{client}:{int(bucket) - 1}", 0)
    # Rounded up: a part of a letter still inside the window counts whole.
    return math.ceil(count + previous * (1 - into / POST_WINDOW_SECONDS))


def _refused(request: HttpRequest, message: Any) -> HttpResponse:
    # The typed text is shown again so that nothing is lost; a new check with it.
    form = ContactForm(
        initial={k: request.POST.get(k, "") for k in ("name", "contact", "subject", "content")}
    )
    return _uncacheable(_render(request, "public/contact.html", {"form": form, "flood": message}, status=429))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    visits.count_visit(request)
    if request.method != "POST":
        return _uncacheable(_render(request, "public/contact.html", {"form": ContactForm()}))
    form = ContactForm(request.POST)
    if _recent(request, "posts", add=True) > POST_LIMIT:
        return _refused(request, POST_FLOOD)
    if _recent(request, "letters", add=False) >= LETTER_LIMIT:
        return _refused(request, LETTER_FLOOD)
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
    _recent(request, "letters", add=True)
    return _uncacheable(_render(request, "public/contact_sent.html", {"code": letter.display_code}))


@require_safe
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


def site_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The root map's 404: under the public mount (or on a public host) the public
    site's page, which neither greets a citizen as a comrade nor points to the
    internal sign-in; elsewhere the internal one."""
    public_prefix = reverse("public_home", urlconf=settings.ROOT_URLCONF)
    if getattr(request, "urlconf", None) == PUBLIC_URLCONF or request.path.startswith(public_prefix):
        return not_found(request, exception)
    return page_not_found(request, exception or Http404())
