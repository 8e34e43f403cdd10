"""Puts the client's address where the audit trail can find it, so that services
need not take the request, and remembers a person's grants for the request's length."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from vanphong.core.audit import client_address
from vanphong.core.permissions import grants_remembered


class ClientAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # REMOTE_ADDR only: behind a proxy, the proxy must set it (X-Forwarded-For is
        # forged too easily to be written into an official trail).
        token = client_address.set(request.META.get("REMOTE_ADDR") or None)
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)


class GrantsMemoMiddleware:
    """Reads the signed-in person's grants once per request (see `permissions`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with grants_remembered():
            return self.get_response(request)
