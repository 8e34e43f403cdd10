"""Ballots racing on PostgreSQL: the vote's row lock serializes them, so every ballot
is counted once in the counters, a member pressing twice at once gets one ballot and
one refusal, and a ballot racing the closing is either counted or refused, never lost
from a closed result."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from vanphong.testing import in_threads, needs_postgresql
from vanphong.voting import services
from vanphong.voting.models import Vote, Voter

concurrent = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@needs_postgresql
@concurrent
def test_ballots_at_once_are_each_counted_once(running, committee):
    vote = services.vote_open(actor=committee.secretary, meeting=running, question="Bầu kín", kind="secret")
    voters = committee.btv[:5]
    results, errors = in_threads(5, lambda n: services.ballot_cast(actor=voters[n], vote=vote, choice="for"))
    assert errors == [] and len(results) == 5
    vote.refresh_from_db()
    assert (vote.cast_for, Voter.objects.filter(vote=vote).count()) == (5, 5)


@needs_postgresql
@concurrent
def test_one_member_pressing_twice_at_once_votes_once(running, committee):
    vote = services.vote_open(actor=committee.secretary, meeting=running, question="Bầu kín", kind="secret")
    member = committee.standing[0]
    results, errors = in_threads(4, lambda n: services.ballot_cast(actor=member, vote=vote, choice="for"))
    assert len(results) == 1 and len(errors) == 3
    assert all(isinstance(e, ValidationError) for e in errors), errors
    vote.refresh_from_db()
    assert vote.cast_for == 1


@needs_postgresql
@concurrent
def test_a_ballot_racing_the_closing_is_in_the_result_or_refused(running, committee):
    vote = services.vote_open(actor=committee.secretary, meeting=running, question="Bầu kín", kind="secret")

    def work(n: int) -> Vote:
        if n == 0:
            return services.vote_close(actor=committee.secretary, vote=vote)
        return services.ballot_cast(actor=committee.btv[n], vote=vote, choice="for")

    results, errors = in_threads(4, work)
    assert all(isinstance(e, ValidationError) for e in errors), errors
    vote.refresh_from_db()
    assert vote.is_closed
    # What the counters hold is what was counted: every recorded voter is in them.
    assert vote.cast_for == Voter.objects.filter(vote=vote).count() == len(results) - 1
