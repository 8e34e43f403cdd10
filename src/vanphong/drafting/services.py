"""Drafting: the only place that changes drafts, their versions, reviews and comments,
and that signs a draft into a numbered outgoing document.

Each service is one transaction with one audit event on the draft (signing adds the
outgoing register's own event for the entry it creates), and tells the next person
in the app through the handling app's notifications."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanphong.core import audit
from vanphong.core.models import Organization, Person, Secrecy
from vanphong.core.permissions import Action, can
from vanphong.core.storage import files_removed_on_failure
from vanphong.drafting import layout, selectors
from vanphong.drafting.html import body_text, clean_body
from vanphong.drafting.models import (
    Decision,
    Draft,
    DraftComment,
    DraftState,
    DraftVersion,
    ReviewStep,
    SignatureForm,
)
from vanphong.handling.services import notify
from vanphong.registry import services as registry_services
from vanphong.registry.models import DocumentType, Urgency
from vanphong.signatures import services as signature_services
from vanphong.signatures.models import SigningCredential


class AuditAction:
    DRAFT_CREATED = "draft.created"
    DRAFT_SAVED = "draft.saved"
    DRAFT_SUBMITTED = "draft.submitted"
    DRAFT_APPROVED = "draft.approved"
    DRAFT_RETURNED = "draft.returned"
    DRAFT_COMMENTED = "draft.commented"
    DRAFT_SIGNED = "draft.signed"
    DRAFT_SIGNING_FAILED = "draft.signing_failed"


AUDIT_LABELS = {
    AuditAction.DRAFT_CREATED: gettext_lazy("Draft created"),
    AuditAction.DRAFT_SAVED: gettext_lazy("New version saved"),
    AuditAction.DRAFT_SUBMITTED: gettext_lazy("Submitted for review"),
    AuditAction.DRAFT_APPROVED: gettext_lazy("Approved"),
    AuditAction.DRAFT_RETURNED: gettext_lazy("Returned for revision"),
    AuditAction.DRAFT_COMMENTED: gettext_lazy("Commented"),
    AuditAction.DRAFT_SIGNED: gettext_lazy("Signed and numbered"),
    AuditAction.DRAFT_SIGNING_FAILED: gettext_lazy("Signing refused"),
}
AUDIT_TARGET_PAGES = {"drafting.draft": "draft_detail"}

# What a version records of the header, as the reader sees it.
CONTENT_FIELDS = [
    "document_type",
    "superior_body",
    "issuing_body",
    "abstract",
    "place",
    "signature_form",
    "on_behalf_of",
    "signer",
    "signer_title",
    "cosigner",
    "cosigner_title",
    "external_recipients",
    "keep_copy",
    "secrecy",
    "urgency",
]


def _tell(person: Person | None, *, actor: Person, draft: Draft, message: str) -> None:
    """Notify one person (not the actor) in the office's language. A classified
    draft is named by its type only: an e-mail may cross the Internet."""
    if person is None or person.pk == actor.pk:
        return
    with translation.override(settings.LANGUAGE_CODE):
        if draft.secrecy > Secrecy.NONE:
            what = _("a draft %(type)s (%(secrecy)s)") % {
                "type": draft.document_type.name,
                "secrecy": Secrecy(draft.secrecy).label,
            }
        else:
            what = _("the draft %(type)s “%(abstract)s”") % {
                "type": draft.document_type.name,
                "abstract": Truncator(draft.abstract).chars(100),
            }
        notify(
            recipient=person,
            text=str(message) % {"draft": what},
            url=reverse("draft_detail", args=[draft.pk]),
        )


def _header_fields(draft: Draft) -> dict[str, Any]:
    """The header of the draft as printed and compared between versions."""
    recipients = sorted(org.name for org in draft.internal_recipients.all())
    return {
        "document_type": draft.document_type.name,
        "superior_body": draft.superior_body,
        "issuing_body": draft.issuing_body,
        "place": draft.place,
        "signature": " / ".join(draft.signature_lines()),
        "signer": draft.signer.full_name if draft.signer else "",
        # Only when there is one: the versions saved before it compare as they were.
        **(
            {"cosignature": f"{' / '.join(draft.cosignature_lines())} — {draft.cosigner.full_name}"}
            if draft.cosigner
            else {}
        ),
        "recipients": recipients + draft.external_recipient_list,
        "keep_copy": draft.keep_copy,
        "secrecy": str(Secrecy(draft.secrecy).label),
        "urgency": str(Urgency(draft.urgency).label),
    }


def _snapshot_version(draft: Draft, *, actor: Person) -> DraftVersion:
    return DraftVersion.objects.create(
        draft=draft,
        number=draft.version,
        abstract=draft.abstract,
        body_html=draft.body_html,
        body_text=body_text(draft.body_html),
        fields=_header_fields(draft),
        saved_by=actor,
    )


def current_version(draft: Draft) -> DraftVersion:
    return draft.versions.get(number=draft.version)


def _check_content(
    *,
    actor: Person,
    organization: Organization,
    values: dict[str, Any],
    recipients: Sequence[Organization],
) -> dict[str, Any]:
    """The draft's fields cleaned, or every refusal keyed to its field."""
    errors: dict[str, str] = {}
    cleaned = dict(values)
    for name in (
        "abstract",
        "place",
        "superior_body",
        "issuing_body",
        "on_behalf_of",
        "signer_title",
        "cosigner_title",
        "keep_copy",
    ):
        cleaned[name] = " ".join(str(cleaned.get(name) or "").split())
    cleaned["external_recipients"] = "\n".join(
        line.strip() for line in str(cleaned.get("external_recipients") or "").splitlines() if line.strip()
    )
    cleaned["body_html"] = clean_body(str(cleaned.get("body_html") or ""))
    if not can(actor, Action.DRAFT, organization):
        errors["organization"] = _("You do not draft documents for this issuer.")
    elif not organization.is_open:
        errors["organization"] = _("This organization has been closed.")
    if not cleaned["abstract"]:
        errors["abstract"] = _("Enter the abstract (trích yếu) of the document.")
    if not cleaned["issuing_body"]:
        errors["issuing_body"] = _("Enter the issuing body as printed in the header.")
    if not cleaned["place"]:
        errors["place"] = _("Enter the place printed before the date.")
    secrecy = Secrecy(cleaned.get("secrecy") or Secrecy.NONE)
    if secrecy > Secrecy.NONE and not settings.VANPHONG_ISOLATED_LAN:
        errors["secrecy"] = _(
            "Classified documents are not drafted on a networked system: draft it on the office's "
            "isolated machine and register it here as metadata only."
        )
    elif secrecy > actor.clearance:
        errors["secrecy"] = _("You are not cleared for this secrecy level.")
    form = cleaned.get("signature_form") or SignatureForm.OWN
    if form != SignatureForm.OWN and not cleaned["on_behalf_of"]:
        errors["on_behalf_of"] = _("%(form)s needs the body signed for, e.g. BAN THƯỜNG VỤ.") % {"form": form}
    signer = cleaned.get("signer")
    if signer is not None and (problem := registry_services.signer_problem(signer, organization, secrecy)):
        errors["signer"] = problem
    if cleaned.get("cosigner") is not None and not cleaned["cosigner_title"]:
        errors["cosigner_title"] = _(
            "Enter the title printed over the second signature, e.g. THƯ KÝ HỘI NGHỊ."
        )
    if any(org.pk == organization.pk for org in recipients):
        errors["internal_recipients"] = _("The issuer cannot be one of the recipients.")
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def draft_create(
    *,
    actor: Person,
    organization: Organization,
    document_type: DocumentType,
    abstract: str,
    place: str,
    body_html: str = "",
    superior_body: str | None = None,
    issuing_body: str | None = None,
    signature_form: str = SignatureForm.ON_BEHALF,
    on_behalf_of: str = "",
    signer: Person | None = None,
    signer_title: str = "",
    cosigner: Person | None = None,
    cosigner_title: str = "",
    internal_recipients: Sequence[Organization] = (),
    external_recipients: str = "",
    keep_copy: str = "Lưu Văn phòng",
    secrecy: int = Secrecy.NONE,
    urgency: int = Urgency.NORMAL,
) -> Draft:
    """Start a draft of `organization`, as version 1. The header lines default to
    what the tree says (`layout.header_of`). Raises PermissionDenied unless the actor
    drafts for the issuer's office, ValidationError keyed to fields otherwise."""
    if not can(actor, Action.DRAFT, organization):
        raise PermissionDenied
    default_superior, default_issuing = layout.header_of(organization)
    values = _check_content(
        actor=actor,
        organization=organization,
        values={
            "abstract": abstract,
            "place": place,
            "body_html": body_html,
            "superior_body": default_superior if superior_body is None else superior_body,
            "issuing_body": default_issuing if issuing_body is None else issuing_body,
            "signature_form": signature_form,
            "on_behalf_of": on_behalf_of,
            "signer": signer,
            "signer_title": signer_title,
            "cosigner": cosigner,
            "cosigner_title": cosigner_title,
            "external_recipients": external_recipients,
            "keep_copy": keep_copy,
            "secrecy": secrecy,
        },
        recipients=internal_recipients,
    )
    draft = Draft.objects.create(
        organization=organization,
        document_type=document_type,
        urgency=urgency,
        drafter=actor,
        **values,
    )
    draft.internal_recipients.set(internal_recipients)
    version = _snapshot_version(draft, actor=actor)
    audit.record(
        actor=actor,
        action=AuditAction.DRAFT_CREATED,
        target=draft,
        after={"version": version.number, **version.fields, "abstract": draft.abstract},
    )
    return draft


def _locked(draft: Draft) -> Draft:
    """The draft's row locked for the rest of the transaction: two people acting on
    one draft at once (an approval and a return, two signatures) go one after the
    other, the second seeing the first's state."""
    return (
        Draft.objects.select_for_update(of=("self",))
        .select_related("document_type", "organization", "signer")
        .get(pk=draft.pk)
    )


@transaction.atomic
def draft_update(
    *,
    actor: Person,
    draft: Draft,
    internal_recipients: Sequence[Organization] | None = None,
    **values: Any,
) -> Draft:
    """Save the drafter's changes as a new version (nothing is written when nothing
    changed). Only while it is being drafted or after it was returned."""
    draft = _locked(draft)
    if not can(actor, Action.DRAFT, draft.organization):
        raise PermissionDenied
    if not draft.is_editable:
        raise ValidationError(
            _("This draft is %(state)s: it cannot be changed now.") % {"state": draft.get_state_display()}
        )
    unknown = set(values) - set(CONTENT_FIELDS) - {"body_html"}
    if unknown:
        raise TypeError(f"draft_update() got unexpected fields: {sorted(unknown)}")
    before_version = current_version(draft)
    current = {name: getattr(draft, name) for name in [*CONTENT_FIELDS, "body_html"]}
    recipients = (
        list(draft.internal_recipients.all()) if internal_recipients is None else list(internal_recipients)
    )
    cleaned = _check_content(
        actor=actor, organization=draft.organization, values={**current, **values}, recipients=recipients
    )
    for name, value in cleaned.items():
        setattr(draft, name, value)
    draft.internal_recipients.set(recipients)
    fields = _header_fields(draft)
    if (
        fields == before_version.fields
        and draft.abstract == before_version.abstract
        and draft.body_html == before_version.body_html
    ):
        return draft
    draft.version += 1
    draft.updated_at = timezone.now()
    draft.save()
    version = _snapshot_version(draft, actor=actor)
    changed = sorted(
        {
            name
            for name in fields.keys() | before_version.fields.keys()
            if fields.get(name) != before_version.fields.get(name)
        }
        | ({"abstract"} if draft.abstract != before_version.abstract else set())
        | ({"body"} if draft.body_html != before_version.body_html else set())
    )
    audit.record(
        actor=actor,
        action=AuditAction.DRAFT_SAVED,
        target=draft,
        before={"version": before_version.number},
        after={"version": version.number, "changed": changed},
    )
    return draft


@transaction.atomic
def draft_submit(*, actor: Person, draft: Draft, reviewers: Sequence[Person], note: str = "") -> Draft:
    """Send the current version to `reviewers`, who decide one after the other, and
    then to the signer. With no reviewer it goes to the signer at once."""
    draft = _locked(draft)
    if not can(actor, Action.DRAFT, draft.organization):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if not draft.is_editable:
        errors["__all__"] = _("This draft is %(state)s: it cannot be submitted now.") % {
            "state": draft.get_state_display()
        }
    if draft.signer is None:
        errors["signer"] = _("Choose who signs the document before submitting it.")
    seen: set[int] = set()
    for reviewer in reviewers:
        if reviewer.pk in seen:
            errors["reviewers"] = _("%(name)s is listed twice.") % {"name": reviewer.full_name}
        seen.add(reviewer.pk)
        if not reviewer.is_active or not can(reviewer, Action.VIEW, draft.organization):
            errors["reviewers"] = _("%(name)s cannot review documents of %(issuer)s.") % {
                "name": reviewer.full_name,
                "issuer": draft.organization.name,
            }
        elif draft.secrecy > reviewer.clearance:
            errors["reviewers"] = _("%(name)s is not cleared for this secrecy level.") % {
                "name": reviewer.full_name
            }
        elif reviewer.pk == actor.pk:
            errors["reviewers"] = _("You cannot review your own draft.")
    if errors:
        raise ValidationError(errors)
    version = current_version(draft)
    draft.review_round += 1
    for position, reviewer in enumerate(reviewers, start=1):
        ReviewStep.objects.create(draft=draft, round=draft.review_round, position=position, reviewer=reviewer)
    draft.state = DraftState.IN_REVIEW if reviewers else DraftState.AWAITING_SIGNATURE
    draft.updated_at = timezone.now()
    draft.save(update_fields=["review_round", "state", "updated_at"])
    if note.strip():
        DraftComment.objects.create(draft=draft, version=version, author=actor, text=note.strip())
    first = reviewers[0] if reviewers else draft.signer
    message = (
        _("%(actor)s asks you to review %%(draft)s.")
        if reviewers
        else _("%(actor)s asks you to sign %%(draft)s.")
    )
    _tell(first, actor=actor, draft=draft, message=message % {"actor": actor.full_name})
    audit.record(
        actor=actor,
        action=AuditAction.DRAFT_SUBMITTED,
        target=draft,
        after={
            "version": version.number,
            "round": draft.review_round,
            "reviewers": [reviewer.full_name for reviewer in reviewers],
            "signer": draft.signer.full_name if draft.signer else "",
            "note": note.strip(),
        },
    )
    return draft


@transaction.atomic
def draft_approve(*, actor: Person, draft: Draft, comment: str = "") -> Draft:
    """The reviewer whose turn it is approves the current version; after the last
    reviewer the draft awaits the signer."""
    draft = _locked(draft)
    step = selectors.pending_step(draft)
    if step is None or step.reviewer_id != actor.pk:
        raise PermissionDenied
    version = current_version(draft)
    step.decision, step.version, step.decided_at = Decision.APPROVED, version, timezone.now()
    step.save(update_fields=["decision", "version", "decided_at"])
    if comment.strip():
        DraftComment.objects.create(draft=draft, version=version, author=actor, text=comment.strip())
    following = selectors.pending_step(draft)
    if following is None:
        draft.state = DraftState.AWAITING_SIGNATURE
        _tell(
            draft.signer,
            actor=actor,
            draft=draft,
            message=_("%(actor)s approved %%(draft)s: it awaits your signature.")
            % {"actor": actor.full_name},
        )
    else:
        _tell(
            following.reviewer,
            actor=actor,
            draft=draft,
            message=_("%(actor)s approved %%(draft)s: your review is next.") % {"actor": actor.full_name},
        )
    _tell(
        draft.drafter,
        actor=actor,
        draft=draft,
        message=_("%(actor)s approved %%(draft)s.") % {"actor": actor.full_name},
    )
    draft.updated_at = timezone.now()
    draft.save(update_fields=["state", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.DRAFT_APPROVED,
        target=draft,
        after={"version": version.number, "round": draft.review_round, "comment": comment.strip()},
    )
    return draft


@transaction.atomic
def draft_return(*, actor: Person, draft: Draft, comment: str) -> Draft:
    """Send the draft back to its drafter with the reason: by the reviewer whose turn
    it is, or by the signer before signing."""
    draft = _locked(draft)
    step = selectors.pending_step(draft)
    is_reviewer = step is not None and step.reviewer_id == actor.pk
    is_signer = draft.state == DraftState.AWAITING_SIGNATURE and draft.signer_id == actor.pk
    if not (is_reviewer or is_signer):
        raise PermissionDenied
    if not comment.strip():
        raise ValidationError({"comment": _("Say what must be revised.")})
    version = current_version(draft)
    if step is not None and is_reviewer:
        step.decision, step.version, step.decided_at = Decision.RETURNED, version, timezone.now()
        step.save(update_fields=["decision", "version", "decided_at"])
    DraftComment.objects.create(draft=draft, version=version, author=actor, text=comment.strip())
    draft.state = DraftState.RETURNED
    draft.updated_at = timezone.now()
    draft.save(update_fields=["state", "updated_at"])
    _tell(
        draft.drafter,
        actor=actor,
        draft=draft,
        message=_("%(actor)s returned %%(draft)s for revision.") % {"actor": actor.full_name},
    )
    audit.record(
        actor=actor,
        action=AuditAction.DRAFT_RETURNED,
        target=draft,
        after={"version": version.number, "round": draft.review_round, "comment": comment.strip()},
    )
    return draft


def may_comment(person: Person, draft: Draft) -> bool:
    return (
        can(person, Action.DRAFT, draft.organization)
        or can(person, Action.DIRECT, draft.organization)
        or draft.signer_id == person.pk
        or draft.steps.filter(reviewer=person).exists()
    )


@transaction.atomic
def draft_comment(*, actor: Person, draft: Draft, text: str) -> DraftComment:
    """A remark on the current version, by anyone working on the draft."""
    draft = _locked(draft)
    if draft.secrecy > actor.clearance or not may_comment(actor, draft):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": _("Write the comment.")})
    version = current_version(draft)
    comment = DraftComment.objects.create(draft=draft, version=version, author=actor, text=text.strip())
    audit.record(
        actor=actor,
        action=AuditAction.DRAFT_COMMENTED,
        target=draft,
        after={"version": version.number, "comment": comment.text},
    )
    return comment


# --- Signing ------------------------------------------------------------------------------------


def draft_sign(*, actor: Person, draft: Draft, credential: SigningCredential, pin: str) -> Draft:
    """The signer signs the approved draft: in one transaction the document takes the
    next number of its issuer's series and its outgoing register entry, is rendered
    with that number and today's date, and is signed (PAdES) with the signer's
    credential. Any refusal (a wrong PIN, an expired or revoked certificate…) rolls
    it all back: nothing issued, no number consumed. The refusal itself is audited.

    Raises PermissionDenied for anyone but the designated signer, ValidationError
    (keyed "pin" or "credential") with a message naming the problem."""
    with files_removed_on_failure() as stored:
        try:
            return _draft_sign(actor=actor, draft=draft, credential=credential, pin=pin, stored=stored)
        except ValidationError as error:
            _record_refusal(actor=actor, draft=draft, error=error)
            raise


@transaction.atomic
def _record_refusal(*, actor: Person, draft: Draft, error: ValidationError) -> None:
    """A refused signature leaves a trace: who tried, and why it failed. Its own
    transaction, after the signing one rolled back."""
    audit.record(
        actor=actor,
        action=AuditAction.DRAFT_SIGNING_FAILED,
        target=draft,
        after={"reason": " ".join(error.messages)},
    )


@transaction.atomic
def _draft_sign(
    *, actor: Person, draft: Draft, credential: SigningCredential, pin: str, stored: list[str]
) -> Draft:
    draft = _locked(draft)
    if draft.signer_id != actor.pk or credential.person_id != actor.pk:
        raise PermissionDenied
    if draft.state != DraftState.AWAITING_SIGNATURE:
        raise ValidationError(
            _("This draft is %(state)s: it cannot be signed now.") % {"state": draft.get_state_display()}
        )
    if not can(actor, Action.DIRECT, draft.organization):
        raise ValidationError(
            {"credential": _("You no longer sign for %(issuer)s.") % {"issuer": draft.organization.name}}
        )
    now = timezone.now()
    with signature_services.signer_for(credential=credential, pin=pin, at=now) as signer:
        recipients = [org.name for org in draft.internal_recipients.order_by("path")]
        outgoing = registry_services.outgoing_register(
            actor=actor,
            at_signing=True,
            organization=draft.organization,
            issued_on=timezone.localdate(now),
            document_type=draft.document_type,
            abstract=draft.abstract,
            signer=actor,
            signer_title=" / ".join(draft.signature_lines()),
            recipients="\n".join(recipients + draft.external_recipient_list),
            drafter=draft.drafter,
            secrecy=Secrecy(draft.secrecy),
            urgency=Urgency(draft.urgency),
        )
        rendered = layout.render_pdf(draft, number=outgoing.number, date=outgoing.issued_on)
        signed = signature_services.sign_pdf(
            rendered.data,
            signer=signer,
            box=layout.stamp_box(rendered),
            stamp_lines=layout.stamp_lines(signer_name=actor.full_name, at=now),
            location=draft.place,
            reason=_("Issuing %(symbol)s") % {"symbol": outgoing.symbol},
        )
    draft.outgoing = outgoing
    draft.state = DraftState.SIGNED
    draft.signed_at = now
    draft.signed_sha256 = hashlib.sha256(signed).hexdigest()
    draft.signed_pdf.save(f"{outgoing.symbol}.pdf", ContentFile(signed), save=False)
    stored.append(draft.signed_pdf.name)
    draft.updated_at = now
    draft.save()
    _tell(
        draft.drafter,
        actor=actor,
        draft=draft,
        message=_("%(actor)s signed %%(draft)s: it is numbered %(symbol)s.")
        % {"actor": actor.full_name, "symbol": outgoing.symbol},
    )
    audit.record(
        actor=actor,
        action=AuditAction.DRAFT_SIGNED,
        target=draft,
        after={
            "version": draft.version,
            "outgoing": outgoing.pk,
            "symbol": outgoing.symbol,
            "sha256": draft.signed_sha256,
            "credential": credential.label,
            "certificate_serial": credential.serial,
        },
    )
    return draft
