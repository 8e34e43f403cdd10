"""Serving the public site by host name: requests for a host in VANPHONG_PUBLIC_HOSTS
are resolved in the public URL map alone, where no internal page exists."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PUBLIC_URLCONF = "vanphong.public.urls"


class PublicHostMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.hosts = {host.lower() for host in getattr(settings, "VANPHONG_PUBLIC_HOSTS", [])}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.hosts and request.get_host().split(":")[0].lower() in self.hosts:
            request.urlconf = PUBLIC_URLCONF  # type: ignore[attr-defined]
        return self.get_response(request)
