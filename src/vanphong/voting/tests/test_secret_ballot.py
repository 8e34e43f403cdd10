"""A secret vote stores no link between a person and a choice: read straight from the
database (every table of the app, every column, every row, with raw SQL) and from the
audit trail.

Three proofs:
1. the app's tables hold no row where a choice sits beside anything (a ballot row
   would be one): only the `Vote` row's counters carry choices;
2. the rows the ballots write (the `Voter` rows) have exactly the columns the design
   allows: no choice filled, no timestamp, nothing else to order or correlate by;
3. two votes where the same two members swap their choices leave the database and
   the audit trail identical apart from the votes' own ids: nothing stored depends on
   who chose what."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from vanphong.core.models import AuditEvent
from vanphong.voting import services
from vanphong.voting.models import Choice, Vote

CHOICES = {c.value for c in Choice}


def app_tables() -> list[str]:
    """Every table of the voting app, as the database lists them."""
    ours = {
        model._meta.db_table for model in apps.get_app_config("voting").get_models(include_auto_created=True)
    }
    listed = set(connection.introspection.table_names())
    assert ours <= listed
    return sorted(t for t in listed if t.startswith("voting_"))


def dump(table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
        cursor.execute(f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)}")
        return columns, list(cursor.fetchall())


def cast(meeting, committee, choices: list[str]) -> Vote:
    vote = services.vote_open(actor=committee.secretary, meeting=meeting, question="Bầu kín", kind="secret")
    for person, choice in zip(committee.btv, choices, strict=False):
        services.ballot_cast(actor=person, vote=vote, choice=choice)
    return vote


def test_secret_ballot_storage(running, committee):
    before = {table: len(dump(table)[1]) for table in app_tables()}
    vote = cast(running, committee, ["for", "against", "abstain", "for"])

    # 1. No row anywhere in the app's tables holds a choice value: the choices live
    #    only in the counters of the vote's own row.
    for table in app_tables():
        columns, rows = dump(table)
        for row in rows:
            assert not CHOICES & {v for v in row if isinstance(v, str)}, (
                table,
                dict(zip(columns, row, strict=True)),
            )
    _columns, votes = dump(Vote._meta.db_table)
    assert len(votes) == 1
    vote.refresh_from_db()
    assert (vote.cast_for, vote.cast_against, vote.cast_abstain) == (2, 1, 1)

    # 2. Four ballots wrote four rows, all in the voters' table, whose columns are the
    #    seat, the person, on paper and an empty choice: no time, no other order.
    after = {table: len(dump(table)[1]) for table in app_tables()}
    grown = {table: after[table] - before[table] for table in after if after[table] != before[table]}
    assert grown == {"voting_voter": 4, "voting_vote": 1}
    columns, rows = dump("voting_voter")
    assert set(columns) == {"id", "vote_id", "seat_id", "person_id", "on_paper", "choice"}
    assert {row[columns.index("choice")] for row in rows} == {""}
    vote_columns = {c for c in dump("voting_vote")[0]}
    assert not {c for c in vote_columns if c.endswith(("_at", "_on"))} - {"opened_at", "closed_at"}

    # 3. Nor does the audit trail name a choice of a secret ballot.
    for event in AuditEvent.objects.filter(action=services.AuditAction.BALLOT_CAST):
        assert set(event.after) == {"vote", "seat"}
        assert not CHOICES & {str(v) for v in event.after.values()}


def _normalized(vote: Vote) -> dict[str, Any]:
    """What the database and the audit trail hold about a vote's ballots, with the
    vote's and the rows' own ids taken out."""
    columns, rows = dump("voting_voter")
    voters = sorted(
        (
            row[columns.index("seat_id")],
            row[columns.index("person_id")],
            row[columns.index("on_paper")],
            row[columns.index("choice")],
        )
        for row in rows
        if row[columns.index("vote_id")] == vote.pk
    )
    # The voters' rows in their insertion (id) order: the same persons in the same order.
    order = [
        row[columns.index("person_id")]
        for row in sorted(rows, key=lambda r: r[columns.index("id")])
        if row[columns.index("vote_id")] == vote.pk
    ]
    columns, rows = dump("voting_vote")
    [row] = [r for r in rows if r[columns.index("id")] == vote.pk]
    counters = {c: row[columns.index(c)] for c in columns if c.startswith(("cast_", "hand_"))}
    ballots = [
        {k: v for k, v in (e.after or {}).items() if k != "vote"}
        for e in AuditEvent.objects.filter(
            action=services.AuditAction.BALLOT_CAST, target_id=str(vote.pk)
        ).order_by("id")
    ]
    return {"voters": voters, "order": order, "counters": counters, "audit": ballots}


def test_who_chose_what_changes_nothing_stored(running, committee):
    first = cast(running, committee, ["for", "against", "for"])
    second = cast(running, committee, ["against", "for", "for"])
    assert _normalized(first) == _normalized(second)


@pytest.mark.parametrize("kind", ["named"])
def test_a_named_vote_does_record_the_choice(running, committee, kind):
    """The counter-proof: the same inspection finds the choices of a named vote."""
    vote = services.vote_open(actor=committee.secretary, meeting=running, question="Biểu quyết", kind=kind)
    services.ballot_cast(actor=committee.deputy, vote=vote, choice="against")
    columns, rows = dump("voting_voter")
    assert [(r[columns.index("person_id")], r[columns.index("choice")]) for r in rows] == [
        (committee.deputy.pk, "against")
    ]
