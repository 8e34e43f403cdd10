"""Drafting services: versions, the review round, signing that numbers the document
in the same transaction, and every refusal leaving nothing issued."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from vanphong.core.models import AuditEvent, Role, Secrecy
from vanphong.core.tests.factories import make_person, persona
from vanphong.drafting import layout, selectors, services
from vanphong.drafting.models import Decision, DraftState
from vanphong.drafting.services import AuditAction
from vanphong.drafting.tests.conftest import PIN
from vanphong.registry.models import NumberSeries, OutgoingDocument
from vanphong.signatures import ca
from vanphong.signatures import services as signature_services
from vanphong.signatures.models import CheckStatus


def _events(draft, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_target(draft).filter(action=action))


def _series_total() -> int:
    return sum(NumberSeries.objects.values_list("last_number", flat=True))


def test_a_draft_starts_as_version_one_with_the_header_from_the_tree(make_draft, tree):
    draft = make_draft()
    assert (draft.state, draft.version, draft.versions.count()) == (DraftState.DRAFTING, 1, 1)
    # The city committee sits under the Central Committee: its name alone heads it.
    assert (draft.superior_body, draft.issuing_body) == ("", "THÀNH ỦY NGỌC SƠN")
    assert draft.signature_lines() == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"]
    assert len(_events(draft, AuditAction.DRAFT_CREATED)) == 1


def test_an_office_heads_its_documents_with_its_committee(make_draft, tree):
    chief = persona(tree, Role.OFFICE_CHIEF)
    draft = make_draft(actor=chief, organization=tree.office, signer=chief, signer_title="Chánh Văn phòng")
    assert (draft.superior_body, draft.issuing_body) == ("THÀNH ỦY NGỌC SƠN", "VĂN PHÒNG")


def test_the_body_is_sanitized_before_it_is_kept(make_draft):
    draft = make_draft(body_html='<p onclick="x()">Nội dung<script>alert(1)</script></p><img src=x>')
    assert (
        "script" not in draft.body_html and "onclick" not in draft.body_html and "img" not in draft.body_html
    )
    assert "Nội dung" in draft.body_html


def test_only_those_who_draft_for_the_issuer_start_a_draft(make_draft, clerk, outsider, member):
    for person in (clerk, outsider, member):
        with pytest.raises(PermissionDenied):
            make_draft(actor=person)
    assert AuditEvent.objects.filter(action=AuditAction.DRAFT_CREATED).count() == 0


def test_refusals_are_keyed_to_their_fields(make_draft, tree, member):
    with pytest.raises(ValidationError) as refused:
        make_draft(abstract="  ", place="", signer=member, internal_recipients=[tree.city])
    assert set(refused.value.message_dict) == {"abstract", "place", "signer", "internal_recipients"}


def test_a_second_signer_prints_beside_the_signer_and_is_kept_by_each_version(make_draft, specialist):
    with pytest.raises(ValidationError) as refused:
        make_draft(cosigner=specialist)
    assert set(refused.value.message_dict) == {"cosigner_title"}
    draft = make_draft(cosigner=specialist, cosigner_title="  Thư ký   hội nghị ")
    assert draft.cosigner_title == "Thư ký hội nghị"
    printed = layout.layout_of(draft)
    assert (list(printed.cosignature_lines), printed.cosigner_name) == (
        ["THƯ KÝ HỘI NGHỊ"],
        specialist.full_name,
    )
    assert draft.versions.get().fields["cosignature"] == f"THƯ KÝ HỘI NGHỊ — {specialist.full_name}"
    # A change elsewhere keeps it; taking it off is a change of the header, versioned.
    draft = services.draft_update(actor=specialist, draft=draft, abstract="V/v biên bản hội nghị")
    assert draft.cosigner == specialist
    draft = services.draft_update(actor=specialist, draft=draft, cosigner=None, cosigner_title="")
    assert draft.version == 3 and not layout.layout_of(draft).cosigned
    changed = AuditEvent.objects.filter(action=AuditAction.DRAFT_SAVED).order_by("pk").last().after["changed"]
    assert changed == ["cosignature"]
    # Without one, a version records nothing of it (the versions before it compare alike).
    assert "cosignature" not in make_draft().versions.get().fields


def test_classified_drafts_only_on_an_isolated_lan(make_draft, settings, specialist):
    with pytest.raises(ValidationError) as refused:
        make_draft(secrecy=Secrecy.CONFIDENTIAL)
    assert "secrecy" in refused.value.message_dict
    settings.VANPHONG_ISOLATED_LAN = True
    specialist.clearance = Secrecy.CONFIDENTIAL
    specialist.save()
    assert make_draft(secrecy=Secrecy.CONFIDENTIAL).secrecy == Secrecy.CONFIDENTIAL


def test_saving_a_change_keeps_the_old_version_and_makes_a_new_one(make_draft, specialist):
    draft = make_draft()
    services.draft_update(actor=specialist, draft=draft, abstract=draft.abstract)  # nothing changed
    assert draft.versions.count() == 1
    draft = services.draft_update(
        actor=specialist,
        draft=draft,
        body_html="<p>Thực hiện Chương trình công tác năm 2026, Ban Thường vụ Thành ủy yêu cầu:</p>",
        place="Ngọc Sơn",
    )
    assert (draft.version, draft.versions.count()) == (2, 2)
    first, second = draft.versions.order_by("number")
    assert "đề nghị" in first.body_text and "yêu cầu" in second.body_text
    diff = selectors.version_diff(first, second)
    changed = [piece for line in diff.body for piece in line if piece[0]]
    assert ("-", "đề nghị:") in changed and ("+", "yêu cầu:") in changed
    saved = _events(draft, AuditAction.DRAFT_SAVED)
    assert len(saved) == 1 and saved[0].after["changed"] == ["body"]


def test_the_review_goes_from_reviewer_to_reviewer_then_to_the_signer(
    make_draft, specialist, office_chief, secretary, tree
):
    deputy = persona(tree, Role.OFFICE_DEPUTY_CHIEF)
    draft = make_draft()
    draft = services.draft_submit(
        actor=specialist, draft=draft, reviewers=[office_chief, deputy], note="Kính trình"
    )
    assert draft.state == DraftState.IN_REVIEW and selectors.whose_turn(draft) == office_chief
    with pytest.raises(PermissionDenied):  # not the deputy's turn yet
        services.draft_approve(actor=deputy, draft=draft)
    with pytest.raises(ValidationError):  # nobody edits a draft under review
        services.draft_update(actor=specialist, draft=draft, abstract="Khác")
    draft = services.draft_approve(actor=office_chief, draft=draft, comment="Đồng ý")
    assert selectors.whose_turn(draft) == deputy
    draft = services.draft_approve(actor=deputy, draft=draft)
    assert draft.state == DraftState.AWAITING_SIGNATURE and selectors.whose_turn(draft) == secretary
    assert [step.decision for step in draft.steps.order_by("position")] == [Decision.APPROVED] * 2
    assert len(_events(draft, AuditAction.DRAFT_APPROVED)) == 2
    # The drafter and the signer were told.
    assert specialist.notifications.count() == 2
    assert secretary.notifications.exists()


def test_a_return_sends_it_back_with_the_reason_and_a_new_round_follows(make_draft, specialist, office_chief):
    draft = services.draft_submit(actor=specialist, draft=make_draft(), reviewers=[office_chief])
    with pytest.raises(ValidationError):
        services.draft_return(actor=office_chief, draft=draft, comment=" ")
    draft = services.draft_return(actor=office_chief, draft=draft, comment="Bổ sung số liệu quý IV")
    assert draft.state == DraftState.RETURNED
    assert draft.comments.get().text == "Bổ sung số liệu quý IV"
    draft = services.draft_update(
        actor=specialist, draft=draft, abstract="V/v tổng kết công tác năm 2026 (bổ sung)"
    )
    draft = services.draft_submit(actor=specialist, draft=draft, reviewers=[office_chief])
    assert draft.review_round == 2 and selectors.whose_turn(draft) == office_chief
    rounds = selectors.rounds_of(draft)
    assert [(number, [step.decision for step in steps]) for number, steps in rounds] == [
        (2, [Decision.PENDING]),
        (1, [Decision.RETURNED]),
    ]


def test_the_signer_may_return_it_too(make_draft, specialist, secretary):
    draft = services.draft_submit(actor=specialist, draft=make_draft(), reviewers=[])
    assert draft.state == DraftState.AWAITING_SIGNATURE
    draft = services.draft_return(actor=secretary, draft=draft, comment="Rút gọn phần mở đầu")
    assert draft.state == DraftState.RETURNED


def test_submitting_needs_a_signer_and_proper_reviewers(make_draft, specialist, outsider):
    draft = make_draft(signer=None)
    with pytest.raises(ValidationError) as refused:
        services.draft_submit(actor=specialist, draft=draft, reviewers=[outsider, specialist])
    assert set(refused.value.message_dict) == {"signer", "reviewers"}


def test_comments_are_kept_per_version_and_refused_to_outsiders(make_draft, office_chief, outsider):
    draft = make_draft()
    comment = services.draft_comment(actor=office_chief, draft=draft, text="Xem lại nơi nhận")
    assert comment.version.number == 1
    with pytest.raises(PermissionDenied):
        services.draft_comment(actor=outsider, draft=draft, text="?")
    assert len(_events(draft, AuditAction.DRAFT_COMMENTED)) == 1


# --- Signing ------------------------------------------------------------------------------------


@pytest.fixture
def to_sign(make_draft, specialist):
    return services.draft_submit(actor=specialist, draft=make_draft(), reviewers=[])


def test_signing_numbers_registers_and_signs_in_one_go(to_sign, secretary, issue_credential, specialist):
    credential = issue_credential(secretary)
    before = _series_total()
    draft = services.draft_sign(actor=secretary, draft=to_sign, credential=credential, pin=PIN)
    outgoing = draft.outgoing
    assert draft.state == DraftState.SIGNED and _series_total() == before + 1
    assert outgoing.symbol == f"{outgoing.number:02d}-CV/TU"
    assert outgoing.signer == secretary and outgoing.drafter == specialist
    assert outgoing.signer_title == "T/M BAN THƯỜNG VỤ / BÍ THƯ"
    assert "Đảng ủy Khối các cơ quan thành phố" in outgoing.recipients
    with draft.signed_pdf.open("rb") as handle:
        data = handle.read()
    check = signature_services.pdf_check(data)
    assert check.status == CheckStatus.VALID, check.summary
    assert check.signer_name == secretary.full_name
    assert len(_events(draft, AuditAction.DRAFT_SIGNED)) == 1
    assert AuditEvent.objects.for_target(outgoing).filter(action="outgoing.registered").count() == 1


def _refused_leaves_nothing(draft, before: int) -> None:
    draft.refresh_from_db()
    assert draft.state == DraftState.AWAITING_SIGNATURE and draft.outgoing is None and not draft.signed_pdf
    assert _series_total() == before and not OutgoingDocument.objects.exists()
    assert len(_events(draft, AuditAction.DRAFT_SIGNING_FAILED)) == 1


def test_a_wrong_pin_issues_nothing_and_consumes_no_number(to_sign, secretary, issue_credential):
    credential = issue_credential(secretary)
    before = _series_total()
    with pytest.raises(ValidationError) as refused:
        services.draft_sign(actor=secretary, draft=to_sign, credential=credential, pin="000000")
    assert "pin" in refused.value.message_dict
    assert refused.value.message_dict["pin"][0].startswith("Chữ ký không hợp lệ")
    _refused_leaves_nothing(to_sign, before)


@pytest.mark.parametrize("case", ["expired", "not_yet_valid", "unknown"])
def test_a_bad_certificate_issues_nothing(case, to_sign, secretary, issue_credential):
    now = timezone.now()
    if case == "expired":
        credential = issue_credential(
            secretary, start=now - dt.timedelta(days=400), end=now - dt.timedelta(days=1)
        )
    elif case == "not_yet_valid":
        credential = issue_credential(
            secretary, start=now + dt.timedelta(days=2), end=now + dt.timedelta(days=400)
        )
    else:
        stranger = ca.DemoAuthority.create(
            "Unknown CA",
            valid_from=now - dt.timedelta(days=1),
            valid_to=now + dt.timedelta(days=30),
            key_type="ec",
        )
        credential = issue_credential(secretary, by=stranger)
    before = _series_total()
    with pytest.raises(ValidationError) as refused:
        services.draft_sign(actor=secretary, draft=to_sign, credential=credential, pin=PIN)
    assert "credential" in refused.value.message_dict
    _refused_leaves_nothing(to_sign, before)


def test_a_revoked_certificate_issues_nothing(to_sign, secretary, issue_credential, trusted, authority):
    credential = issue_credential(secretary)
    now = timezone.now()
    trusted.crl = authority.crl(
        [(int(credential.serial, 16), now - dt.timedelta(hours=1))],
        this_update=now - dt.timedelta(minutes=5),
        next_update=now + dt.timedelta(days=7),
    )
    trusted.save()
    before = _series_total()
    with pytest.raises(ValidationError) as refused:
        services.draft_sign(actor=secretary, draft=to_sign, credential=credential, pin=PIN)
    assert "credential" in refused.value.message_dict
    _refused_leaves_nothing(to_sign, before)


def test_only_the_designated_signer_signs_with_their_own_certificate(
    to_sign, secretary, tree, issue_credential
):
    deputy = make_person(organization=tree.city, role=Role.DEPUTY_SECRETARY)
    with pytest.raises(PermissionDenied):
        services.draft_sign(actor=deputy, draft=to_sign, credential=issue_credential(deputy), pin=PIN)
    with pytest.raises(PermissionDenied):  # the signer, with someone else's certificate
        services.draft_sign(actor=secretary, draft=to_sign, credential=issue_credential(deputy), pin=PIN)
    assert not OutgoingDocument.objects.exists()


def test_a_draft_not_yet_approved_is_not_signed(
    make_draft, secretary, issue_credential, specialist, office_chief
):
    draft = services.draft_submit(actor=specialist, draft=make_draft(), reviewers=[office_chief])
    with pytest.raises(ValidationError):
        services.draft_sign(actor=secretary, draft=draft, credential=issue_credential(secretary), pin=PIN)
    assert not OutgoingDocument.objects.exists()
