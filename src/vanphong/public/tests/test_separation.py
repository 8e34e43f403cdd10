"""The public part reaches no internal data: every internal URL, opened without
signing in, answers with the sign-in page or 404; the public URL map holds only the
public views; what citizens send is shown escaped."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from vanphong.public import views
from vanphong.public.models import Announcement

pytestmark = pytest.mark.django_db

# Open to anyone by design: the sign-in pages, the language switch, the public site.
OPEN_PREFIXES = ("account/", "i18n/", "cong-khai/")
# The admin's own sign-in page, reached by its redirect like the office's; its
# sign-out sends to /admin/, which sends to that sign-in page.
SIGN_IN_PAGES = ("/admin/login/",)
SIGNED_OUT = {"/admin/logout/": "/admin/", "/api/v1/": "/api/v1/docs"}
# The API's description (OpenAPI), open like any documentation: no record in it.
DESCRIPTIONS = ("/api/v1/openapi.json", "/api/v1/docs")


def _walk(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def _fill(route: str) -> str:
    """A concrete path: every parameter 1 (path converters and regex groups alike)."""
    path = re.sub(r"<(?:\w+:)?\w+>", "1", route)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    return "/" + path.lstrip("^").rstrip("$").replace("\\", "")


def internal_paths() -> list[str]:
    return sorted(
        {
            _fill(route)
            for route, _ in _walk(get_resolver(settings.ROOT_URLCONF))
            if not route.startswith(OPEN_PREFIXES)
        }
    )


def test_every_internal_url_without_sign_in_is_the_sign_in_page_or_404(client, tree, published):
    login = reverse("login")
    paths = internal_paths()
    assert len(paths) > 100  # the walk found the whole map, not a part
    leaks = []
    for path in paths:
        response = client.get(path)
        for method in ("post", "put", "patch", "delete"):
            if response.status_code != 405:
                break
            # Not a page to read: try the endpoint by the method it takes.
            response = getattr(client, method)(path, {}, content_type="application/json")
        target = response.get("Location", "").split("?")[0]
        ok = (
            response.status_code == 404
            or (response.status_code in (301, 302) and target.endswith((login, *SIGN_IN_PAGES)))
            # The JSON API has no sign-in page: a missing token is refused.
            or (path.startswith("/api/") and response.status_code in (401, 403))
            or (path in SIGN_IN_PAGES + DESCRIPTIONS and response.status_code == 200)
            or (SIGNED_OUT.get(path) == target and response.status_code == 302)
        )
        if not ok:
            leaks.append((path, response.status_code, response.get("Location")))
    assert leaks == [], "\n".join(map(str, leaks))


def test_the_public_map_holds_only_public_views():
    public = get_resolver("vanphong.public.urls")
    allowed = {views.__name__, "captcha.views"}
    modules = {entry.callback.__module__ for _route, entry in _walk(public)}
    assert modules <= allowed, modules - allowed


def test_on_a_public_host_the_internal_pages_do_not_exist(client, tree, settings):
    settings.ALLOWED_HOSTS = ["congkhai.example.vn", "testserver"]
    settings.VANPHONG_PUBLIC_HOSTS = ["congkhai.example.vn"]
    assert client.get("/", HTTP_HOST="congkhai.example.vn").status_code == 200
    for path in ("/registry/", "/admin/", "/account/login/", "/cong-khai/"):
        assert client.get(path, HTTP_HOST="congkhai.example.vn").status_code == 404, path


def test_what_citizens_send_is_shown_escaped(client, tree, specialist):
    from vanphong.letters import selectors as letter_selectors
    from vanphong.letters import services as letter_services

    script = "<script>alert('x')</script>"
    letter = letter_services.letter_receive_from_form(
        name=script, contact="0912345678", subject=script, content=script, client_hash=""
    )
    status = letter_selectors.public_status(letter.tracking_code)
    assert status is not None
    page = client.get("/cong-khai/tra-cuu/", {"code": letter.tracking_code}).content.decode()
    assert "<script>alert" not in page
    # The office's own pages show it escaped too.
    item = Announcement.objects.create(
        organization=tree.city, kind="news", title=script, body=script, created_by=specialist
    )
    client.force_login(specialist)
    page = client.get(reverse("public_office_edit", args=[item.pk])).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    client.logout()
    from django.utils import timezone

    Announcement.objects.filter(pk=item.pk).update(published_at=timezone.now())
    for path in ("/cong-khai/", f"/cong-khai/bai/{item.pk}/", "/cong-khai/tin-tuc/"):
        page = client.get(path).content.decode()
        assert "<script>alert" not in page and "&lt;script&gt;" in page, path
