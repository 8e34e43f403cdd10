"""The pages: who sees a denouncer's name (nobody on lists, searches and exports; the
handler and the leaders on the letter's page, each time audited), escaping, the
office's actions through the forms, the statistics and reception sessions."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from vanphong.core.models import AuditEvent
from vanphong.letters import services
from vanphong.letters.models import Letter, LetterKind, LetterState, ReceptionSession
from vanphong.letters.tests.conftest import DENOUNCER, register

pytestmark = pytest.mark.django_db


def client_for(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def identity_views(letter: Letter) -> int:
    return AuditEvent.objects.filter(
        action=services.AuditAction.IDENTITY_VIEWED, target_id=str(letter.pk)
    ).count()


def workbook_text(body: bytes) -> str:
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    return " ".join(
        str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None
    )


def test_an_uncleared_clerk_never_sees_the_denouncers_name(clerk, denunciation):
    client = client_for(clerk)
    by_name = reverse("letters_home") + "?q=Tr%E1%BA%A7n+V%C4%83n+T%E1%BB%91"
    pages = [
        reverse("letters_home"),
        reverse("letters_home") + "?q=c%C3%A1n+b%E1%BB%99+%C4%91%E1%BB%8Ba+ch%C3%ADnh",
        reverse("letter_detail", args=[denunciation.pk]),
        reverse("letter_overdue"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert DENOUNCER not in text and "0987 654 321" not in text and "Tổ 5" not in text, url
    assert denunciation.subject in client.get(pages[1]).content.decode()
    # Searching by the name finds nothing, so the search does not tell who denounced.
    assert denunciation.subject not in client.get(by_name).content.decode()
    body = client.get(reverse("letter_register_export") + "?register=complaints").content
    assert DENOUNCER not in workbook_text(body) and denunciation.subject in workbook_text(body)
    assert client.post(reverse("letter_identity", args=[denunciation.pk])).status_code == 403
    assert identity_views(denunciation) == 0


def test_the_leaders_see_it_on_request_and_each_view_is_audited(office_chief, secretary, denunciation):
    for person in (office_chief, secretary):
        client = client_for(person)
        detail = client.get(reverse("letter_detail", args=[denunciation.pk])).content.decode()
        assert DENOUNCER not in detail and reverse("letter_identity", args=[denunciation.pk]) in detail
        assert DENOUNCER not in client.get(reverse("letters_home")).content.decode()
    before = identity_views(denunciation)
    client = client_for(office_chief)
    for _ in range(2):
        shown = client.post(reverse("letter_identity", args=[denunciation.pk]))
        assert shown.status_code == 200 and DENOUNCER in shown.content.decode()
    fragment = client.post(reverse("letter_identity", args=[denunciation.pk]), HTTP_HX_REQUEST="true")
    assert DENOUNCER in fragment.content.decode() and "<html" not in fragment.content.decode()
    assert identity_views(denunciation) == before + 3
    event = AuditEvent.objects.filter(action=services.AuditAction.IDENTITY_VIEWED).order_by("pk").last()
    assert event is not None and event.actor == office_chief
    assert all(
        DENOUNCER not in str(e.after) + str(e.before) + e.target_repr for e in AuditEvent.objects.all()
    )


def test_a_leader_finding_a_denunciation_by_the_name_is_audited(office_chief, clerk, tree, denunciation):
    register(clerk, tree, subject="Kiến nghị khác", sender_name="Trần Văn Tố")  # not protected
    client = client_for(office_chief)
    found = client.get(reverse("letters_home") + "?q=Tr%E1%BA%A7n+V%C4%83n+T%E1%BB%91")
    assert denunciation.subject in found.content.decode() and "Kiến nghị khác" in found.content.decode()
    events = AuditEvent.objects.filter(action=services.AuditAction.IDENTITY_VIEWED)
    assert [(e.target_id, e.after) for e in events] == [(str(denunciation.pk), {"where": "search"})]
    client.get(reverse("letters_home") + "?q=c%C3%A1n+b%E1%BB%99")  # not a name: no event
    assert events.count() == 1


def test_the_assigned_handler_sees_it_too(clerk, handler, tree, denunciation):
    services.letter_forward(actor=clerk, letter=denunciation, unit=tree.bloc, handler=handler)
    client = client_for(handler)
    assert client.get(reverse("letter_detail", args=[denunciation.pk])).status_code == 200
    assert DENOUNCER in client.post(reverse("letter_identity", args=[denunciation.pk])).content.decode()
    assert identity_views(denunciation) == 1
    # The clerk still does not, after forwarding.
    assert (
        DENOUNCER
        not in client_for(clerk).get(reverse("letter_detail", args=[denunciation.pk])).content.decode()
    )


def test_a_petitioner_is_not_secret(clerk, tree):
    letter = register(clerk, tree)
    assert (
        "Nguyễn Văn An" in client_for(clerk).get(reverse("letter_detail", args=[letter.pk])).content.decode()
    )


def test_people_outside_the_office_see_no_letter(member, outsider, denunciation):
    for person in (member, outsider):
        client = client_for(person)
        assert client.get(reverse("letter_detail", args=[denunciation.pk])).status_code == 404
        assert denunciation.subject not in client.get(reverse("letters_home")).content.decode()
    assert client_for(member).get(reverse("letter_create")).status_code == 403
    # The other province's office registers its own letters, not the city's.
    form = client_for(outsider).get(reverse("letter_create")).context["form"]
    assert denunciation.organization not in form.fields["organization"].queryset


def test_submissions_are_rendered_escaped(clerk, office_chief, tree, rules):
    script = "<script>alert(1)</script>"
    letter = services.letter_receive_from_form(name=script, contact=script, subject=script, content=script)
    services.letter_classify(actor=office_chief, letter=letter, kind=LetterKind.FEEDBACK)
    for person in (clerk, office_chief):
        client = client_for(person)
        for url in [reverse("letters_home"), reverse("letter_detail", args=[letter.pk])]:
            text = client.get(url).content.decode()
            assert script not in text
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_the_office_registers_classifies_forwards_and_replies_through_the_pages(clerk, tree, handler):
    client = client_for(clerk)
    day = timezone.localdate() - dt.timedelta(days=30)
    typed = day.strftime("%d/%m/%Y")
    response = client.post(
        reverse("letter_create"),
        {
            "organization": tree.city.pk,
            "channel": "post",
            "kind": "complaint",
            "received_on": typed,
            "sender_name": "Võ Thị Hạnh",
            "subject": "Khiếu nại quyết định thu hồi đất",
            "content": "Không đồng ý mức bồi thường.",
        },
    )
    letter = Letter.objects.get(subject="Khiếu nại quyết định thu hồi đất")
    assert response.status_code == 302 and letter.number == 1
    bad = client.post(reverse("letter_forward", args=[letter.pk]), {"unit": "", "forwarded_on": "31/02/2026"})
    assert bad.status_code == 400
    letter.refresh_from_db()
    assert letter.state == LetterState.RECEIVED
    response = client.post(
        reverse("letter_forward", args=[letter.pk]),
        {"unit": tree.bloc.pk, "handler": handler.pk, "forwarded_on": typed, "instruction": "Xem xét"},
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == LetterState.FORWARDED and letter.deadline == day + dt.timedelta(days=40)
    reply = client_for(handler).post(
        reverse("letter_reply", args=[letter.pk]),
        {"reply": "Đã giải quyết", "replied_on": timezone.localdate().strftime("%d/%m/%Y")},
    )
    assert reply.status_code == 302
    letter.refresh_from_db()
    assert letter.state == LetterState.REPLIED


def test_a_missing_field_is_reported_and_nothing_saved(clerk, tree):
    response = client_for(clerk).post(
        reverse("letter_create"), {"organization": tree.city.pk, "channel": "post", "kind": "complaint"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"subject", "content", "received_on"}
    assert not Letter.objects.exists()


def test_statistics_page_and_workbook(office_chief, clerk, tree):
    register(clerk, tree, kind=LetterKind.COMPLAINT)
    register(clerk, tree, kind=LetterKind.PETITION)
    client = client_for(office_chief)
    page = client.get(reverse("letter_statistics"))
    assert page.status_code == 200
    kinds = page.context["tables"][0]
    assert kinds.rows[-1][1] == 2
    body = client.get(reverse("letter_statistics") + "?start=01/01/2020&end=31/12/2030&format=xlsx").content
    assert "Thành ủy Ngọc Sơn" in workbook_text(body)
    bad = client.get(reverse("letter_statistics") + "?start=02/01/2026&end=01/01/2026")
    assert bad.context["form"].errors


def test_reception_session_with_schedule_event_and_visits(office_chief, clerk, secretary, tree, denunciation):
    client = client_for(office_chief)
    response = client.post(
        reverse("letter_session_create"),
        {
            "organization": tree.city.pk,
            "leader": secretary.pk,
            "day": (timezone.localdate() + dt.timedelta(days=10)).strftime("%d/%m/%Y"),
            "starts_at": "08:00",
            "place": "Trụ sở Tiếp công dân",
            "add_to_schedule": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    session = ReceptionSession.objects.get()
    assert session.event is not None and session.event.kind == "reception"
    url = reverse("letter_session_detail", args=[session.pk])
    response = client.post(
        url,
        {
            "form": "visit",
            "visitor": DENOUNCER,
            "about": "Bổ sung chứng cứ tố cáo",
            "decision": "Giao Ủy ban Kiểm tra xác minh",
            "letters": denunciation.register_number,
        },
    )
    assert response.status_code == 302
    assert list(session.visits.get().letters.all()) == [denunciation]
    missing = client.post(url, {"form": "visit", "visitor": "A", "about": "B", "letters": "999/KNTC-2026"})
    assert missing.status_code == 400
    for person in (clerk, office_chief):
        text = client_for(person).get(url).content.decode()
        assert DENOUNCER not in text and "Giao Ủy ban Kiểm tra xác minh" in text
    # The leader sees their session.
    assert client_for(secretary).get(url).status_code == 200


def test_time_limits_page(office_chief, clerk):
    page = client_for(office_chief).get(reverse("letter_time_limits"))
    assert page.status_code == 200 and "Luật Tố cáo 2018" in page.content.decode()
    limit = page.context["rows"][0][0]
    bad = client_for(office_chief).post(
        reverse("letter_time_limits"),
        {"limit": limit.pk, "acceptance_days": "-1", "resolution_days": "30", "complex_extra_days": "0"},
    )
    assert bad.status_code == 400
    assert client_for(clerk).post(reverse("letter_time_limits"), {"limit": limit.pk}).status_code == 403
