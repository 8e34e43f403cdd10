"""The archive: the only place that opens fonds and boxes, creates, changes and
closes dossiers, files documents into them, and records destruction decisions.
Every service is one transaction with one audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanphong.archive.models import (
    Box,
    DestructionDecision,
    Dossier,
    DossierItem,
    DossierState,
    Fonds,
    RetentionRule,
)
from vanphong.core import audit
from vanphong.core.models import AuditEvent, Organization, Person, Secrecy
from vanphong.core.permissions import Action, can, may_anywhere
from vanphong.registry.models import IncomingDocument, OutgoingDocument


class AuditAction:
    FONDS_CREATED = "archive.fonds_created"
    BOX_CREATED = "archive.box_created"
    DOSSIER_CREATED = "archive.dossier_created"
    DOSSIER_UPDATED = "archive.dossier_updated"
    DOSSIER_CLOSED = "archive.dossier_closed"
    DOCUMENT_FILED = "archive.document_filed"
    DOCUMENT_REMOVED = "archive.document_removed"
    DESTRUCTION_RECORDED = "archive.destruction_recorded"
    RETENTION_RULE_CREATED = "archive.retention_rule_created"
    RETENTION_RULE_UPDATED = "archive.retention_rule_updated"


AUDIT_LABELS = {
    AuditAction.FONDS_CREATED: gettext_lazy("Fonds opened"),
    AuditAction.BOX_CREATED: gettext_lazy("Box added"),
    AuditAction.DOSSIER_CREATED: gettext_lazy("Dossier created"),
    AuditAction.DOSSIER_UPDATED: gettext_lazy("Dossier changed"),
    AuditAction.DOSSIER_CLOSED: gettext_lazy("Dossier closed"),
    AuditAction.DOCUMENT_FILED: gettext_lazy("Document filed"),
    AuditAction.DOCUMENT_REMOVED: gettext_lazy("Document taken out of the dossier"),
    AuditAction.DESTRUCTION_RECORDED: gettext_lazy("Destruction recorded"),
    AuditAction.RETENTION_RULE_CREATED: gettext_lazy("Retention table line added"),
    AuditAction.RETENTION_RULE_UPDATED: gettext_lazy("Retention table line changed"),
}
AUDIT_TARGET_PAGES = {
    "archive.dossier": "dossier_detail",
    "archive.fonds": "fonds_detail",
    "archive.destructiondecision": "destruction_detail",
    "archive.retentionrule": "retention_rule_edit",
}

# The keys of the archive's events that are no field of their target, as the timeline
# names them (None: kept for the archive's own use, not shown: the document is named by
# its title).
AUDIT_FIELD_LABELS = {
    "archive.dossier": {
        "item": None,
        "incoming": None,
        "outgoing": None,
        "scan": None,
        "position": gettext_lazy("Order in the dossier"),
        "document": gettext_lazy("Document filed"),
        "item_sheets": gettext_lazy("Sheets of the document"),
        "removed_document": gettext_lazy("Document taken out"),
        "removed_position": gettext_lazy("Its order in the dossier"),
        "removed_sheets": gettext_lazy("Its sheets"),
    },
    "archive.fonds": {"box": gettext_lazy("Box number"), "location": gettext_lazy("Location")},
    "archive.destructiondecision": {
        "dossiers": gettext_lazy("Dossiers destroyed (numbers)"),
        # The form's and the decision page's word for it.
        "note": gettext_lazy("Reason"),
    },
}
AUDIT_VALUE_LABELS = {"archive.dossier": {"state": dict(DossierState.choices)}}

DOSSIER_FIELDS = [
    "catalogue",
    "number",
    "symbol",
    "title",
    "started_on",
    "ended_on",
    "sheets",
    "retention_years",
    "box",
    "note",
    "secrecy",
    "state",
]


def _check_archivist(actor: Person, organization: Organization) -> None:
    if not can(actor, Action.ARCHIVE, organization):
        raise PermissionDenied


@transaction.atomic
def fonds_create(
    *, actor: Person, organization: Organization, number: str, name: str = "", note: str = ""
) -> Fonds:
    """Open the fonds of `organization` (one per organization)."""
    _check_archivist(actor, organization)
    number, name = number.strip(), " ".join((name or organization.name).split())
    errors = {}
    if not number:
        errors["number"] = _("Enter the fonds number.")
    if Fonds.objects.filter(organization=organization).exists():
        errors["organization"] = _("%(name)s already has its fonds.") % {"name": organization.name}
    if errors:
        raise ValidationError(errors)
    fonds = Fonds.objects.create(organization=organization, number=number, name=name, note=note.strip())
    audit.record(
        actor=actor,
        action=AuditAction.FONDS_CREATED,
        target=fonds,
        after={"number": fonds.number, "name": fonds.name},
        organization=organization,
    )
    return fonds


@transaction.atomic
def box_create(*, actor: Person, fonds: Fonds, number: str, location: str = "") -> Box:
    _check_archivist(actor, fonds.organization)
    number = number.strip()
    if not number:
        raise ValidationError({"number": _("Enter the box number.")})
    if fonds.boxes.filter(number=number).exists():
        raise ValidationError(
            {"number": _("Box %(number)s already exists in this fonds.") % {"number": number}}
        )
    box = Box.objects.create(fonds=fonds, number=number, location=location.strip())
    audit.record(
        actor=actor,
        action=AuditAction.BOX_CREATED,
        target=fonds,
        after={"box": box.number, "location": box.location},
        organization=fonds.organization,
    )
    return box


def _clean_dossier(
    actor: Person, fonds: Fonds, values: dict[str, Any], exclude: int | None = None
) -> dict[str, Any]:
    """The dossier's fields cleaned, or every refusal keyed to its field."""
    errors: dict[str, str] = {}
    values["title"] = " ".join(str(values.get("title") or "").split())
    values["symbol"] = " ".join(str(values.get("symbol") or "").split())
    values["note"] = str(values.get("note") or "").strip()
    if not values["title"]:
        errors["title"] = _("Enter the title of the dossier.")
    started, ended = values.get("started_on"), values.get("ended_on")
    if started and ended and ended < started:
        errors["ended_on"] = _("The dossier cannot end before it starts.")
    if ended and ended > timezone.localdate():
        errors["ended_on"] = _("The end date cannot be in the future.")
    rule = values.get("retention_rule")
    if isinstance(rule, RetentionRule):
        years = values.get("retention_years")
        if years is None:
            values["retention_years"] = rule.years
        elif years != rule.years:
            errors["retention_years"] = _(
                "The table gives %(rule)s %(years)s: leave the years empty, or choose no line of "
                "the table to enter another term."
            ) % {"rule": rule.name, "years": retention_label(rule.years).lower()}  # inside a sentence
    box = values.get("box")
    if box is not None and box.fonds_id != fonds.pk:
        errors["box"] = _("This box belongs to another fonds.")
    if Secrecy(values.get("secrecy") or 0) > actor.clearance:
        errors["secrecy"] = _("You are not cleared for this secrecy level.")
    number = values.get("number")
    if number:
        taken = Dossier.objects.filter(fonds=fonds, catalogue=values.get("catalogue") or 1, number=number)
        if exclude is not None:
            taken = taken.exclude(pk=exclude)
        if taken.exists():
            errors["number"] = _("Dossier %(number)s already exists in catalogue %(catalogue)s.") % {
                "number": number,
                "catalogue": values.get("catalogue") or 1,
            }
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def dossier_create(
    *,
    actor: Person,
    fonds: Fonds,
    title: str,
    catalogue: int = 1,
    number: int | None = None,
    symbol: str = "",
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
    sheets: int = 0,
    retention_rule: RetentionRule | None = None,
    retention_years: int | None = None,
    box: Box | None = None,
    note: str = "",
    secrecy: int = Secrecy.NONE,
) -> Dossier:
    """A new dossier in `fonds`; without a number it takes the next of its catalogue.
    Without a rule or years it is kept permanently (the archivist decides)."""
    _check_archivist(actor, fonds.organization)
    # The fonds row serializes numbering: two archivists get two numbers.
    Fonds.objects.select_for_update().filter(pk=fonds.pk).values_list("pk").get()
    values = _clean_dossier(
        actor,
        fonds,
        {
            "title": title,
            "catalogue": catalogue,
            "number": number,
            "symbol": symbol,
            "started_on": started_on,
            "ended_on": ended_on,
            "sheets": sheets,
            "retention_rule": retention_rule,
            "retention_years": retention_years,
            "box": box,
            "note": note,
            "secrecy": secrecy,
        },
    )
    if not values["number"]:
        last = Dossier.objects.filter(fonds=fonds, catalogue=catalogue).aggregate(last=Max("number"))["last"]
        values["number"] = (last or 0) + 1
    dossier = Dossier(fonds=fonds, organization=fonds.organization, created_by=actor, **values)
    dossier.refresh_search_text()
    try:
        with transaction.atomic():
            dossier.save()
    except IntegrityError:
        raise ValidationError({"number": _("This dossier number was just taken: save again.")}) from None
    audit.record(
        actor=actor,
        action=AuditAction.DOSSIER_CREATED,
        target=dossier,
        after=audit.snapshot(dossier, DOSSIER_FIELDS),
    )
    return dossier


def _locked(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update(of=("self",)).select_related("fonds").get(pk=dossier.pk)


@transaction.atomic
def dossier_update(*, actor: Person, dossier: Dossier, **changes: Any) -> Dossier:
    """Change the catalogue's columns of a dossier (not one destroyed)."""
    dossier = _locked(dossier)
    _check_archivist(actor, dossier.organization)
    if dossier.state == DossierState.DESTROYED:
        raise ValidationError(_("This dossier was destroyed: it cannot change."))
    unknown = set(changes) - set(DOSSIER_FIELDS) - {"retention_rule"}
    if unknown:
        raise TypeError(f"dossier_update() got unexpected fields: {sorted(unknown)}")
    before = audit.snapshot(dossier, DOSSIER_FIELDS)
    current = {name: getattr(dossier, name) for name in [*DOSSIER_FIELDS, "retention_rule"]}
    values = _clean_dossier(actor, dossier.fonds, {**current, **changes}, exclude=dossier.pk)
    for name, value in values.items():
        setattr(dossier, name, value)
    dossier.refresh_search_text()
    dossier.save()
    after = audit.snapshot(dossier, DOSSIER_FIELDS)
    if after != before:
        audit.record(
            actor=actor, action=AuditAction.DOSSIER_UPDATED, target=dossier, before=before, after=after
        )
    return dossier


@transaction.atomic
def dossier_close(*, actor: Person, dossier: Dossier) -> Dossier:
    """Close a dossier into the archive: nothing more is filed in it. It needs its
    dates (the review date counts from its end)."""
    dossier = _locked(dossier)
    _check_archivist(actor, dossier.organization)
    if dossier.state != DossierState.OPEN:
        raise ValidationError(_("This dossier is not open."))
    if dossier.ended_on is None:
        raise ValidationError({"ended_on": _("Enter the date the dossier ends before closing it.")})
    dossier.state = DossierState.CLOSED
    dossier.save(update_fields=["state"])
    audit.record(
        actor=actor,
        action=AuditAction.DOSSIER_CLOSED,
        target=dossier,
        after={"state": dossier.state, "sheets": dossier.sheets},
    )
    return dossier


# The dossier's columns a filing or a removal may change, in its event before and after.
FILING_FIELDS = ["sheets", "started_on", "ended_on"]


def _item_day(item: DossierItem) -> dt.date | None:
    """The date a filed document counts by: received for incoming, issued for
    outgoing; a scan has none the archive knows."""
    if item.incoming_id:
        return item.incoming.received_on  # type: ignore[union-attr]
    if item.outgoing_id:
        return item.outgoing.issued_on  # type: ignore[union-attr]
    return None


@transaction.atomic
def dossier_file(
    *,
    actor: Person,
    dossier: Dossier,
    incoming: IncomingDocument | None = None,
    outgoing: OutgoingDocument | None = None,
    scan_id: int | None = None,
    title: str = "",
    sheets: int = 0,
) -> DossierItem:
    """File one document at the end of an open dossier: a registry document of the
    dossier's organization, or a scanned document (its id and title, given by the
    scans app). The archivist's count of sheets is the record: it grows by the
    document's sheets (0: not known, the count stays). The dossier's dates are those
    of its earliest and latest document (DOMAIN.md §4): a document dated outside them
    widens them (the page warns). The event keeps the dossier's columns before and
    after."""
    dossier = _locked(dossier)
    _check_archivist(actor, dossier.organization)
    if dossier.state != DossierState.OPEN:
        raise ValidationError(_("This dossier is closed: reopen it before filing into it."))
    sources = [source for source in (incoming, outgoing, scan_id) if source is not None]
    if len(sources) != 1:
        raise TypeError("file exactly one of incoming, outgoing or scan_id")
    document = incoming or outgoing
    if document is not None:
        if document.organization.path[: len(dossier.organization.path)] != dossier.organization.path:
            raise ValidationError(
                _("This document is not in the registers of %(name)s.") % {"name": dossier.organization.name}
            )
        if document.secrecy > dossier.secrecy:
            raise ValidationError(_("A classified document goes in a dossier of its secrecy level or above."))
        filed = (
            (
                DossierItem.objects.filter(incoming=incoming)
                if incoming
                else DossierItem.objects.filter(outgoing=outgoing)
            )
            .select_related("dossier")
            .first()
        )
        if filed is not None:
            raise ValidationError(
                _("This document is already filed in dossier %(number)s.") % {"number": filed.dossier.number}
            )
        title = title or f"{document.symbol or ''} {document.abstract}".strip()
    title = " ".join(title.split())
    if scan_id is not None and not title:
        raise ValidationError({"title": _("Enter the title of the document.")})
    before = audit.snapshot(dossier, FILING_FIELDS)
    last = dossier.items.aggregate(last=Max("position"))["last"] or 0
    item = DossierItem.objects.create(
        dossier=dossier,
        position=last + 1,
        incoming=incoming,
        outgoing=outgoing,
        scan_id=scan_id,
        title=title[:400],
        sheets=max(sheets, 0),
        filed_by=actor,
    )
    dossier.sheets += item.sheets
    day = _item_day(item)
    if day is not None:
        dossier.started_on = min(dossier.started_on, day) if dossier.started_on else day
        dossier.ended_on = max(dossier.ended_on, day) if dossier.ended_on else day
    dossier.save(update_fields=FILING_FIELDS)
    audit.record(
        actor=actor,
        action=AuditAction.DOCUMENT_FILED,
        target=dossier,
        before=before,
        after={
            **audit.snapshot(dossier, FILING_FIELDS),
            "item": item.pk,
            "position": item.position,
            "document": item.title,
            "incoming": item.incoming_id,
            "outgoing": item.outgoing_id,
            "scan": item.scan_id,
            "item_sheets": item.sheets,
        },
    )
    return item


def dates_widened(before: Dossier, after: Dossier) -> bool:
    """Whether filing moved dates the dossier already had (the page warns then)."""
    return (before.started_on is not None and after.started_on != before.started_on) or (
        before.ended_on is not None and after.ended_on != before.ended_on
    )


@transaction.atomic
def dossier_remove(*, actor: Person, item: DossierItem) -> Dossier:
    """Take a document filed by mistake out of its dossier, while the dossier is open
    (once closed into the archive its contents are the record; 270-QĐ/TW and
    DOMAIN.md §4 give no way to change them). Its sheets come off the count; dates its
    filing widened go back to what they were, unless another document still needs
    them. The later documents move up one place. Audited with the document and the
    dossier's columns before and after."""
    dossier = _locked(item.dossier)
    _check_archivist(actor, dossier.organization)
    if dossier.state != DossierState.OPEN:
        raise ValidationError(_("This dossier is closed into the archive: its documents stay as they are."))
    item = DossierItem.objects.select_related("incoming", "outgoing").get(pk=item.pk, dossier=dossier)
    before = audit.snapshot(dossier, FILING_FIELDS)
    dossier.sheets = max(dossier.sheets - item.sheets, 0)
    # Under keys of their own: the filing's ("document", "position") would read in the
    # history as the document filed, going to nothing.
    removed = {
        "removed_document": item.title,
        "removed_position": item.position,
        "removed_sheets": item.sheets,
        "incoming": item.incoming_id,
        "outgoing": item.outgoing_id,
        "scan": item.scan_id,
    }
    position, removed_pk = item.position, item.pk
    item.delete()
    for later in dossier.items.filter(position__gt=position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])
    filing = (
        AuditEvent.objects.for_target(dossier)
        .filter(action=AuditAction.DOCUMENT_FILED, after__item=removed_pk)
        .order_by("-id")
        .first()
    )
    if filing is not None and isinstance(filing.before, dict) and isinstance(filing.after, dict):
        days = [d for d in map(_item_day, dossier.items.select_related("incoming", "outgoing")) if d]
        for name, pick in (("started_on", min), ("ended_on", max)):
            if str(getattr(dossier, name) or "") != str(filing.after.get(name) or ""):
                continue  # changed since by the archivist: theirs stands
            was = filing.before.get(name)
            if was == filing.after.get(name):
                continue
            bound = [dt.date.fromisoformat(was)] if was else []
            setattr(dossier, name, pick([*bound, *days]) if bound or days else None)
    dossier.save(update_fields=FILING_FIELDS)
    audit.record(
        actor=actor,
        action=AuditAction.DOCUMENT_REMOVED,
        target=dossier,
        before=before,
        after={**audit.snapshot(dossier, FILING_FIELDS), **removed},
    )
    return dossier


@transaction.atomic
def destruction_record(
    *,
    actor: Person,
    fonds: Fonds,
    dossiers: Sequence[Dossier],
    decision_number: str,
    decided_on: dt.date,
    decided_by: str,
    council: str,
    note: str = "",
) -> DestructionDecision:
    """Record the decision that destroys `dossiers`: each closed, not permanent, its
    term run out by `decided_on`. The rows stay, marked destroyed, with the decision."""
    _check_archivist(actor, fonds.organization)
    errors: dict[str, str] = {}
    if not decision_number.strip():
        errors["decision_number"] = _("Enter the number of the decision.")
    if not decided_by.strip():
        errors["decided_by"] = _("Enter who signed the decision.")
    if not council.strip():
        errors["council"] = _("Enter the review council (its members).")
    if decided_on > timezone.localdate():
        errors["decided_on"] = _("The decision cannot be dated in the future.")
    if not dossiers:
        errors["dossiers"] = _("Choose the dossiers the decision destroys.")
    locked = list(Dossier.objects.select_for_update(of=("self",)).filter(pk__in=[d.pk for d in dossiers]))
    for dossier in locked:
        due = dossier.review_due_on
        if dossier.fonds_id != fonds.pk:
            errors["dossiers"] = _("Dossier %(number)s belongs to another fonds.") % {
                "number": dossier.number
            }
        elif dossier.state != DossierState.CLOSED:
            errors["dossiers"] = _("Dossier %(number)s is not a closed dossier.") % {"number": dossier.number}
        elif due is None:
            errors["dossiers"] = _("Dossier %(number)s is kept permanently (or has no end date).") % {
                "number": dossier.number
            }
        elif due > decided_on:
            errors["dossiers"] = _("Dossier %(number)s is kept until %(date)s.") % {
                "number": dossier.number,
                "date": due.strftime("%d/%m/%Y"),
            }
    if errors:
        raise ValidationError(errors)
    decision = DestructionDecision.objects.create(
        fonds=fonds,
        organization=fonds.organization,
        decision_number=decision_number.strip(),
        decided_on=decided_on,
        decided_by=decided_by.strip(),
        council=council.strip(),
        note=note.strip(),
        recorded_by=actor,
    )
    Dossier.objects.filter(pk__in=[d.pk for d in locked]).update(
        state=DossierState.DESTROYED, destruction=decision
    )
    # The event is the decision's; each destroyed dossier's history reads it through
    # `selectors.related_records`, so the dossier's page shows its destruction.
    audit.record(
        actor=actor,
        action=AuditAction.DESTRUCTION_RECORDED,
        target=decision,
        after={
            "decision_number": decision.decision_number,
            "decided_on": decided_on.isoformat(),
            "decided_by": decision.decided_by,
            "council": decision.council,
            "note": decision.note,
            "dossiers": sorted(d.number for d in locked),
        },
        organization=fonds.organization,
    )
    return decision


def retention_label(years: int | None) -> str:
    """A term as the catalogue says it: “20 năm” or “Vĩnh viễn”."""
    if years is None:
        return _("Permanent")
    return _("%(years)d years") % {"years": years}


RULE_FIELDS = ["code", "name", "years"]


def _check_rule_keeper(actor: Person) -> None:
    """The retention table is one for the whole installation (the sample table the
    locality applies): any archivist keeps it."""
    if not may_anywhere(actor, Action.ARCHIVE):
        raise PermissionDenied


def _clean_rule(values: dict[str, Any], exclude: int | None = None) -> dict[str, Any]:
    values["code"] = " ".join(str(values.get("code") or "").split())
    values["name"] = " ".join(str(values.get("name") or "").split())
    errors: dict[str, str] = {}
    if not values["code"]:
        errors["code"] = _("Enter the line's code in the table.")
    elif RetentionRule.objects.filter(code=values["code"]).exclude(pk=exclude or 0).exists():
        errors["code"] = _("The table already has a line %(code)s.") % {"code": values["code"]}
    if not values["name"]:
        errors["name"] = _("Enter the kind of dossier.")
    years = values.get("years")
    if years is not None and not 1 <= years <= 200:
        errors["years"] = _("Enter a term of 1 to 200 years, or leave it empty for permanent.")
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def retention_rule_create(*, actor: Person, code: str, name: str, years: int | None = None) -> RetentionRule:
    """Add a line to the retention table. Dossiers copy a line's term when it is
    chosen, so the table's later changes leave what was decided as it was."""
    _check_rule_keeper(actor)
    values = _clean_rule({"code": code, "name": name, "years": years})
    rule = RetentionRule.objects.create(**values)
    audit.record(
        actor=actor,
        action=AuditAction.RETENTION_RULE_CREATED,
        target=rule,
        after=audit.snapshot(rule, RULE_FIELDS),
    )
    return rule


@transaction.atomic
def retention_rule_update(*, actor: Person, rule: RetentionRule, **changes: Any) -> RetentionRule:
    """Correct a line of the retention table (its code, kind or term)."""
    _check_rule_keeper(actor)
    rule = RetentionRule.objects.select_for_update().get(pk=rule.pk)
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"retention_rule_update() got unexpected fields: {sorted(unknown)}")
    before = audit.snapshot(rule, RULE_FIELDS)
    values = _clean_rule({**{name: getattr(rule, name) for name in RULE_FIELDS}, **changes}, exclude=rule.pk)
    for name, value in values.items():
        setattr(rule, name, value)
    rule.save()
    after = audit.snapshot(rule, RULE_FIELDS)
    if after != before:
        audit.record(
            actor=actor, action=AuditAction.RETENTION_RULE_UPDATED, target=rule, before=before, after=after
        )
    return rule
