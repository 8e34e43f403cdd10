"""The invitation (giấy mời) of a meeting, laid out as a Party document (36-HD/VPTW,
DOMAIN.md §3) by the drafting app's renderer: one paper for everyone invited, which
names the meeting, its time and place and the items any invited person may see
(classified items are printed as such, without their title).

The printed words are Vietnamese whatever the interface language, as in
`drafting.rendering`: the regulation fixes them."""

from __future__ import annotations

import datetime as dt
from html import escape

from django.utils import timezone

from vanphong.core.models import Membership, Role, Secrecy
from vanphong.drafting import rendering
from vanphong.drafting.layout import header_of
from vanphong.drafting.selectors import usual_place
from vanphong.meetings.models import InvitedBody, Meeting

WEEKDAYS = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]
TYPE_NAME = "GIẤY MỜI"
TYPE_ABBREVIATION = "GM"
CLASSIFIED_ITEM = "Nội dung mật (tài liệu phát tại hội nghị)"
BODY_NAMES: dict[str, str] = {
    InvitedBody.STANDING_COMMITTEE: "Ban Thường vụ",
    InvitedBody.EXECUTIVE_COMMITTEE: "Ban Chấp hành",
    InvitedBody.STANDING_MEMBERS: "Thường trực",
}


def when_text(at: dt.datetime) -> str:
    """ "08 giờ 00 phút, thứ Ba, ngày 08 tháng 12 năm 2026"."""
    local = timezone.localtime(at)
    return (
        f"{local:%H} giờ {local:%M} phút, {WEEKDAYS[local.weekday()]}, "
        f"ngày {local:%d} tháng {local:%m} năm {local:%Y}"
    )


SIGNER_TITLE = "CHÁNH VĂN PHÒNG"


SIGNER_TITLES = {Role.OFFICE_CHIEF: "CHÁNH VĂN PHÒNG", Role.OFFICE_DEPUTY_CHIEF: "PHÓ CHÁNH VĂN PHÒNG"}


def office_signer(meeting: Meeting) -> Membership | None:
    """Who signs the giấy mời (T/L the body): the office's chief, else a deputy chief."""
    holding = (
        Membership.objects.current()
        .filter(
            organization__path__startswith=meeting.organization.path,
            organization__depth=meeting.organization.depth + 1,
            organization__kind__is_office=True,
            role__in=list(SIGNER_TITLES),
            person__is_active=True,
        )
        .select_related("person")
    )
    return min(holding, key=lambda m: (m.role != Role.OFFICE_CHIEF, m.pk), default=None)


def signature_lines(meeting: Meeting, signer: Membership | None = None) -> list[str]:
    title = SIGNER_TITLES.get(Role(signer.role), SIGNER_TITLE) if signer else SIGNER_TITLE
    return [f"T/L {BODY_NAMES.get(meeting.kind.invited_body, 'Ban Thường vụ').upper()}", title]


def layout_of(meeting: Meeting, *, on: dt.date | None = None) -> rendering.Layout:
    superior, issuer = header_of(meeting.organization)
    numbered = meeting.invitation_outgoing
    holding = office_signer(meeting)
    signer = numbered.signer if numbered else (holding.person if holding else None)
    lines = numbered.signer_title.split(" / ") if numbered and numbered.signer_title else None
    invited = list(meeting.invitations.select_related("person").order_by("-is_member", "person__sort_key"))
    names = ", ".join(f"đồng chí {inv.person.full_name}" for inv in invited)
    body = [
        f"<p>{escape(BODY_NAMES.get(meeting.kind.invited_body, 'Văn phòng'))} "
        f"{escape(meeting.organization.name)} trân trọng kính mời: {escape(names) or '…'}.</p>",
        f"<p><b>Dự:</b> {escape(meeting.title)}.</p>",
        f"<p><b>Thời gian:</b> {escape(when_text(meeting.starts_at))}.</p>",
    ]
    if meeting.place:
        body.append(f"<p><b>Địa điểm:</b> {escape(meeting.place)}.</p>")
    items = list(meeting.items.order_by("order"))
    if items:
        body.append("<p><b>Nội dung:</b></p>")
        for item in items:
            title = CLASSIFIED_ITEM if item.secrecy > Secrecy.NONE else item.title
            body.append(f"<p>{item.order}. {escape(title)}</p>")
    opens = timezone.localtime(meeting.prereads_open_from())
    body.append(
        "<p>Tài liệu phục vụ cuộc họp được cung cấp trên hệ thống phòng họp không giấy "
        f"từ ngày {opens:%d/%m/%Y}. Đề nghị các đồng chí xác nhận tham dự trên hệ thống.</p>"
    )
    return rendering.Layout(
        superior_body=superior,
        issuing_body=issuer,
        type_abbreviation=TYPE_ABBREVIATION,
        issuer_abbreviation=meeting.organization.abbreviation,
        # The number and date the register gave it when it was first sent (None: not yet).
        number=numbered.number if numbered else None,
        place=usual_place(meeting.organization),
        date=numbered.issued_on if numbered else (on or timezone.localdate()),
        type_name=TYPE_NAME,
        abstract="",
        is_official_letter=False,
        secrecy_label="",
        urgency_label="",
        body_html="".join(body),
        signature_lines=lines or signature_lines(meeting, holding),
        signer_name=signer.full_name if signer else "",
        recipients=["Như thành phần mời,"],
        keep_copy="Lưu Văn phòng.",
    )


def render_pdf(meeting: Meeting) -> bytes:
    return rendering.render_pdf(layout_of(meeting)).data
