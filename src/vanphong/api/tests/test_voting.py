"""Votes and written consultations through the API: the same services and refusals as
the pages (404 out of sight, 403 not one's to run, 422 keyed by field), a secret
vote's counts null until it closes, every response as the OpenAPI schema says."""

# ruff: noqa: F401, F811  (fixtures imported from other apps, used as arguments)
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from werkzeug.test import Client as WsgiClient

from vanphong.api.tests.conftest import bearer
from vanphong.api.tests.test_schema import app, schema
from vanphong.core.models import AuditEvent
from vanphong.meetings.tests.conftest import committee, media, meeting
from vanphong.voting.models import Consultation, Vote, Voter
from vanphong.voting.tests.conftest import run


@pytest.fixture
def running(meeting, committee):
    return run(meeting, committee, committee.btv[:5])


def test_a_secret_vote_through_the_api(api, running, committee, outsider):
    chair = api(committee.secretary)
    url = f"/api/v1/voting/meetings/{running.pk}/votes/"
    assert (
        api(committee.standing[0])
        .post(url, {"question": "Q", "kind": "secret"}, "application/json")
        .status_code
        == 403
    )
    assert api(outsider).get(url).status_code == 404
    refused = chair.post(url, {"question": " ", "kind": "secret"}, "application/json")
    assert refused.status_code == 422 and "question" in refused.json()["errors"]
    opened = chair.post(url, {"question": "Thông qua nhân sự", "kind": "secret"}, "application/json")
    assert opened.status_code == 201
    vote_id = opened.json()["id"]
    member = api(committee.standing[0])
    body = member.get(f"/api/v1/voting/votes/{vote_id}/").json()
    assert body["may_vote"] is True and body["votes_for"] is None
    cast = member.post(f"/api/v1/voting/votes/{vote_id}/ballot/", {"choice": "against"}, "application/json")
    assert cast.status_code == 200 and cast.json()["may_vote"] is False and cast.json()["voters"] == 1
    assert cast.json()["votes_against"] is None
    again = member.post(f"/api/v1/voting/votes/{vote_id}/ballot/", {"choice": "for"}, "application/json")
    assert again.status_code == 422
    assert member.post(f"/api/v1/voting/votes/{vote_id}/close/").status_code == 403
    closed = chair.post(f"/api/v1/voting/votes/{vote_id}/close/").json()
    assert (closed["state"], closed["votes_against"], closed["majority_needed"], closed["passed"]) == (
        "closed",
        1,
        4,
        False,
    )
    assert closed["majority_basis"] == "all" and (closed["members"], closed["present"]) == (6, 5)
    assert api(outsider).get(f"/api/v1/voting/votes/{vote_id}/").status_code == 404
    assert [v["id"] for v in chair.get(url).json()] == [vote_id]
    assert Voter.objects.get().choice == ""


def test_paper_results_and_named_votes_through_the_api(api, running, committee):
    office = api(committee.specialist)
    url = f"/api/v1/voting/meetings/{running.pk}/votes/"
    named = office.post(url, {"question": "Biểu quyết", "kind": "named"}, "application/json").json()["id"]
    seat = running.invitations.get(person=committee.deputy)
    body = office.post(
        f"/api/v1/voting/votes/{named}/paper-named/", {"seat": seat.pk, "choice": "for"}, "application/json"
    ).json()
    assert body["named"] == [
        {
            "person": {"id": committee.deputy.pk, "full_name": committee.deputy.full_name},
            "choice": "for",
            "on_paper": True,
            "in_place_of": None,
        }
    ]
    hands = office.post(url, {"question": "Giơ tay", "kind": "open"}, "application/json").json()["id"]
    too_many = office.post(
        f"/api/v1/voting/votes/{hands}/hands/",
        {"votes_for": 6, "votes_against": 0, "votes_abstain": 0},
        "application/json",
    )
    assert too_many.status_code == 422 and "votes_for" in too_many.json()["errors"]
    counted = office.post(
        f"/api/v1/voting/votes/{hands}/hands/",
        {"votes_for": 4, "votes_against": 1, "votes_abstain": 0},
        "application/json",
    ).json()
    assert counted["votes_for"] == 4
    secret = office.post(url, {"question": "Bỏ phiếu kín", "kind": "secret"}, "application/json").json()["id"]
    seats = [running.invitations.get(person=p).pk for p in committee.btv[:2]]
    paper = office.post(
        f"/api/v1/voting/votes/{secret}/paper-ballots/",
        {"seats": seats, "votes_for": 2, "votes_against": 0, "votes_abstain": 0},
        "application/json",
    )
    assert paper.status_code == 200 and paper.json()["voters"] == 2
    unknown = office.post(
        f"/api/v1/voting/votes/{secret}/paper-ballots/",
        {"seats": [999_999], "votes_for": 1, "votes_against": 0, "votes_abstain": 0},
        "application/json",
    )
    assert unknown.status_code == 422 and "seats" in unknown.json()["errors"]


def test_consultations_through_the_api(api, tree, committee, outsider, django_capture_on_commit_callbacks):
    office = api(committee.specialist)
    deadline = (timezone.now() + dt.timedelta(days=2)).isoformat()
    payload = {"organization": tree.city.pk, "body": "btv", "question": "Cho ý kiến", "deadline": deadline}
    assert (
        api(committee.deputy).post("/api/v1/voting/consultations/", payload, "application/json").status_code
        == 422
    )
    assert (
        office.post(
            "/api/v1/voting/consultations/", {**payload, "body": "lam-viec"}, "application/json"
        ).status_code
        == 422
    )
    created = office.post("/api/v1/voting/consultations/", payload, "application/json")
    assert created.status_code == 201 and created.json()["members"] == 6
    cid = created.json()["id"]
    member = api(committee.deputy)
    answered = member.post(
        f"/api/v1/voting/consultations/{cid}/answer/",
        {"choice": "for", "opinion": "Nhất trí"},
        "application/json",
    ).json()
    assert answered["mine"]["choice"] == "for" and answered["answers"] == [] and answered["answered"] == 1
    assert member.post(f"/api/v1/voting/consultations/{cid}/remind/").status_code == 403
    assert api(outsider).get(f"/api/v1/voting/consultations/{cid}/").status_code == 404
    reminded = office.post(f"/api/v1/voting/consultations/{cid}/remind/").json()["reminded"]
    assert len(reminded) == 5
    closed = office.post(f"/api/v1/voting/consultations/{cid}/close/").json()
    assert (closed["state"], closed["votes_for"], closed["majority_needed"], closed["passed"]) == (
        "closed",
        1,
        4,
        False,
    )
    assert len(closed["answers"]) == 6
    assert [c["id"] for c in member.get("/api/v1/voting/consultations/").json()] == [cid]
    late = member.post(f"/api/v1/voting/consultations/{cid}/answer/", {"choice": "for"}, "application/json")
    assert late.status_code == 422


def test_the_voting_responses_match_the_schema(app, schema, running, committee, tree, outsider):
    """Every endpoint of the router, each answer (200, 201, 403, 404, 422) as the
    schema documents it."""

    def call(person, method, template, url, body=None):
        headers = {"Authorization": f"Bearer {bearer(person)}", "Accept-Language": "vi"}
        response = WsgiClient(app).open(url, method=method, headers=headers, json=body)
        schema[template][method].validate_response(response)
        return response

    office, member = committee.specialist, committee.standing[0]
    votes = "/api/v1/voting/meetings/{meeting_id}/votes/"
    url = f"/api/v1/voting/meetings/{running.pk}/votes/"
    secret = call(office, "POST", votes, url, {"question": "Bầu kín", "kind": "secret"}).json["id"]
    named = call(office, "POST", votes, url, {"question": "Biểu quyết", "kind": "named"}).json["id"]
    hands = call(office, "POST", votes, url, {"question": "Giơ tay", "kind": "open"}).json["id"]
    call(member, "POST", votes, url, {"question": "x", "kind": "open"})
    call(office, "POST", votes, url, {"question": "", "kind": "open"})
    call(outsider, "GET", votes, url)
    call(member, "GET", votes, url)
    one_vote = "/api/v1/voting/votes/{vote_id}/"
    call(member, "GET", one_vote, f"/api/v1/voting/votes/{secret}/")
    ballot = "/api/v1/voting/votes/{vote_id}/ballot/"
    call(member, "POST", ballot, f"/api/v1/voting/votes/{secret}/ballot/", {"choice": "for"})
    call(member, "POST", ballot, f"/api/v1/voting/votes/{secret}/ballot/", {"choice": "for"})
    call(member, "POST", ballot, f"/api/v1/voting/votes/{named}/ballot/", {"choice": "against"})
    counts = {"votes_for": 3, "votes_against": 0, "votes_abstain": 0}
    call(
        office,
        "POST",
        "/api/v1/voting/votes/{vote_id}/hands/",
        f"/api/v1/voting/votes/{hands}/hands/",
        counts,
    )
    seat = running.invitations.get(person=committee.deputy).pk
    call(
        office,
        "POST",
        "/api/v1/voting/votes/{vote_id}/paper-ballots/",
        f"/api/v1/voting/votes/{secret}/paper-ballots/",
        {"seats": [seat], "votes_for": 1, "votes_against": 0, "votes_abstain": 0},
    )
    call(
        office,
        "POST",
        "/api/v1/voting/votes/{vote_id}/paper-named/",
        f"/api/v1/voting/votes/{named}/paper-named/",
        {"seat": seat, "choice": "for"},
    )
    close = "/api/v1/voting/votes/{vote_id}/close/"
    call(member, "POST", close, f"/api/v1/voting/votes/{secret}/close/")
    for vote in (secret, named, hands):
        call(office, "POST", close, f"/api/v1/voting/votes/{vote}/close/")
    listing = "/api/v1/voting/consultations/"
    deadline = (timezone.now() + dt.timedelta(days=1)).isoformat()
    payload = {"organization": tree.city.pk, "body": "btv", "question": "Cho ý kiến", "deadline": deadline}
    cid = call(office, "POST", listing, listing, payload).json["id"]
    call(office, "POST", listing, listing, {**payload, "body": "none"})
    call(office, "GET", listing, listing)
    detail = "/api/v1/voting/consultations/{consultation_id}/"
    call(member, "GET", detail, f"/api/v1/voting/consultations/{cid}/")
    call(outsider, "GET", detail, f"/api/v1/voting/consultations/{cid}/")
    call(
        member,
        "POST",
        "/api/v1/voting/consultations/{consultation_id}/answer/",
        f"/api/v1/voting/consultations/{cid}/answer/",
        {"choice": "for"},
    )
    remind = "/api/v1/voting/consultations/{consultation_id}/remind/"
    call(member, "POST", remind, f"/api/v1/voting/consultations/{cid}/remind/")
    call(office, "POST", remind, f"/api/v1/voting/consultations/{cid}/remind/")
    call(
        office,
        "POST",
        "/api/v1/voting/consultations/{consultation_id}/close/",
        f"/api/v1/voting/consultations/{cid}/close/",
    )
    assert Vote.objects.filter(state="closed").count() == 3
    assert Consultation.objects.get().is_closed
    assert AuditEvent.objects.filter(action="voting.vote_closed").count() == 3
