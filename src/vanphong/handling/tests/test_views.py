import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from vanphong.core.models import Role, Secrecy
from vanphong.core.tests.factories import persona
from vanphong.handling import services
from vanphong.handling.models import Notification, SlipState, TransferSlip

TODAY = timezone.localdate()


def _page(client, person, url):
    client.force_login(person)
    response = client.get(url)
    return response, response.content.decode()


def test_the_whole_path_clerk_secretary_handler(client, tree, clerk, secretary, handler, document):
    # The clerk opens the document and sends it to the Secretary.
    response, page = _page(client, clerk, reverse("incoming_detail", args=[document.pk]))
    send_url = reverse("slip_send", args=[document.pk])
    assert response.status_code == 200 and send_url in page
    response, page = _page(client, clerk, send_url)
    assert response.status_code == 200 and secretary.full_name in page and 'name="leaders"' in page
    response = client.post(send_url, {"leaders": [secretary.pk], "note": "Kính trình"})
    slip = TransferSlip.objects.get()
    slip_url = reverse("slip_detail", args=[slip.pk])
    assert response.status_code == 302 and response["Location"] == slip_url
    response, page = _page(client, clerk, slip_url)
    assert 'id="direction-form"' not in page and 'id="progress-form"' not in page
    assert (
        reverse("slip_detail", args=[slip.pk])
        in client.get(reverse("incoming_detail", args=[document.pk])).content.decode()
    )

    # The Secretary finds it in their work and directs it with a deadline.
    response, page = _page(client, secretary, reverse("handling_mine"))
    assert slip_url in page
    response, page = _page(client, secretary, slip_url)
    assert 'id="direction-form"' in page and handler.full_name in page
    deadline = TODAY + dt.timedelta(days=5)
    response = client.post(
        reverse("slip_direct", args=[slip.pk]),
        {
            "direct-instruction": "Giao Đảng ủy Sở Tư pháp chủ trì",
            "direct-lead_unit": tree.grassroots.pk,
            "direct-lead_person": handler.pk,
            "direct-deadline": deadline.strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302 and response["Location"] == slip_url
    slip.refresh_from_db()
    assert slip.state == SlipState.DIRECTED and slip.deadline == deadline and slip.lead_person == handler

    # The handler, far below the committee, sees it in their work, reports and completes.
    response, page = _page(client, handler, reverse("handling_mine"))
    assert slip_url in page
    response, page = _page(client, handler, slip_url)
    assert response.status_code == 200 and "Giao Đảng ủy Sở Tư pháp chủ trì" in page
    assert 'id="progress-form"' in page and 'id="complete-form"' in page and 'id="direction-form"' not in page
    response = client.post(reverse("slip_progress", args=[slip.pk]), {"progress-note": "Đã họp triển khai"})
    assert response.status_code == 302
    response = client.post(
        reverse("slip_progress", args=[slip.pk]), {"progress-note": "Đã dự thảo"}, HTTP_HX_REQUEST="true"
    )
    partial = response.content.decode()
    assert response.status_code == 200 and "Đã dự thảo" in partial and "<html" not in partial
    assert 'role="status"' in partial  # the confirmation, shown in place rather than on the next page
    response = client.post(reverse("slip_complete", args=[slip.pk]), {"complete-note": "Đã báo cáo"})
    assert response.status_code == 302
    slip.refresh_from_db()
    assert slip.state == SlipState.DONE and slip.completed_by == handler

    response, page = _page(client, secretary, slip_url)
    assert 'id="complete-form"' not in page and "Đã báo cáo" in page
    history = page.split('id="history"')[1]
    with translation.override("vi"):
        labels = [str(label) for label in services.AUDIT_LABELS.values()]
    assert all(label in history for label in labels)
    assert history.count("<li>") >= 5  # sent, directed, two progress notes, completed


def test_a_refused_direction_shows_on_the_form_and_saves_nothing(client, tree, secretary, sent):
    client.force_login(secretary)
    response = client.post(
        reverse("slip_direct", args=[sent.pk]),
        {
            "direct-instruction": "Xử lý",
            "direct-lead_unit": tree.grassroots.pk,
            "direct-deadline": "01/01/2020",
        },
    )
    assert response.status_code == 200 and 'id="id_direct-deadline_error"' in response.content.decode()
    sent.refresh_from_db()
    assert sent.state == SlipState.SENT


def test_outsiders_get_404_and_the_wrong_people_403(
    client, tree, clerk, secretary, deputy, member, outsider, sent
):
    slip_url = reverse("slip_detail", args=[sent.pk])
    for stranger in (outsider, member):
        client.force_login(stranger)
        assert client.get(slip_url).status_code == 404
        assert client.post(reverse("slip_direct", args=[sent.pk]), {}).status_code == 404
        assert client.get(reverse("slip_send", args=[sent.document.pk])).status_code == 404
    # A leader of the committee not on the slip sees it but may not direct it.
    client.force_login(deputy)
    response = client.get(slip_url)
    assert response.status_code == 200 and 'id="direction-form"' not in response.content.decode()
    data = {"direct-instruction": "Xử lý", "direct-lead_unit": tree.grassroots.pk}
    assert client.post(reverse("slip_direct", args=[sent.pk]), data).status_code == 403
    assert client.post(reverse("slip_progress", args=[sent.pk]), {"progress-note": "x"}).status_code == 403
    # The Secretary reads the document but does not send slips: that is the office's.
    client.force_login(secretary)
    assert client.get(reverse("slip_send", args=[sent.document.pk])).status_code == 403
    assert client.get(reverse("slip_board")).status_code == 403
    sent.refresh_from_db()
    assert sent.state == SlipState.SENT


def test_the_board_shows_the_overdue_slip_first(
    client, tree, clerk, office_chief, secretary, handler, member, document
):
    later = services.slip_send(actor=clerk, document=document, leaders=[secretary])
    services.slip_direct(
        actor=secretary,
        slip=later,
        instruction="A",
        lead_person=handler,
        deadline=TODAY + dt.timedelta(days=3),
    )
    late = services.slip_send(actor=clerk, document=document, leaders=[secretary])
    services.slip_direct(actor=secretary, slip=late, instruction="B", lead_person=handler, deadline=TODAY)
    TransferSlip.objects.filter(pk=late.pk).update(deadline=TODAY - dt.timedelta(days=2))
    done = services.slip_send(actor=clerk, document=document, leaders=[secretary])
    services.slip_direct(actor=secretary, slip=done, instruction="C", lead_person=handler)
    services.slip_complete(actor=handler, slip=done)
    for person in (clerk, office_chief):
        response, page = _page(client, person, reverse("slip_board"))
        assert response.status_code == 200
        rows = [int(part.split('"')[0]) for part in page.split('data-slip="')[1:]]
        assert rows == [late.pk, later.pk]
        assert f'class="table-danger" data-slip="{late.pk}"' in page
    client.force_login(member)
    assert client.get(reverse("slip_board")).status_code == 403
    # The lead person sees the overdue slip in their work too.
    response, page = _page(client, handler, reverse("handling_mine"))
    assert page.split('id="overdue"')[1].split('id="to-direct"')[0].count("data-slip=") == 1


def test_a_classified_slip_is_invisible_to_the_uncleared(
    client, tree, clerk, secretary, uncleared_leader, classified
):
    slip = services.slip_send(actor=clerk, document=classified, leaders=[secretary])
    uncleared_clerk = persona(tree, Role.CLERK, Secrecy.NONE)
    response, page = _page(client, uncleared_clerk, reverse("slip_board"))
    assert response.status_code == 200 and "data-slip=" not in page
    assert client.get(reverse("slip_detail", args=[slip.pk])).status_code == 404
    response, page = _page(client, uncleared_leader, reverse("handling_mine"))
    assert "data-slip=" not in page
    assert client.get(reverse("slip_detail", args=[slip.pk])).status_code == 404
    response, page = _page(client, clerk, reverse("slip_board"))
    assert f'data-slip="{slip.pk}"' in page
    response, page = _page(client, secretary, reverse("handling_mine"))
    assert f'data-slip="{slip.pk}"' in page


def test_the_menu_counts_unread_notifications_and_opening_one_reads_it(client, secretary, sent):
    response, page = _page(client, secretary, reverse("handling_mine"))
    assert reverse("notification_list") in page and "(1)" in page
    response, page = _page(client, secretary, reverse("notification_list"))
    notification = Notification.objects.get(recipient=secretary)
    assert notification.text in page
    response = client.get(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("slip_detail", args=[sent.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "(1)" not in client.get(reverse("handling_mine")).content.decode()


def test_nobody_opens_anothers_notification(client, clerk, secretary, sent):
    notification = Notification.objects.get(recipient=secretary)
    client.force_login(clerk)
    assert client.get(reverse("notification_open", args=[notification.pk])).status_code == 404
    assert client.post(reverse("notifications_read")).status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize("name", ["handling_mine", "slip_board", "notification_list"])
def test_the_pages_need_a_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/account/login/" in response["Location"]
