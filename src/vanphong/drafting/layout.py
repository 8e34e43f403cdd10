"""From a draft to what is printed: the header lines the tree suggests, the Layout
the renderer lays out, and the place of the visible signature stamp."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from vanphong.core.models import Organization, Secrecy
from vanphong.drafting import rendering
from vanphong.drafting.models import Draft
from vanphong.registry.models import Urgency
from vanphong.signatures.pdf import SignatureBox

# The committee words that become the Party organization (đảng bộ) in the superior
# line: "Tỉnh ủy Quảng Ninh" heads "Đảng bộ tỉnh Quảng Ninh".
PARTY_BODY_OF = {
    "tỉnh ủy": "Đảng bộ tỉnh",
    "thành ủy": "Đảng bộ thành phố",
    "huyện ủy": "Đảng bộ huyện",
    "quận ủy": "Đảng bộ quận",
    "thị ủy": "Đảng bộ thị xã",
    "đảng ủy": "Đảng bộ",
}

# Printed in the red stamps under the number (36-HD/VPTW): the words, not our labels.
SECRECY_STAMPS = {Secrecy.CONFIDENTIAL: "MẬT", Secrecy.SECRET: "TỐI MẬT", Secrecy.TOP_SECRET: "TUYỆT MẬT"}
URGENCY_STAMPS = {
    Urgency.URGENT: "KHẨN",
    Urgency.VERY_URGENT: "THƯỢNG KHẨN",
    Urgency.FLASH: "HỎA TỐC",
    Urgency.FLASH_TIMED: "HỎA TỐC HẸN GIỜ",
}


def _party_body(committee: Organization) -> str:
    lowered = committee.name.lower()
    for word, body in PARTY_BODY_OF.items():
        if lowered.startswith(word):
            return f"{body}{committee.name[len(word) :]}"
    return committee.name


def _without_committee_suffix(name: str, committee: Organization) -> str:
    """ "Văn phòng Thành ủy" under "Thành ủy Ngọc Sơn" prints as "VĂN PHÒNG": the
    committee is on the line above."""
    for word in PARTY_BODY_OF:
        if name.lower().endswith(" " + word) and committee.name.lower().startswith(word):
            return name[: -len(word) - 1]
    return name


def header_of(organization: Organization) -> tuple[str, str]:
    """The two header lines of a document of `organization`, as the tree suggests
    them: (superior body, issuing body). A committee under the Central Committee
    prints its own name alone; one under another committee prints that committee's
    Party organization above it; an office or board prints its committee above it."""
    parent = Organization.objects.get_parent(organization)
    if parent is None or (parent.depth == 1 and organization.kind.is_committee):
        return "", organization.name.upper()
    if organization.kind.is_committee:
        return _party_body(parent).upper(), organization.name.upper()
    return parent.name.upper(), _without_committee_suffix(organization.name, parent).upper()


def layout_of(draft: Draft, *, number: int | None = None, date: dt.date | None = None) -> rendering.Layout:
    """What the page says: the draft (with a gap for the number and date while it is
    one), or the signed document with its number and date of issue."""
    recipients = [org.name for org in draft.internal_recipients.order_by("path")]
    return rendering.Layout(
        superior_body=draft.superior_body.upper(),
        issuing_body=draft.issuing_body.upper(),
        type_abbreviation=draft.document_type.abbreviation,
        issuer_abbreviation=draft.organization.abbreviation,
        number=number,
        place=draft.place,
        date=date,
        type_name=draft.document_type.name.upper(),
        abstract=draft.abstract,
        is_official_letter=draft.is_official_letter,
        secrecy_label=SECRECY_STAMPS.get(Secrecy(draft.secrecy), ""),
        urgency_label=URGENCY_STAMPS.get(Urgency(draft.urgency), ""),
        body_html=draft.body_html,
        signature_lines=draft.signature_lines(),
        signer_name=draft.signer.full_name if draft.signer else "",
        cosignature_lines=draft.cosignature_lines() if draft.cosigner else (),
        cosigner_name=draft.cosigner.full_name if draft.cosigner else "",
        recipients=[f"{name}," for name in recipients + draft.external_recipient_list],
        keep_copy=draft.keep_copy.rstrip(".") + ".",
        is_draft=number is None,
    )


def render_pdf(
    draft: Draft, *, number: int | None = None, date: dt.date | None = None
) -> rendering.RenderedPdf:
    return rendering.render_pdf(layout_of(draft, number=number, date=date))


def render_docx(draft: Draft) -> bytes:
    return rendering.render_docx(layout_of(draft))


def stamp_box(rendered: rendering.RenderedPdf) -> SignatureBox:
    page, x1, y1, x2, y2 = rendered.signature_box
    # The renderer counts pages from 0, the signer (as viewers do) from 1.
    return SignatureBox(page=page + 1, x1=x1, y1=y1, x2=x2, y2=y2)


def stamp_lines(*, signer_name: str, at: dt.datetime) -> list[str]:
    """The visible stamp in the signature block: who signed and when, in Vietnamese
    as printed (fixed words of the office, not interface text)."""
    local = timezone.localtime(at)
    return [f"Ký bởi: {signer_name}", f"Thời gian ký: {local:%d/%m/%Y %H:%M}"]
