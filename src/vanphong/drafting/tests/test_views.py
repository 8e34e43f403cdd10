"""The drafting pages: starting from a type's template, saving, the detail page for
each person on the way, the preview, DOCX and comparison, and outsiders kept out."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document

from vanphong.core.models import Role
from vanphong.core.tests.factories import make_person
from vanphong.drafting import selectors, services
from vanphong.drafting.models import Draft, DraftState
from vanphong.drafting.tests.conftest import PIN


def test_a_new_draft_starts_from_its_types_template(client, specialist, terms):
    client.force_login(specialist)
    page = client.get(reverse("draft_create") + "?type=ke-hoach").content.decode()
    assert "MỤC ĐÍCH, YÊU CẦU" in page and 'id="draft-types"' in page


def test_the_specialist_saves_a_draft_from_the_form(client, specialist, secretary, tree, letter_type, terms):
    client.force_login(specialist)
    response = client.post(
        reverse("draft_create"),
        {
            "organization": tree.city.pk,
            "document_type": letter_type.pk,
            "abstract": "V/v thử nghiệm",
            "body_html": "<p>Đoạn một</p><script>x</script>",
            "place": "Ngọc Sơn",
            "secrecy": 0,
            "urgency": 0,
            "signature_form": "T/M",
            "on_behalf_of": "Ban Thường vụ",
            "signer": secretary.pk,
            "signer_title": "Bí thư",
            "internal_recipients": [tree.bloc.pk],
            "external_recipients": "",
            "keep_copy": "Lưu Văn phòng",
        },
    )
    draft = Draft.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("draft_detail", args=[draft.pk])
    assert draft.body_html == "<p>Đoạn một</p>" and draft.issuing_body == "THÀNH ỦY NGỌC SƠN"


def test_refusals_show_on_the_form_and_nothing_is_saved(client, specialist, tree, letter_type, member, terms):
    client.force_login(specialist)
    response = client.post(
        reverse("draft_create"),
        {
            "organization": tree.city.pk,
            "document_type": letter_type.pk,
            "abstract": "",
            "place": "",
            "secrecy": 0,
            "urgency": 0,
            "signature_form": "T/M",
            "keep_copy": "Lưu",
        },
    )
    assert response.status_code == 200 and not Draft.objects.exists()
    assert "invalid-feedback" in response.content.decode()


def test_preview_docx_and_comparison(client, make_draft, specialist):
    draft = make_draft()
    services.draft_update(actor=specialist, draft=draft, abstract="V/v tổng kết công tác văn phòng năm 2026")
    client.force_login(specialist)
    preview = client.get(reverse("draft_preview", args=[draft.pk]))
    assert preview["Content-Type"] == "application/pdf" and preview.content.startswith(b"%PDF")
    docx = client.get(reverse("draft_docx", args=[draft.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Thực hiện Chương trình công tác năm 2026" in text
    compare = client.get(reverse("draft_compare", args=[draft.pk]) + "?older=1&newer=2").content.decode()
    assert '<del class="vp-del">cấp ủy </del>' in compare


def test_outsiders_do_not_see_a_draft(client, make_draft, outsider, member):
    draft = make_draft()
    for person in (outsider, member):
        client.force_login(person)
        assert client.get(reverse("draft_detail", args=[draft.pk])).status_code == 404
        assert client.get(reverse("draft_preview", args=[draft.pk])).status_code == 404


def test_each_person_sees_the_form_of_their_turn(client, make_draft, specialist, office_chief, secretary):
    draft = services.draft_submit(actor=specialist, draft=make_draft(), reviewers=[office_chief])
    client.force_login(office_chief)
    page = client.get(reverse("draft_detail", args=[draft.pk])).content.decode()
    assert 'id="decision-form"' in page and 'id="sign-form"' not in page
    response = client.post(reverse("draft_decide", args=[draft.pk]), {"comment": "Đồng ý", "approve": "1"})
    assert response.status_code == 302
    client.force_login(secretary)
    page = client.get(reverse("draft_detail", args=[draft.pk])).content.decode()
    assert 'id="return-form"' in page and "chứng thư số" in page  # no certificate yet


@pytest.mark.parametrize("pin, signed", [("000000", False), (PIN, True)])
def test_the_signer_signs_from_the_page(
    client, make_draft, specialist, secretary, issue_credential, pin, signed
):
    credential = issue_credential(secretary)
    draft = services.draft_submit(actor=specialist, draft=make_draft(), reviewers=[])
    client.force_login(secretary)
    response = client.post(reverse("draft_sign", args=[draft.pk]), {"credential": credential.pk, "pin": pin})
    draft.refresh_from_db()
    if signed:
        assert response.status_code == 302 and draft.state == DraftState.SIGNED
        page = client.get(reverse("draft_detail", args=[draft.pk])).content.decode()
        assert draft.outgoing.symbol in page and 'id="send-button"' in page
    else:
        assert "Chữ ký không hợp lệ" in response.content.decode() and draft.outgoing is None


def test_reviewers_decide_in_the_order_chosen_on_the_page(client, make_draft, specialist, office_chief, tree):
    # A name that sorts before the chief's: the order must come from the page, not the names.
    deputy = make_person(organization=tree.office, role=Role.OFFICE_DEPUTY_CHIEF, full_name="Bùi Văn An")
    draft = make_draft()
    client.force_login(specialist)
    response = client.post(
        reverse("draft_submit", args=[draft.pk]),
        {"reviewer_1": office_chief.pk, "reviewer_2": "", "reviewer_3": deputy.pk, "note": ""},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert [step.reviewer for step in draft.steps.order_by("position")] == [office_chief, deputy]
    assert selectors.whose_turn(draft) == office_chief


def test_the_issuers_clerk_sees_a_draft_once_signed(
    client, make_draft, specialist, secretary, clerk, issue_credential
):
    draft = make_draft()
    client.force_login(clerk)
    assert client.get(reverse("draft_detail", args=[draft.pk])).status_code == 404
    draft = services.draft_submit(actor=specialist, draft=draft, reviewers=[])
    services.draft_sign(actor=secretary, draft=draft, credential=issue_credential(secretary), pin=PIN)
    page = client.get(reverse("draft_detail", args=[draft.pk])).content.decode()
    assert 'id="send-button"' in page
    assert client.get(reverse("draft_preview", args=[draft.pk])).content.startswith(b"%PDF")
