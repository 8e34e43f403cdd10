"""Who the leader may name on a slip (open units of the committee, people holding a
role in them today) and when: a direction entered later from the paper slip keeps
the day it was given (`directed_on`), and the deadline runs from that day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vanphong.core.models import AuditEvent, Organization, Person, Role, Secrecy
from vanphong.core.tests.factories import closed_unit, make_person
from vanphong.handling import selectors, services
from vanphong.handling.models import SlipState, TransferSlip
from vanphong.handling.tests.conftest import register_document

TODAY = timezone.localdate()
WEEKS_AGO = TODAY - dt.timedelta(days=21)


def _refused(secretary: Person, slip: TransferSlip, **direction) -> dict[str, list[str]]:
    """Direct with `direction`, expect a refusal, prove nothing changed; the errors."""
    data = {"instruction": "Xử lý", **direction}
    if "lead_unit" not in data and "lead_person" not in data:
        data["lead_unit"] = Organization.objects.get(pk=slip.organization.pk)
    with pytest.raises(ValidationError) as info:
        services.slip_direct(actor=secretary, slip=slip, **data)
    slip.refresh_from_db()
    assert slip.state == SlipState.SENT and slip.directed_on is None
    assert not AuditEvent.objects.for_target(slip).filter(action="slip.directed").exists()
    return info.value.message_dict


# --- Units ----------------------------------------------------------------------------------------


def test_a_closed_unit_does_not_lead_the_handling(tree, secretary, sent):
    unit, _former = closed_unit(tree)
    errors = _refused(secretary, sent, lead_unit=unit)
    assert errors == {"lead_unit": [_("%(name)s has been closed.") % {"name": unit.name}]}


def test_a_unit_of_another_committee_does_not_lead_it(tree, secretary, sent):
    errors = _refused(secretary, sent, lead_unit=tree.other_province)
    assert errors == {
        "lead_unit": [_("%(name)s is not a unit of this committee.") % {"name": tree.other_province.name}]
    }


def test_each_wrong_co_handling_unit_is_named(tree, secretary, sent):
    unit, _former = closed_unit(tree)
    errors = _refused(secretary, sent, lead_unit=tree.grassroots, co_units=[unit, tree.office, tree.central])
    assert errors == {
        "co_units": [
            _("%(name)s has been closed.") % {"name": unit.name},
            _("%(name)s is not a unit of this committee.") % {"name": tree.central.name},
        ]
    }


def test_a_closed_unit_is_not_offered(tree, sent):
    unit, former = closed_unit(tree)
    assert unit not in selectors.handler_units(sent) and tree.grassroots in selectors.handler_units(sent)
    # Their role ended today, so it is still "current" today: the closed unit excludes them.
    assert former not in selectors.handler_candidates(sent)


# --- People ---------------------------------------------------------------------------------------


def test_someone_whose_unit_closed_today_does_not_lead_it(tree, secretary, sent):
    _unit, former = closed_unit(tree)
    assert former.memberships.get().ended_on == TODAY
    errors = _refused(secretary, sent, lead_person=former)
    message = _("%(name)s holds no role in this committee or the units under it.")
    assert errors == {"lead_person": [message % {"name": former.full_name}]}


def test_someone_whose_unit_closed_earlier_does_not_lead_it(tree, secretary, sent):
    _unit, former = closed_unit(tree, closed_on=TODAY - dt.timedelta(days=10))
    assert list(_refused(secretary, sent, lead_person=former)) == ["lead_person"]


def test_each_wrong_co_handler_is_named_with_the_reason(
    tree, secretary, handler, outsider, classified, clerk
):
    slip = services.slip_send(actor=clerk, document=classified, leaders=[secretary])
    disabled = make_person(organization=tree.cell, role=Role.SECRETARY, clearance=Secrecy.SECRET)
    Person.objects.filter(pk=disabled.pk).update(is_active=False)
    disabled.refresh_from_db()
    uncleared = make_person(organization=tree.cell, role=Role.DEPUTY_SECRETARY)
    errors = _refused(secretary, slip, lead_person=handler, co_persons=[outsider, disabled, uncleared])
    assert errors == {
        "co_persons": [
            _("%(name)s holds no role in this committee or the units under it.")
            % {"name": outsider.full_name},
            _("The account of %(name)s has been disabled.") % {"name": disabled.full_name},
            _("%(name)s is not cleared for this document's secrecy level.") % {"name": uncleared.full_name},
        ]
    }


def test_the_checks_pass_for_people_and_open_units_of_the_subtree(tree, secretary, handler, member, sent):
    slip = services.slip_direct(
        actor=secretary,
        slip=sent,
        instruction="Xử lý",
        lead_unit=tree.grassroots,
        lead_person=handler,
        co_units=[tree.office, tree.cell],
        co_persons=[member],
    )
    assert slip.state == SlipState.DIRECTED and list(slip.co_persons.all()) == [member]


# --- The day of the direction ---------------------------------------------------------------------


@pytest.fixture
def sent_weeks_ago(tree, clerk, secretary):
    """A document received four weeks ago, whose slip went out on paper the next day
    and is entered now."""
    document = register_document(
        tree,
        clerk,
        received_on=TODAY - dt.timedelta(days=28),
        document_date=TODAY - dt.timedelta(days=30),
    )
    return services.slip_send(
        actor=clerk, document=document, leaders=[secretary], sent_on=TODAY - dt.timedelta(days=27)
    )


def test_a_slip_sent_on_paper_keeps_its_day(sent_weeks_ago):
    assert timezone.localdate(sent_weeks_ago.sent_at) == TODAY - dt.timedelta(days=27)
    event = AuditEvent.objects.for_target(sent_weeks_ago).get()
    assert event.after["sent_at"].startswith((TODAY - dt.timedelta(days=27)).isoformat())
    assert timezone.localdate(event.at) == TODAY  # the trail keeps when it was entered


@pytest.mark.parametrize(
    ("sent_on", "message"),
    [
        (TODAY + dt.timedelta(days=1), "The day sent cannot be in the future."),
        (TODAY - dt.timedelta(days=3), "A slip cannot be sent before the document was received (%(date)s)."),
    ],
)
def test_a_slip_is_not_sent_before_its_document_came_or_in_the_future(
    clerk, secretary, document, sent_on, message
):
    with pytest.raises(ValidationError) as info:
        services.slip_send(actor=clerk, document=document, leaders=[secretary], sent_on=sent_on)
    expected = _(message) % {"date": TODAY.strftime("%d/%m/%Y")} if "%(date)s" in message else _(message)
    assert info.value.message_dict == {"sent_on": [expected]}
    assert not TransferSlip.objects.exists()


def test_a_direction_given_weeks_ago_may_be_overdue_already(tree, secretary, handler, sent_weeks_ago):
    directed_on = TODAY - dt.timedelta(days=25)
    slip = services.slip_direct(
        actor=secretary,
        slip=sent_weeks_ago,
        instruction="Giao Đảng ủy Sở Tư pháp chủ trì",
        lead_person=handler,
        directed_on=directed_on,
        deadline=directed_on + dt.timedelta(days=10),
    )
    slip.refresh_from_db()
    assert slip.directed_on == directed_on and timezone.localdate(slip.directed_at) == TODAY
    assert slip.directed_earlier and slip.is_overdue
    assert list(TransferSlip.objects.overdue()) == [slip]
    event = AuditEvent.objects.for_target(slip).get(action="slip.directed")
    assert event.before["directed_on"] is None and event.after["directed_on"] == directed_on.isoformat()
    assert event.after["deadline"] == (directed_on + dt.timedelta(days=10)).isoformat()
    # The lead person finds it among their overdue work, the office on top of its board.
    assert selectors.my_work(handler).overdue == [slip]


def test_a_deadline_on_the_day_of_the_direction_is_accepted(secretary, handler, sent_weeks_ago):
    day = TODAY - dt.timedelta(days=20)
    slip = services.slip_direct(
        actor=secretary,
        slip=sent_weeks_ago,
        instruction="Xử lý",
        lead_person=handler,
        directed_on=day,
        deadline=day,
    )
    assert slip.deadline == slip.directed_on == day


def test_without_a_day_the_direction_is_given_today(tree, secretary, sent):
    slip = services.slip_direct(actor=secretary, slip=sent, instruction="Xử lý", lead_unit=tree.grassroots)
    assert slip.directed_on == TODAY and not slip.directed_earlier


@pytest.mark.parametrize(
    ("days_ago", "deadline_days_ago", "field", "message"),
    [
        (-1, None, "directed_on", "The day of the direction cannot be in the future."),
        (28, None, "directed_on", "The direction cannot be dated before the slip was sent (%(date)s)."),
        (20, 21, "deadline", "The deadline cannot be before the day of the direction."),
        (0, 1, "deadline", "The deadline cannot be before the day of the direction."),
    ],
)
def test_the_day_of_the_direction_and_the_deadline_are_checked(
    tree, secretary, sent_weeks_ago, days_ago, deadline_days_ago, field, message
):
    direction = {"directed_on": TODAY - dt.timedelta(days=days_ago)}
    if deadline_days_ago is not None:
        direction["deadline"] = TODAY - dt.timedelta(days=deadline_days_ago)
    errors = _refused(secretary, sent_weeks_ago, lead_unit=tree.grassroots, **direction)
    sent_on = (TODAY - dt.timedelta(days=27)).strftime("%d/%m/%Y")
    assert errors == {field: [_(message) % {"date": sent_on} if "%(date)s" in message else _(message)]}


def test_the_leader_gives_the_day_on_the_form_and_the_page_shows_both_days(
    client, tree, secretary, handler, sent_weeks_ago
):
    client.force_login(secretary)
    url = reverse("slip_detail", args=[sent_weeks_ago.pk])
    page = client.get(url).content.decode()
    assert 'name="direct-directed_on"' in page and f'value="{TODAY:%d/%m/%Y}"' in page
    directed_on = TODAY - dt.timedelta(days=24)
    response = client.post(
        reverse("slip_direct", args=[sent_weeks_ago.pk]),
        {
            "direct-instruction": "Giao Đảng ủy Sở Tư pháp chủ trì",
            "direct-lead_person": handler.pk,
            "direct-directed_on": directed_on.strftime("%d/%m/%Y"),
            "direct-deadline": (directed_on + dt.timedelta(days=7)).strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    sent_weeks_ago.refresh_from_db()
    assert sent_weeks_ago.directed_on == directed_on and sent_weeks_ago.is_overdue
    directed = client.get(url).content.decode().split('id="directed"')[1].split("</dd>")[0]
    assert directed_on.strftime("%d/%m/%Y") in directed and TODAY.strftime("%d/%m/%Y") in directed


def test_a_refused_day_shows_on_its_field(client, tree, secretary, sent):
    client.force_login(secretary)
    response = client.post(
        reverse("slip_direct", args=[sent.pk]),
        {
            "direct-instruction": "Xử lý",
            "direct-lead_unit": tree.grassroots.pk,
            "direct-directed_on": (TODAY + dt.timedelta(days=2)).strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 200 and 'id="id_direct-directed_on_error"' in response.content.decode()
    sent.refresh_from_db()
    assert sent.state == SlipState.SENT
