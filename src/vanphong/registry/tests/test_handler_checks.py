"""The handler of an incoming document (the unit and the person named in the
register's "đơn vị, người nhận" column) belongs to the registering committee: an open
unit of its subtree, a person holding a role there today. Each refusal is keyed to
its field, consumes no number and writes no audit event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from vanphong.core.models import AuditEvent, Person, Role
from vanphong.core.tests.factories import closed_unit, make_person
from vanphong.registry.models import IncomingDocument, Register

TODAY = timezone.localdate()


def _refused(incoming, field: str, **changes) -> str:
    """Register with `changes`, expect a refusal on `field` alone, and prove it left
    no number, no document and no audit event behind; the message."""
    events, documents = AuditEvent.objects.count(), IncomingDocument.objects.count()
    with pytest.raises(ValidationError) as info:
        incoming(**changes)
    assert list(info.value.message_dict) == [field]
    assert AuditEvent.objects.count() == events and IncomingDocument.objects.count() == documents
    assert not Register.objects.filter(last_number__gt=documents).exists()
    (message,) = info.value.message_dict[field]
    return message


def test_a_closed_unit_does_not_receive_a_document(tree, incoming):
    unit, _former = closed_unit(tree)
    assert _refused(incoming, "handler_unit", handler_unit=unit) == _("This organization has been closed.")


def test_a_unit_outside_the_committee_does_not_receive_it(tree, incoming):
    message = _refused(incoming, "handler_unit", handler_unit=tree.other_province)
    assert message == _("Choose a unit of this committee.")


def test_a_handler_from_another_committee_is_refused(tree, incoming, outsider):
    message = _refused(incoming, "handler_person", handler_person=outsider)
    assert message == _("%(name)s holds no role in this committee or the units under it.") % {
        "name": outsider.full_name
    }
    assert outsider.full_name in message


def test_a_handler_whose_unit_closed_today_holds_no_role_any_more(tree, incoming):
    # Closing ends the roles on the closing day, and a role ending today still counts
    # as current: the unit itself being closed is what refuses them.
    _unit, former = closed_unit(tree)
    assert former.memberships.get().ended_on == TODAY
    message = _refused(incoming, "handler_person", handler_person=former)
    assert former.full_name in message


def test_a_handler_whose_unit_closed_earlier_is_refused(tree, incoming):
    _unit, former = closed_unit(tree, closed_on=TODAY - dt.timedelta(days=30))
    assert former.full_name in _refused(incoming, "handler_person", handler_person=former)


def test_a_disabled_account_is_not_a_handler(tree, incoming):
    person = make_person(organization=tree.grassroots, role=Role.SECRETARY)
    Person.objects.filter(pk=person.pk).update(is_active=False)
    person.refresh_from_db()
    message = _refused(incoming, "handler_person", handler_person=person)
    assert message == _("The account of %(name)s has been disabled.") % {"name": person.full_name}


def test_both_handler_fields_are_reported_at_once(tree, incoming, outsider):
    unit, _former = closed_unit(tree)
    with pytest.raises(ValidationError) as info:
        incoming(handler_unit=unit, handler_person=outsider)
    assert sorted(info.value.message_dict) == ["handler_person", "handler_unit"]


@pytest.mark.parametrize("where", ["city", "office", "grassroots", "cell"])
def test_anyone_holding_a_role_in_the_subtree_handles_it(tree, incoming, where):
    unit = getattr(tree, where)
    person = make_person(organization=unit, role=Role.MEMBER if where == "cell" else Role.SECRETARY)
    document = incoming(handler_unit=unit, handler_person=person)
    assert (document.handler_unit, document.handler_person, document.number) == (unit, person, 1)
    event = AuditEvent.objects.for_target(document).get()
    assert event.after["handler_person"] == person.pk and event.after["handler_unit"] == unit.pk
