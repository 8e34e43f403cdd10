"""The voting pages: the chair's panel and the member's ballot, the tally, the
consultations; who sees what (404 out of sight, 403 not one's to do) and refusals
shown at their field with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from vanphong.meetings.models import MeetingKind
from vanphong.voting import services
from vanphong.voting.models import Consultation, Recipient, Vote, Voter
from vanphong.voting.tests.conftest import pdf_bytes, run


def client_for(person) -> Client:
    client = Client(headers={"Accept-Language": "vi"})
    client.force_login(person)
    return client


def test_the_chair_opens_a_vote_and_a_member_votes_with_big_buttons(running, committee):
    chair = client_for(committee.secretary)
    page = chair.get(f"/voting/meetings/{running.pk}/")
    assert page.status_code == 200 and b"open-vote-form" in page.content
    response = chair.post(
        f"/voting/meetings/{running.pk}/open/", {"question": "Thông qua Nghị quyết", "kind": "secret"}
    )
    vote = Vote.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#vote-{vote.pk}")

    member = client_for(committee.standing[0])
    panel = member.get(f"/voting/meetings/{running.pk}/panel/")
    assert f'id="ballot-{vote.pk}"'.encode() in panel.content and b'value="for"' in panel.content
    # A secret ballot's every button asks before it is cast (htmx's confirm).
    assert panel.content.decode().count("hx-confirm=") == 3
    voted = member.post(f"/voting/votes/{vote.pk}/ballot/", {"choice": "for"}, headers={"HX-Request": "true"})
    assert voted.status_code == 200 and b"voted" in voted.content
    again = member.post(f"/voting/votes/{vote.pk}/ballot/", {"choice": "against"})
    assert again.status_code == 302 and Voter.objects.count() == 1
    # The count of an open secret vote is on nobody's page, the chair's included.
    tally = chair.get(f"/voting/votes/{vote.pk}/")
    assert b"secret-pending" in tally.content and b"count-for" not in tally.content
    # A member cannot close it.
    assert member.post(f"/voting/votes/{vote.pk}/close/").status_code == 403
    chair.post(f"/voting/votes/{vote.pk}/close/")
    tally = chair.get(f"/voting/votes/{vote.pk}/")
    assert b'class="text-end count-for">1<' in tally.content and b'data-passed="no"' in tally.content


def test_the_quorum_refusal_is_shown_and_nothing_recorded(meeting, committee):
    run(meeting, committee, committee.btv[:2])
    response = client_for(committee.secretary).post(
        f"/voting/meetings/{meeting.pk}/open/", {"question": "Thông qua", "kind": "open"}
    )
    assert response.status_code == 422 and b"alert-danger" in response.content
    assert Vote.objects.count() == 0


def test_outsiders_do_not_see_a_meeting_s_votes(running, committee, outsider):
    vote = services.vote_open(actor=committee.secretary, meeting=running, question="Câu hỏi", kind="named")
    # A named vote is cast with one tap (it is shown by name, nothing to take back unseen).
    assert (
        "hx-confirm="
        not in client_for(committee.standing[0]).get(f"/voting/meetings/{running.pk}/panel/").content.decode()
    )
    client = client_for(outsider)
    assert client.get(f"/voting/meetings/{running.pk}/").status_code == 404
    assert client.get(f"/voting/votes/{vote.pk}/").status_code == 404
    assert client.post(f"/voting/votes/{vote.pk}/ballot/", {"choice": "for"}).status_code == 404
    assert (
        client.post(f"/voting/meetings/{running.pk}/open/", {"question": "x", "kind": "open"}).status_code
        == 404
    )
    assert Voter.objects.count() == 0


def test_the_secretary_enters_paper_results(running, committee):
    vote = services.vote_open(actor=committee.secretary, meeting=running, question="Câu hỏi", kind="secret")
    client = client_for(committee.specialist)
    seats = [running.invitations.get(person=p).pk for p in committee.btv[:2]]
    refused = client.post(
        f"/voting/votes/{vote.pk}/paper/",
        {"seats": seats, "votes_for": 2, "votes_against": 1, "votes_abstain": 0},
    )
    assert refused.status_code == 422 and f"v{vote.pk}_votes_for_error".encode() in refused.content
    ok = client.post(
        f"/voting/votes/{vote.pk}/paper/",
        {"seats": seats, "votes_for": 1, "votes_against": 1, "votes_abstain": 0},
    )
    assert ok.status_code == 302
    vote.refresh_from_db()
    assert (vote.cast_for, vote.cast_against) == (1, 1)
    hands = services.vote_open(actor=committee.secretary, meeting=running, question="Giơ tay", kind="open")
    client.post(f"/voting/votes/{hands.pk}/hands/", {"votes_for": 5, "votes_against": 0, "votes_abstain": 0})
    hands.refresh_from_db()
    assert hands.hand_for == 5


def test_consultation_pages(tree, committee, outsider, media):
    office = client_for(committee.specialist)
    assert office.get("/voting/consultations/new/").status_code == 200
    deadline = timezone.localdate() + dt.timedelta(days=2)
    form = {
        "organization": tree.city.pk,
        "kind": MeetingKind.objects.get(code="btv").pk,
        "question": "Cho ý kiến về dự thảo Quy chế",
        "text": "",
        "day": deadline.strftime("%d/%m/%Y"),
        "time": "17:00",
    }
    bad = office.post(
        "/voting/consultations/new/",
        {**form, "documents": [SimpleUploadedFile("a.txt", b"plain text")]},
    )
    assert (
        bad.status_code == 200 and b"id_documents_error" in bad.content and Consultation.objects.count() == 0
    )
    response = office.post(
        "/voting/consultations/new/",
        {**form, "documents": [SimpleUploadedFile("du-thao.pdf", pdf_bytes(1))]},
    )
    consultation = Consultation.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/consultations/{consultation.pk}/")
    assert (
        client_for(committee.standing[0])
        .get(f"/voting/documents/{consultation.documents.get().pk}/")
        .status_code
        == 200
    )
    assert client_for(outsider).get(f"/voting/consultations/{consultation.pk}/").status_code == 404
    assert (
        client_for(outsider).get(f"/voting/documents/{consultation.documents.get().pk}/").status_code == 404
    )

    member = client_for(committee.deputy)
    page = member.get(f"/voting/consultations/{consultation.pk}/")
    assert b"answer-form" in page.content and b'id="recipients"' not in page.content
    refused = member.post(f"/voting/consultations/{consultation.pk}/", {"choice": "against", "opinion": ""})
    assert refused.status_code == 422 and b"id_opinion_error" in refused.content
    # The answer's badge: green in favour, red against, grey not voting.
    for choice, colour in (("against", "danger"), ("abstain", "secondary"), ("for", "success")):
        member.post(f"/voting/consultations/{consultation.pk}/", {"choice": choice, "opinion": "Nhất trí"})
        page = member.get(f"/voting/consultations/{consultation.pk}/").content.decode()
        assert f'text-bg-{colour} answered" data-choice="{choice}"' in page
    assert Recipient.objects.get(person=committee.deputy).choice == "for"
    assert member.post(f"/voting/consultations/{consultation.pk}/remind/").status_code == 403

    assert office.post(f"/voting/consultations/{consultation.pk}/remind/").status_code == 302
    assert Recipient.objects.filter(reminders=1).count() == 5
    page = office.get(f"/voting/consultations/{consultation.pk}/")
    assert b'id="recipients"' in page.content and "Nhất trí".encode() in page.content
    office.post(f"/voting/consultations/{consultation.pk}/close/")
    consultation.refresh_from_db()
    assert consultation.is_closed and consultation.passed is False
    listing = member.get("/voting/consultations/")
    assert consultation.question.encode() in listing.content
    assert member.get("/voting/").status_code == 200


@pytest.mark.parametrize("path", ["/voting/", "/voting/consultations/"])
def test_the_pages_answer_someone_with_nothing(path, outsider):
    assert client_for(outsider).get(path).status_code == 200


def test_an_open_vote_shows_on_the_live_page_of_those_following_the_meeting(running, committee):
    """Opening or closing a vote raises the live counter, so each follower's next poll
    is answered with the new screen (not 304): the chair gets the way to the panel, a
    member the way to the ballot; once closed, the line is gone."""
    member = client_for(committee.standing[0])
    chair = client_for(committee.secretary)
    follow = f"/meetings/{running.pk}/live/follow/"
    before = member.get(follow)
    etag = before["ETag"]
    assert b"data-notice" not in before.content
    assert member.get(follow, headers={"If-None-Match": etag}).status_code == 304

    vote = services.vote_open(
        actor=committee.secretary, meeting=running, question="Thông qua Quy chế", kind="secret"
    )
    opened = member.get(follow, headers={"If-None-Match": etag})
    assert opened.status_code == 200
    page = opened.content.decode()
    assert "Thông qua Quy chế" in page and f'href="/voting/meetings/{running.pk}/"' in page
    assert f'href="/voting/meetings/{running.pk}/panel/"' in chair.get(follow).content.decode()

    services.vote_close(actor=committee.secretary, vote=vote)
    closed = member.get(follow, headers={"If-None-Match": opened["ETag"]})
    assert closed.status_code == 200 and b"data-notice" not in closed.content


def test_a_ballot_after_closing_says_so_beside_the_ballots(running, committee):
    vote = services.vote_open(actor=committee.secretary, meeting=running, question="Thông qua", kind="secret")
    services.vote_close(actor=committee.secretary, vote=vote)
    member = client_for(committee.standing[0])
    late = member.post(f"/voting/votes/{vote.pk}/ballot/", {"choice": "for"}, headers={"HX-Request": "true"})
    page = late.content.decode()
    assert 'id="ballot-messages" hx-swap-oob="true"' in page and "alert-danger" in page
    assert not Voter.objects.filter(vote=vote).exists()
