"""The minutes' pages: only the office and the meeting's secretary reach them (404
outside, 403 to a member), the meeting page's panel, the conclusions editor (htmx and
plain posts, bad tasks refused at their fields with nothing saved), the drafts made
from the pages and the hand-over refused until the notice is signed."""

# ruff: noqa: F401, F811  (fixtures imported from other apps, used as arguments)
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from vanphong.core.models import Secrecy
from vanphong.meetings import services
from vanphong.meetings.models import ConclusionTask, ItemConclusion, Meeting, MeetingPapers
from vanphong.meetings.tests.conftest import Committee
from vanphong.registry.tests.conftest import terms


@pytest.fixture
def held(meeting: Meeting, committee: Committee, tree, terms) -> Meeting:
    office = committee.specialist
    services.item_add(
        actor=office, meeting=meeting, title="Tổng kết công tác năm 2026", preparing_unit=tree.office
    )
    services.item_add(actor=office, meeting=meeting, title="Quy hoạch cán bộ", secrecy=Secrecy.CONFIDENTIAL)
    services.invitations_send(actor=office, meeting=meeting)
    for person in committee.btv[:5]:
        services.check_in(actor=office, invitation=meeting.invitations.get(person=person))
    services.meeting_open(actor=committee.secretary, meeting=meeting)
    return services.meeting_close(actor=committee.secretary, meeting=meeting)


def test_the_panel_is_for_the_office_only(client, held, committee):
    client.force_login(committee.specialist)
    page = client.get(reverse("meetings_meeting", args=[held.pk])).content.decode()
    assert 'id="minutes-create"' in page
    assert reverse("minutes_conclusions", args=[held.pk]) in page
    client.force_login(committee.standing[0])
    page = client.get(reverse("meetings_meeting", args=[held.pk])).content.decode()
    assert 'id="minutes-panel"' not in page


def test_who_reaches_the_pages(client, held, committee, outsider):
    item = held.items.order_by("order").first()
    urls = [
        ("post", reverse("minutes_prepare", args=[held.pk])),
        ("get", reverse("minutes_conclusions", args=[held.pk])),
        ("post", reverse("minutes_notice", args=[held.pk])),
        ("post", reverse("minutes_hand_over", args=[held.pk])),
        ("post", reverse("minutes_conclusion_save", args=[item.pk])),
        ("post", reverse("minutes_task_add", args=[item.pk])),
    ]
    for person, status in ((outsider, 404), (committee.standing[0], 403)):
        client.force_login(person)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == status, (person, url)
    assert not MeetingPapers.objects.exists() and not ItemConclusion.objects.exists()


def test_the_office_makes_the_minutes_and_the_notice_from_the_pages(client, held, committee, tree):
    client.force_login(committee.specialist)
    response = client.post(reverse("minutes_prepare", args=[held.pk]))
    minutes = MeetingPapers.objects.get(meeting=held).minutes
    assert response.status_code == 302 and response["Location"] == reverse("draft_detail", args=[minutes.pk])
    page = client.get(reverse("meetings_meeting", args=[held.pk])).content.decode()
    assert 'id="minutes-link"' in page and 'id="notice-create"' in page

    item = held.items.order_by("order").first()
    card = client.post(
        reverse("minutes_conclusion_save", args=[item.pk]),
        {"text": "Thống nhất với báo cáo."},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Thống nhất với báo cáo." in card and "<html" not in card
    prefix = f"item{item.pk}-"
    bad = client.post(
        reverse("minutes_task_add", args=[item.pk]),
        {
            prefix + "content": "Hoàn thiện báo cáo",
            prefix + "lead_unit": tree.office.pk,
            prefix + "leader": committee.secretary.pk,
            prefix + "deadline": held.starts_at.strftime("%d/%m/%Y"),
        },
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 200
    assert f'id="id_{prefix}deadline_error"' in bad.content.decode()
    assert not ConclusionTask.objects.exists()
    deadline = timezone.localdate() + dt.timedelta(days=40)
    good = client.post(
        reverse("minutes_task_add", args=[item.pk]),
        {
            prefix + "content": "Hoàn thiện báo cáo",
            prefix + "lead_unit": tree.office.pk,
            prefix + "leader": committee.secretary.pk,
            prefix + "deadline": deadline.strftime("%d/%m/%Y"),
        },
    )
    assert good.status_code == 302
    task = ConclusionTask.objects.get()
    assert (task.item, task.lead_unit, task.deadline) == (item, tree.office, deadline)
    editor = client.get(reverse("minutes_conclusions", args=[held.pk])).content.decode()
    assert "Hoàn thiện báo cáo" in editor
    assert "Quy hoạch cán bộ" not in editor  # a classified item is not concluded here

    response = client.post(reverse("minutes_notice", args=[held.pk]))
    notice = MeetingPapers.objects.get(meeting=held).notice
    assert response["Location"] == reverse("draft_detail", args=[notice.pk])
    assert "Hoàn thiện báo cáo" in notice.body_html
    # Not signed: the hand-over is refused with a message, nothing handed.
    response = client.post(reverse("minutes_hand_over", args=[held.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("meetings_meeting", args=[held.pk])
    assert MeetingPapers.objects.get(meeting=held).conclusion is None
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"


def test_a_meeting_not_held_gets_a_message_not_minutes(client, meeting, committee):
    client.force_login(committee.specialist)
    response = client.post(reverse("minutes_prepare", args=[meeting.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings_meeting", args=[meeting.pk])
    assert not MeetingPapers.objects.exists()


def test_conclusions_written_after_the_minutes_are_flagged_until_written_again(client, held, committee):
    office = committee.specialist
    client.force_login(office)
    url = reverse("meetings_meeting", args=[held.pk])
    services.minutes_prepare(actor=office, meeting=held)
    assert 'id="minutes-behind"' not in client.get(url).content.decode()
    item = held.items.order_by("order").first()
    services.conclusion_write(actor=office, item=item, text="Đồng ý thông qua báo cáo tổng kết.")
    assert 'id="minutes-behind"' in client.get(url).content.decode()
    services.minutes_prepare(actor=office, meeting=held)
    page = client.get(url).content.decode()
    assert 'id="minutes-behind"' not in page
    # The conclusions come before the minutes on the panel: they are written first.
    assert page.index('id="conclusions-link"') < page.index('id="minutes-line"')
