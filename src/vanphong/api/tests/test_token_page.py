"""The API tokens page: a person lists, creates and revokes their own tokens; the
system administrator sees and revokes everybody's; nobody else reaches a token that
is not theirs (404)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from vanphong.api import services
from vanphong.api.models import ApiToken
from vanphong.core.models import AuditEvent, Person
from vanphong.core.tokens import token_hash

LIST = reverse("apitoken_list")
API = "/api/v1/incoming/"
HTMX = {"HX-Request": "true"}
SECRET = re.compile(r"vp_[A-Za-z0-9_-]{20,}")


def _client(person: Person) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(person)
    return client


def _revoke(token: ApiToken) -> str:
    return reverse("apitoken_revoke", args=[token.pk])


def test_the_page_needs_a_signed_in_person(db):
    response = Client().get(LIST)
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_the_menu_leads_to_the_page(clerk):
    page = _client(clerk).get(reverse("dashboard")).content.decode()
    assert f'href="{LIST}"' in page


def test_a_person_sees_their_own_tokens_only(clerk, secretary):
    services.token_issue(actor=clerk, person=clerk, name="Máy quét văn thư")
    services.token_issue(actor=secretary, person=secretary, name="Trợ lý của Bí thư")
    page = _client(clerk).get(LIST).content.decode()
    assert "Máy quét văn thư" in page
    assert "Trợ lý của Bí thư" not in page


def test_creating_a_token_shows_it_once_and_audits_it(clerk):
    client = _client(clerk)
    before = AuditEvent.objects.count()
    response = client.post(LIST, {"name": "Máy quét"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secrets = set(SECRET.findall(response.content.decode()))
    assert len(secrets) == 1
    (plaintext,) = secrets
    token = ApiToken.objects.get(person=clerk)
    assert token.name == "Máy quét" and token.digest == token_hash(plaintext)
    assert [e.action for e in AuditEvent.objects.order_by("id")[before:]] == ["apitoken.issued"]
    assert "shown only this once" in response.content.decode()
    # Never again: the list shows its prefix only.
    again = client.get(LIST).content.decode()
    assert plaintext not in again and f"{token.prefix}…" in again
    # And it works.
    assert Client(headers={"Authorization": f"Bearer {plaintext}"}).get(API).status_code == 200


def test_creating_through_htmx_answers_the_tokens_section(clerk):
    response = _client(clerk).post(LIST, {"name": "Máy quét"}, headers=HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.startswith('<section id="tokens"') and "<html" not in page
    assert len(set(SECRET.findall(page))) == 1
    assert "API token created." in page


def test_a_token_without_a_name_is_refused_on_the_form(clerk):
    response = _client(clerk).post(LIST, {"name": "   "})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert not SECRET.search(response.content.decode())
    assert 'id="id_name_error"' in response.content.decode()


def test_a_person_revokes_their_own_token(clerk):
    token, plaintext = services.token_issue(actor=clerk, person=clerk, name="x")
    response = _client(clerk).post(_revoke(token))
    assert response.status_code == 302 and response["Location"] == LIST
    token.refresh_from_db()
    assert token.is_revoked
    assert AuditEvent.objects.filter(action="apitoken.revoked", actor=clerk).count() == 1
    assert Client(headers={"Authorization": f"Bearer {plaintext}"}).get(API).status_code == 401


def test_revoking_through_htmx_answers_the_tokens_section(clerk):
    token, _ = services.token_issue(actor=clerk, person=clerk, name="x")
    response = _client(clerk).post(_revoke(token), headers=HTMX)
    page = response.content.decode()
    assert response.status_code == 200 and page.startswith('<section id="tokens"')
    assert "API token revoked." in page and "Revoked on" in page
    token.refresh_from_db()
    assert token.is_revoked


@pytest.mark.parametrize("intruder", ["secretary", "office_chief", "member"])
def test_anybody_elses_token_is_not_found(request, clerk, intruder):
    token, _ = services.token_issue(actor=clerk, person=clerk, name="x")
    client = _client(request.getfixturevalue(intruder))  # signing in is audited too
    before = AuditEvent.objects.count()
    response = client.post(_revoke(token))
    assert response.status_code == 404
    token.refresh_from_db()
    assert not token.is_revoked
    assert AuditEvent.objects.count() == before


def test_revoking_asks_for_a_post(clerk):
    token, _ = services.token_issue(actor=clerk, person=clerk, name="x")
    assert _client(clerk).get(_revoke(token)).status_code == 405
    token.refresh_from_db()
    assert not token.is_revoked


def test_a_revoked_token_is_not_revoked_twice(clerk):
    token, _ = services.token_issue(actor=clerk, person=clerk, name="x")
    services.token_revoke(actor=clerk, token=token)
    client = _client(clerk)
    before = AuditEvent.objects.count()
    response = client.post(_revoke(token), follow=True)
    assert "This token has already been revoked." in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_the_system_administrator_sees_and_revokes_everybodys_tokens(clerk, secretary, sysadmin):
    token, _ = services.token_issue(actor=clerk, person=clerk, name="Máy quét văn thư")
    services.token_issue(actor=secretary, person=secretary, name="Trợ lý của Bí thư")
    client = _client(sysadmin)
    page = client.get(LIST).content.decode()
    assert "Máy quét văn thư" in page and "Trợ lý của Bí thư" in page
    assert clerk.full_name in page and secretary.full_name in page
    assert client.post(_revoke(token)).status_code == 302
    token.refresh_from_db()
    assert token.is_revoked
    assert AuditEvent.objects.get(action="apitoken.revoked").actor == sysadmin


def test_a_token_the_administrator_creates_is_their_own(clerk, sysadmin):
    _client(sysadmin).post(LIST, {"name": "Giám sát"})
    assert ApiToken.objects.get().person == sysadmin
