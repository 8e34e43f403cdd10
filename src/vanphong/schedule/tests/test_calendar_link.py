"""The secret calendar link: made by its person only, a new one revoking the old,
both audited; only its hash kept; the feed read with the token alone shows the
published schedules its person may see today, and nothing for a revoked link, an
unknown one, or a committee out of their reach."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vanphong.core import services as core_services
from vanphong.core.models import AuditEvent, Membership, Role
from vanphong.core.tests.conftest import clerk, member, office_chief, outsider, secretary, tree  # noqa: F401
from vanphong.core.tests.factories import make_person, persona
from vanphong.core.tokens import token_hash
from vanphong.schedule import services
from vanphong.schedule.models import CalendarToken
from vanphong.schedule.services import AuditAction
from vanphong.schedule.tests.test_services import MONDAY, add, specialist, standing  # noqa: F401


@pytest.fixture
def published(specialist, tree):  # noqa: F811
    """A published week with one event, and a draft week after it with another."""
    shown = add(specialist, tree)
    services.week_publish(actor=specialist, organization=tree.city, day=MONDAY)
    hidden = add(specialist, tree, title="Tuần sau, chưa công bố", day=MONDAY + dt.timedelta(days=7))
    return shown, hidden


def feed(tree, plaintext, committee=None):  # noqa: F811
    """The feed read by a calendar program: no session."""
    committee = committee or tree.city
    return Client().get(reverse("schedule_calendar_link_feed", args=[committee.pk, plaintext]))


def uids(answer) -> set[str]:
    return {str(e["uid"]) for e in icalendar.Calendar.from_ical(answer.content).walk("VEVENT")}


def test_a_link_is_made_with_only_its_hash_kept_and_audited(secretary):  # noqa: F811
    token, plaintext = services.calendar_link_make(actor=secretary, person=secretary)
    assert plaintext.startswith("lich_") and len(plaintext) > 40
    assert token.digest == token_hash(plaintext) and plaintext not in token.digest
    assert plaintext.startswith(token.prefix) and len(token.prefix) < len(plaintext) // 3
    event = AuditEvent.objects.get(action=AuditAction.CALENDAR_LINK_MADE)
    assert event.target_id == str(token.pk) and event.before == {"revoked": []}
    assert plaintext not in str(event.after)


def test_a_new_link_revokes_the_old(secretary):  # noqa: F811
    first, _old = services.calendar_link_make(actor=secretary, person=secretary)
    second, _new = services.calendar_link_make(actor=secretary, person=secretary)
    first.refresh_from_db()
    assert first.is_revoked and not second.is_revoked
    assert list(CalendarToken.objects.live().filter(person=secretary)) == [second]
    made = AuditEvent.objects.filter(action=AuditAction.CALENDAR_LINK_MADE).order_by("id")
    assert made.count() == 2 and made.last().before == {"revoked": [first.prefix]}


def test_nobody_makes_or_revokes_anothers_link(secretary, office_chief):  # noqa: F811
    services.calendar_link_make(actor=secretary, person=secretary)
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.calendar_link_make(actor=office_chief, person=secretary)
    with pytest.raises(PermissionDenied):
        services.calendar_link_revoke(actor=office_chief, person=secretary)
    assert CalendarToken.objects.count() == 1 and AuditEvent.objects.count() == events


def test_revoking_is_audited_and_needs_a_link(secretary):  # noqa: F811
    with pytest.raises(ValidationError):
        services.calendar_link_revoke(actor=secretary, person=secretary)
    services.calendar_link_make(actor=secretary, person=secretary)
    token = services.calendar_link_revoke(actor=secretary, person=secretary)
    assert token.is_revoked and not CalendarToken.objects.live().exists()
    assert (
        AuditEvent.objects.filter(action=AuditAction.CALENDAR_LINK_REVOKED, target_id=str(token.pk)).count()
        == 1
    )


def test_the_feed_reads_with_the_token_alone(tree, secretary, published):  # noqa: F811
    shown, _hidden = published
    _token, plaintext = services.calendar_link_make(actor=secretary, person=secretary)
    answer = feed(tree, plaintext)
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/calendar")
    assert uids(answer) == {f"schedule-event-{shown.pk}@vanphong"}  # the draft week is not published
    # The session feed still asks for a sign-in.
    assert Client().get(reverse("schedule_calendar", args=[tree.city.pk])).status_code == 302


def test_the_feed_shows_only_what_its_person_may_see(tree, outsider, member, published):  # noqa: F811
    for person in (outsider, member):
        _token, plaintext = services.calendar_link_make(actor=person, person=person)
        assert feed(tree, plaintext).status_code == 404
    # A leader of a committee below reads their own committee's feed, not the city's.
    below = make_person(organization=tree.grassroots, role=Role.SECRETARY)
    _token, plaintext = services.calendar_link_make(actor=below, person=below)
    assert feed(tree, plaintext).status_code == 404
    assert feed(tree, plaintext, tree.grassroots).status_code == 200


def test_a_revoked_unknown_or_orphaned_link_reads_nothing(tree, secretary, published):  # noqa: F811
    _token, old = services.calendar_link_make(actor=secretary, person=secretary)
    _token, new = services.calendar_link_make(actor=secretary, person=secretary)
    assert feed(tree, old).status_code == 404 and feed(tree, new).status_code == 200
    assert feed(tree, "lich_" + "x" * 43).status_code == 404
    leader = persona(tree, Role.STANDING_MEMBER)
    _token, plaintext = services.calendar_link_make(actor=leader, person=leader)
    assert feed(tree, plaintext).status_code == 200
    # Their role ends: the link reads nothing of the committee any more.
    membership = Membership.objects.get(person=leader)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    core_services.membership_end(actor=None, membership=membership, ended_on=yesterday)
    assert feed(tree, plaintext).status_code == 404
    services.calendar_link_revoke(actor=secretary, person=secretary)
    assert feed(tree, new).status_code == 404


def test_the_week_page_offers_a_new_link_and_shows_it_once(client, tree, secretary, published):  # noqa: F811
    client.force_login(secretary)
    week = reverse("schedule_week", args=[tree.city.pk, MONDAY.isoformat()])
    page = client.get(week).content.decode()
    assert 'id="make-calendar-link"' in page and 'id="revoke-calendar-link"' not in page
    answer = client.post(reverse("schedule_calendar_link", args=[tree.city.pk]))
    html = answer.content.decode()
    assert answer.status_code == 200 and 'id="calendar-link-address"' in html
    token = CalendarToken.objects.live().get(person=secretary)
    start = html.index("/calendar/lich_")
    plaintext = html[start + len("/calendar/") : html.index(".ics", start)]
    assert token.digest == token_hash(plaintext)
    assert feed(tree, plaintext).status_code == 200
    page = client.get(week).content.decode()
    assert token.prefix in page and plaintext not in page and 'id="revoke-calendar-link"' in page
    again = client.get(reverse("schedule_calendar_link", args=[tree.city.pk])).content.decode()
    assert plaintext not in again and 'id="calendar-link-address"' not in again
    client.post(reverse("schedule_calendar_link", args=[tree.city.pk]), {"action": "revoke"})
    assert feed(tree, plaintext).status_code == 404


def test_outsiders_get_no_link_page_for_the_committee(client, tree, outsider):  # noqa: F811
    client.force_login(outsider)
    assert client.post(reverse("schedule_calendar_link", args=[tree.city.pk])).status_code == 404
    assert not CalendarToken.objects.exists()
