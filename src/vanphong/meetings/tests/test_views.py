"""The meeting pages: who reaches them (404 outside, 403 for what one may see but not
do), what a member sees of the agenda (classified titles only when cleared, never a
file of a classified item), the served pre-read (inline, stamped), the answer form
refusing a delegate from outside, and the check-in redrawing the quorum."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from django.urls import reverse

from vanphong.core.models import AuditEvent, Secrecy
from vanphong.meetings import services
from vanphong.meetings.models import Invitation, Meeting, MeetingDocument, Response
from vanphong.meetings.tests.conftest import btv_kind, pdf_bytes, upload


@pytest.fixture
def agenda(meeting, committee):
    """Three items: an open one with a PDF; a Mật one for everyone; an open one for
    the Secretary and the Deputy only. Pre-reads open now."""
    services.meeting_update(actor=committee.specialist, meeting=meeting, preread_days=7)
    public = services.item_add(
        actor=committee.specialist,
        meeting=meeting,
        title="Báo cáo tình hình kinh tế - xã hội năm 2026",
        presenter=committee.deputy,
    )
    services.document_add(actor=committee.specialist, item=public, upload=upload(pdf_bytes(3)))
    services.item_add(
        actor=committee.specialist,
        meeting=meeting,
        title="Quy hoạch cán bộ nhiệm kỳ tới",
        secrecy=Secrecy.CONFIDENTIAL,
    )
    services.item_add(
        actor=committee.specialist,
        meeting=meeting,
        title="Kỷ luật đảng viên vi phạm",
        invitees=[committee.secretary, committee.deputy],
    )
    services.invitations_send(actor=committee.specialist, meeting=meeting)
    return meeting


def test_an_outsider_gets_404(client, agenda, outsider, member):
    for person in (outsider, member):
        client.force_login(person)
        assert client.get(reverse("meetings_meeting", args=[agenda.pk])).status_code == 404
        document = MeetingDocument.objects.first()
        assert client.get(reverse("meetings_document", args=[document.pk])).status_code == 404


def test_a_member_may_not_reach_the_office_pages(client, agenda, committee):
    client.force_login(committee.standing[0])
    assert client.get(reverse("meetings_agenda", args=[agenda.pk])).status_code == 403
    assert client.get(reverse("meetings_invitations", args=[agenda.pk])).status_code == 403


def test_each_member_sees_the_items_they_may(client, agenda, committee):
    cleared, uncleared = committee.standing[0], committee.standing[3]
    client.force_login(cleared)
    page = client.get(reverse("meetings_meeting", args=[agenda.pk])).content.decode()
    assert "Báo cáo tình hình kinh tế" in page
    assert "Quy hoạch cán bộ nhiệm kỳ tới" in page
    assert "Kỷ luật đảng viên vi phạm" not in page  # not invited to it
    client.force_login(uncleared)
    page = client.get(reverse("meetings_meeting", args=[agenda.pk])).content.decode()
    assert "Báo cáo tình hình kinh tế" in page
    assert "Quy hoạch cán bộ" not in page  # a classified title only to the cleared
    client.force_login(committee.deputy)
    page = client.get(reverse("meetings_meeting", args=[agenda.pk])).content.decode()
    assert "Kỷ luật đảng viên vi phạm" in page


def test_the_served_pdf_is_inline_and_stamped_on_every_page(client, agenda, committee):
    reader = committee.standing[1]
    client.force_login(reader)
    document = MeetingDocument.objects.get()
    response = client.get(reverse("meetings_document", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert response["Cache-Control"] == "no-store, private"
    data = b"".join(response.streaming_content)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 3
        for page in pdf.pages:
            assert reader.full_name in " ".join((page.extract_text() or "").split())
    # Downloads are off for this meeting.
    assert client.get(reverse("meetings_document", args=[document.pk]) + "?download=1").status_code == 403
    assert AuditEvent.objects.filter(action=services.AuditAction.DOCUMENT_OPENED).count() == 1


def test_a_classified_items_file_is_never_served(client, agenda, committee):
    """Even a file that reached a classified item (a deployment that was an isolated
    LAN, then is not) is served to nobody, cleared or not."""
    item = agenda.items.get(secrecy=Secrecy.CONFIDENTIAL)
    existing = MeetingDocument.objects.get()
    smuggled = MeetingDocument.objects.create(
        item=item,
        title="Danh sách quy hoạch",
        source="upload",
        file=existing.file.name,
        content_type="application/pdf",
    )
    for person in (committee.secretary, committee.standing[0], committee.specialist, committee.standing[3]):
        client.force_login(person)
        response = client.get(reverse("meetings_document", args=[smuggled.pk]))
        assert response.status_code in (403, 404)
        page = client.get(reverse("meetings_meeting", args=[agenda.pk])).content.decode()
        assert reverse("meetings_document", args=[smuggled.pk]) not in page
    assert not AuditEvent.objects.filter(action=services.AuditAction.DOCUMENT_OPENED).exists()


def test_a_delegate_from_outside_is_refused_on_the_form(client, agenda, committee, member):
    person = committee.standing[0]
    client.force_login(person)
    response = client.post(
        reverse("meetings_answer", args=[agenda.pk]), {"response": Response.DELEGATED, "delegate": member.pk}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_delegate_error"' in page
    # The rule, naming the committee, not Django's "Select a valid choice".
    error = response.context["answer_form"].errors["delegate"][0]
    assert agenda.organization.name in error
    assert "valid choice" not in error and "hợp lệ" not in error
    assert Invitation.objects.get(meeting=agenda, person=person).response == Response.PENDING
    # Someone of the committee invited already: the service says so, by name.
    invited = committee.standing[1]
    response = client.post(
        reverse("meetings_answer", args=[agenda.pk]), {"response": Response.DELEGATED, "delegate": invited.pk}
    )
    assert response.status_code == 400
    error = response.context["answer_form"].errors["delegate"][0]
    assert invited.full_name in error
    assert Invitation.objects.get(meeting=agenda, person=person).response == Response.PENDING
    response = client.post(
        reverse("meetings_answer", args=[agenda.pk]),
        {"response": Response.DELEGATED, "delegate": committee.committee_members[0].pk},
    )
    assert response.status_code == 302
    seat = Invitation.objects.get(meeting=agenda, person=person)
    assert seat.delegate == committee.committee_members[0]
    # The delegate now sees the meeting, as the member would.
    client.force_login(committee.committee_members[0])
    page = client.get(reverse("meetings_meeting", args=[agenda.pk])).content.decode()
    assert "Báo cáo tình hình kinh tế" in page


def test_the_office_sees_no_download_link_when_downloads_are_off(client, agenda, committee):
    document = MeetingDocument.objects.get()
    link = reverse("meetings_document", args=[document.pk]) + "?download=1"
    for person in (committee.specialist, committee.standing[0]):
        client.force_login(person)
        page = client.get(reverse("meetings_meeting", args=[agenda.pk])).content.decode()
        assert reverse("meetings_document", args=[document.pk]) in page
        assert link not in page
        assert client.get(link).status_code == 403
    services.meeting_update(actor=committee.specialist, meeting=agenda, downloads_allowed=True)
    page = client.get(reverse("meetings_meeting", args=[agenda.pk])).content.decode()
    assert link in page


def test_check_in_redraws_the_quorum(client, agenda, committee):
    client.force_login(committee.specialist)
    seats = list(agenda.invitations.filter(is_member=True))
    for seat in seats[:4]:
        response = client.post(
            reverse("meetings_check_in", args=[seat.pk]), {"present": "1"}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
    body = response.content.decode()
    assert 'id="attendance"' in body and "<html" not in body
    assert 'class="alert alert-success' in body  # 4 of 6, 4 needed


def test_the_office_creates_a_meeting_from_the_form(client, tree, committee):
    client.force_login(committee.specialist)
    assert client.get(reverse("meetings_create")).status_code == 200
    response = client.post(
        reverse("meetings_create"),
        {
            "organization": tree.city.pk,
            "kind": btv_kind().pk,
            "title": "Họp Ban Thường vụ thường kỳ",
            "day": "15/12/2026",
            "starts_at": "08:00",
            "ends_at": "11:30",
            "place": "Phòng họp 1",
            "chair": committee.secretary.pk,
            "secretary": committee.specialist.pk,
            "preread_days": "3",
            "access_after": "at_close",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings_agenda", args=[meeting.pk])
    assert meeting.invitations.count() == 6
    assert client.get(reverse("meetings_agenda", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("meetings_invitations", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("meetings_home")).status_code == 200


def test_a_bad_upload_is_refused_at_its_field(client, agenda, committee):
    client.force_login(committee.specialist)
    item = agenda.items.get(order=1)
    response = client.post(
        reverse("meetings_document_add", args=[item.pk]), {"file": upload(b"not a pdf at all", "x.txt")}
    )
    assert response.status_code == 400
    assert f'id="item{item.pk}_file_error"' in response.content.decode()
    assert MeetingDocument.objects.count() == 1
