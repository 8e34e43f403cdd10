import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from vanphong.core.models import AuditEvent, Role, Secrecy
from vanphong.core.tests.factories import make_person
from vanphong.handling import services
from vanphong.handling.models import Notification, SlipProgress, SlipState, TransferSlip

TODAY = timezone.localdate()


def _events(slip=None):
    events = AuditEvent.objects.all()
    return events.for_target(slip) if slip is not None else events


# --- Sending ------------------------------------------------------------------------------------


def test_the_office_sends_a_slip_with_one_audit_event_and_a_notification(clerk, secretary, document):
    before = _events().count()
    slip = services.slip_send(
        actor=clerk, document=document, leaders=[secretary, secretary], note=" Kính trình "
    )
    assert _events().count() == before + 1
    event = _events(slip).get()
    assert (
        event.action == "slip.sent"
        and event.actor == clerk
        and event.after["sent_to"] == [secretary.full_name]
    )
    assert slip.state == SlipState.SENT and slip.organization == document.organization
    assert slip.secrecy == document.secrecy and slip.note == "Kính trình" and slip.sent_by == clerk
    assert list(slip.sent_to.all()) == [secretary]
    notification = Notification.objects.get()
    assert notification.recipient == secretary and notification.url == f"/handling/slips/{slip.pk}/"
    assert notification.read_at is None and str(document.number) in notification.text


def test_the_chief_of_office_may_be_sent_a_slip(clerk, office_chief, document):
    slip = services.slip_send(actor=clerk, document=document, leaders=[office_chief])
    assert list(slip.sent_to.all()) == [office_chief]


@pytest.mark.parametrize("who", ["member", "outsider", "secretary", "handler"])
def test_only_the_office_of_the_document_sends_it(request, who, secretary, document):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.slip_send(actor=actor, document=document, leaders=[secretary])
    assert not TransferSlip.objects.exists() and not _events().filter(action="slip.sent").exists()


@pytest.mark.parametrize("who", ["member", "outsider", "handler"])
def test_a_slip_goes_only_to_those_who_direct_the_committee(request, who, clerk, document):
    leader = request.getfixturevalue(who)
    with pytest.raises(ValidationError) as info:
        services.slip_send(actor=clerk, document=document, leaders=[leader])
    assert "không chỉ đạo công việc của cấp ủy này" in info.value.message_dict["leaders"][0]
    assert not TransferSlip.objects.exists() and not Notification.objects.exists()


def test_a_classified_document_goes_to_no_uncleared_leader(clerk, secretary, uncleared_leader, classified):
    with pytest.raises(ValidationError) as info:
        services.slip_send(actor=clerk, document=classified, leaders=[secretary, uncleared_leader])
    assert info.value.message_dict["leaders"] == [
        f"Đồng chí {uncleared_leader.full_name} không được tiếp cận văn bản ở độ mật này."
    ]
    assert not TransferSlip.objects.exists()
    slip = services.slip_send(actor=clerk, document=classified, leaders=[secretary])
    assert slip.secrecy == Secrecy.CONFIDENTIAL


def test_a_slip_needs_a_leader(clerk, document):
    with pytest.raises(ValidationError) as info:
        services.slip_send(actor=clerk, document=document, leaders=[])
    assert "leaders" in info.value.message_dict


# --- Directing ----------------------------------------------------------------------------------


def test_the_leader_directs_with_one_audit_event_and_the_handlers_are_told(
    tree, clerk, secretary, handler, sent
):
    Notification.objects.all().delete()
    before = _events().count()
    slip = services.slip_direct(
        actor=secretary,
        slip=sent,
        instruction="  Giao ĐU Sở Tư pháp chủ trì ",
        lead_unit=tree.grassroots,
        lead_person=handler,
        co_units=[tree.office],
        deadline=TODAY,
    )
    assert _events().count() == before + 1
    event = _events(slip).get(action="slip.directed")
    assert event.before["state"] == "sent" and event.after["state"] == "directed"
    assert event.after["co_units"] == [tree.office.name]
    slip.refresh_from_db()
    assert slip.state == SlipState.DIRECTED and slip.instruction == "Giao ĐU Sở Tư pháp chủ trì"
    assert slip.directed_by == secretary and slip.directed_at and slip.deadline == TODAY
    assert list(slip.co_units.all()) == [tree.office]
    assert not slip.is_overdue  # due today is not late yet
    told = sorted(n.recipient.pk for n in Notification.objects.all())
    assert told == sorted([handler.pk, clerk.pk])


def test_naming_only_a_unit_tells_its_heads(tree, secretary, handler, sent):
    make_person(organization=tree.grassroots, role=Role.MEMBER)
    Notification.objects.all().delete()
    services.slip_direct(actor=secretary, slip=sent, instruction="Xử lý", lead_unit=tree.grassroots)
    assert handler.notifications.count() == 1


@pytest.mark.parametrize("who", ["deputy", "member", "outsider", "clerk", "handler"])
def test_only_a_leader_of_the_slip_directs_it(request, who, tree, sent):
    actor = request.getfixturevalue(who)
    before = _events().count()
    with pytest.raises(PermissionDenied):
        services.slip_direct(actor=actor, slip=sent, instruction="Xử lý", lead_unit=tree.grassroots)
    sent.refresh_from_db()
    assert sent.state == SlipState.SENT and _events().count() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"deadline": TODAY - dt.timedelta(days=1)}, "deadline"),
        ({"instruction": "   "}, "instruction"),
        ({"lead_unit": None}, "lead_unit"),
        ({"lead_unit": "other_province"}, "lead_unit"),
        ({"co_units": ["other_province"]}, "co_units"),
        ({"lead_person": "outsider"}, "lead_person"),
    ],
)
def test_the_direction_is_checked_field_by_field(request, tree, secretary, sent, changes, field):
    def resolve(value):
        if isinstance(value, str) and value == "other_province":
            return tree.other_province
        if value == "outsider":
            return request.getfixturevalue("outsider")
        return value

    data = {"instruction": "Xử lý", "lead_unit": tree.grassroots, "deadline": TODAY}
    for key, value in changes.items():
        data[key] = [resolve(v) for v in value] if isinstance(value, list) else resolve(value)
    with pytest.raises(ValidationError) as info:
        services.slip_direct(actor=secretary, slip=sent, **data)
    assert field in info.value.message_dict
    sent.refresh_from_db()
    assert sent.state == SlipState.SENT and not _events(sent).filter(action="slip.directed").exists()


def test_an_uncleared_person_cannot_lead_a_classified_slip(tree, clerk, secretary, member, classified):
    slip = services.slip_send(actor=clerk, document=classified, leaders=[secretary])
    with pytest.raises(ValidationError) as info:
        services.slip_direct(actor=secretary, slip=slip, instruction="Xử lý", lead_person=member)
    assert "lead_person" in info.value.message_dict


def test_a_slip_is_directed_once(tree, secretary, directed):
    with pytest.raises(ValidationError, match="đã có ý kiến chỉ đạo"):
        services.slip_direct(actor=secretary, slip=directed, instruction="Lần hai", lead_unit=tree.office)


# --- Handling -----------------------------------------------------------------------------------


def test_the_lead_person_records_progress_with_one_audit_event(clerk, secretary, handler, directed):
    Notification.objects.all().delete()
    before = _events().count()
    progress = services.slip_progress(actor=handler, slip=directed, note=" Đã họp triển khai ")
    assert _events().count() == before + 1
    assert _events(directed).get(action="slip.progress").after == {"progress": "Đã họp triển khai"}
    assert SlipProgress.objects.get() == progress and progress.author == handler
    assert sorted(n.recipient.pk for n in Notification.objects.all()) == sorted([secretary.pk, clerk.pk])


def test_a_member_of_the_lead_unit_and_the_office_may_record_progress(tree, clerk, directed):
    colleague = make_person(organization=tree.grassroots, role=Role.MEMBER)
    services.slip_progress(actor=colleague, slip=directed, note="Đã dự thảo báo cáo")
    services.slip_progress(actor=clerk, slip=directed, note="Văn phòng đã nhắc")
    assert directed.progress.count() == 2


@pytest.mark.parametrize("who", ["member", "outsider", "deputy", "uncleared_leader"])
def test_only_a_handler_records_progress_or_completes(request, who, directed):
    actor = request.getfixturevalue(who)
    before = _events().count()
    with pytest.raises(PermissionDenied):
        services.slip_progress(actor=actor, slip=directed, note="Xong")
    with pytest.raises(PermissionDenied):
        services.slip_complete(actor=actor, slip=directed, note="Xong")
    directed.refresh_from_db()
    assert directed.state == SlipState.DIRECTED and _events().count() == before


def test_progress_needs_a_note_and_a_directed_slip(clerk, handler, sent, directed):
    with pytest.raises(ValidationError) as info:
        services.slip_progress(actor=handler, slip=directed, note="  ")
    assert "note" in info.value.message_dict
    assert not SlipProgress.objects.exists()


def test_the_handler_completes_with_one_audit_event_then_nothing_more(clerk, secretary, handler, directed):
    Notification.objects.all().delete()
    before = _events().count()
    slip = services.slip_complete(actor=handler, slip=directed, note="Đã báo cáo Thường trực")
    assert _events().count() == before + 1
    event = _events(slip).get(action="slip.completed")
    assert event.before == {"state": "directed"} and event.after["state"] == "done"
    assert slip.state == SlipState.DONE and slip.completed_by == handler and slip.completed_at
    assert sorted(n.recipient.pk for n in Notification.objects.all()) == sorted([secretary.pk, clerk.pk])
    with pytest.raises(ValidationError):
        services.slip_progress(actor=handler, slip=slip, note="Thêm")
    with pytest.raises(ValidationError):
        services.slip_complete(actor=handler, slip=slip)


def test_nothing_is_handled_before_direction(handler, clerk, sent):
    with pytest.raises(ValidationError):
        services.slip_progress(actor=clerk, slip=sent, note="Sớm")


# --- States and overdue -----------------------------------------------------------------------


def test_overdue_is_a_passed_deadline_and_not_done(handler, directed):
    TransferSlip.objects.filter(pk=directed.pk).update(deadline=TODAY - dt.timedelta(days=1))
    directed.refresh_from_db()
    assert directed.is_overdue
    assert list(TransferSlip.objects.overdue()) == [directed]
    assert list(TransferSlip.objects.overdue(TODAY - dt.timedelta(days=1))) == []
    services.slip_complete(actor=handler, slip=directed)
    directed.refresh_from_db()
    assert not directed.is_overdue and not TransferSlip.objects.overdue().exists()
    assert list(TransferSlip.objects.open()) == []


def test_a_slip_without_a_deadline_is_never_overdue(sent):
    assert not sent.is_overdue and not TransferSlip.objects.overdue().exists()


# --- E-mail ---------------------------------------------------------------------------------------


def test_the_mail_leaves_after_the_commit_to_those_with_an_address(
    django_capture_on_commit_callbacks, clerk, secretary, deputy, document
):
    secretary.email = "bithu@example.vn"
    secretary.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        slip = services.slip_send(actor=clerk, document=document, leaders=[secretary, deputy])
        assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 1 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bithu@example.vn"]
    assert f"/handling/slips/{slip.pk}/" in message.body and document.abstract[:20] in message.body
    # A link a mail program opens: the site's address, not a bare path.
    assert f"http://127.0.0.1:8000/handling/slips/{slip.pk}/" in message.body
    assert Notification.objects.filter(recipient=deputy).exists()  # told in the app only


def test_a_classified_abstract_never_travels_by_mail(
    django_capture_on_commit_callbacks, clerk, secretary, classified
):
    secretary.email = "bithu@example.vn"
    secretary.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        services.slip_send(actor=clerk, document=classified, leaders=[secretary])
    body = mail.outbox[0].subject + mail.outbox[0].body
    assert classified.abstract not in body and classified.symbol not in body


def test_a_refused_step_sends_no_mail(django_capture_on_commit_callbacks, clerk, member, document):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValidationError):
        services.slip_send(actor=clerk, document=document, leaders=[member])
    assert callbacks == [] and mail.outbox == []


def test_the_handler_is_mailed_when_the_slip_is_directed(
    django_capture_on_commit_callbacks, tree, secretary, handler, sent
):
    with django_capture_on_commit_callbacks(execute=True):
        services.slip_direct(actor=secretary, slip=sent, instruction="Xử lý", lead_person=handler)
    assert [m.to for m in mail.outbox] == [[handler.email]]


def test_notifications_are_marked_read(secretary, sent):
    assert services.notifications_read(actor=secretary) == 1
    assert not secretary.notifications.filter(read_at__isnull=True).exists()
