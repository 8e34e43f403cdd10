"""Template helpers: form widgets styled for the office's layout, audit labels."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django import forms, template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanphong.core import audit
from vanphong.core.models import AuditEvent, Organization, Person, Role

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context: template.Context, number: int) -> str:
    """The address of page `number` of a list with the request's other parameters
    kept, so paging never drops the search and filters the list was shown with."""
    params = context["request"].GET.copy()
    params["page"] = str(number)
    return "?" + params.urlencode()


EMPTY = "—"
USERNAMES_SHOWN = 10

# Keys of an event's snapshot that are no field of its target: their labels, in the
# order their rows come after the target's own fields.
EXTRA_LABELS = {
    "parent": gettext_lazy("Parent unit"),
    "membership": gettext_lazy("Role"),
    "memberships_ended": gettext_lazy("Roles ended"),
    "count": gettext_lazy("Number of people"),
    "usernames": gettext_lazy("Usernames"),
    # Transfer slips (handling): the people and units on a slip, and a progress note.
    "sent_to": gettext_lazy("Sent to"),
    "co_units": gettext_lazy("Co-handling units"),
    "co_persons": gettext_lazy("Co-handling persons"),
    "progress": gettext_lazy("Progress note"),
    # Files (attachments): what was stored, and the text read from it.
    "name": gettext_lazy("File name"),
    "content_type": gettext_lazy("File type"),
    "size": gettext_lazy("Size (bytes)"),
    "pages": gettext_lazy("Pages"),
    "characters": gettext_lazy("Characters of text"),
    "sha256": gettext_lazy("SHA-256"),
    # Reads of classified documents: where the document was read.
    "via": gettext_lazy("Read on"),
}
# Shown through another key (`parent_name` is how `parent` reads at the time of a move),
# or ids that mean nothing to a reader (the file is named by `name`).
HIDDEN_KEYS = {"parent_name", "attachment", "text"}
# Values of a few keys, as a reader says them.
VALUE_LABELS = {
    "via": {
        "page": gettext_lazy("its page"),
        "export.pdf": gettext_lazy("a printed register (PDF)"),
        "export.xlsx": gettext_lazy("a register exported to Excel"),
        "api": gettext_lazy("the API"),
    },
}
# Keys that name a field of another model than the event's target.
FOREIGN_FIELDS = {"clearance": (Person, "clearance")}

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Text = Callable[[], str]
Row = tuple[str, str, str]


@register.filter
def styled(field: forms.BoundField) -> SafeString:
    """Render a field's widget with the CSS class its kind needs."""
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return _choice_group(field)
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    attrs: dict[str, Any] = {"class": css}
    if field.errors:
        attrs["aria-describedby"] = f"{field.auto_id}_error"
    return field.as_widget(attrs=attrs)


def _choice_group(field: forms.BoundField) -> SafeString:
    """Checkboxes or radio buttons one under the other, each with its label, in
    Bootstrap's form-check (Django would put the input's class on the group too,
    squeezing the whole group into a checkbox's width)."""
    items = []
    for choice in field.subwidgets:
        choice.data["attrs"] = {**choice.data["attrs"], "class": "form-check-input"}
        items.append(
            format_html(
                '<div class="form-check">{}<label class="form-check-label" for="{}">{}</label></div>',
                choice.tag(),
                choice.id_for_label,
                choice.choice_label,
            )
        )
    described = f' aria-describedby="{field.auto_id}_error"' if field.errors else ""
    return format_html(
        '<div id="{}" role="group"{}>{}</div>', field.auto_id, mark_safe(described), mark_safe("".join(items))
    )


@register.filter
def audit_label(action: str) -> str:
    return audit.event_label(action)


# --- What an event changed ------------------------------------------------------------------


@register.filter
def audit_changes(event: AuditEvent) -> list[Row]:
    """(label, before, after) for each thing the event changed or set, as a reader
    of the page says it: field names translated, related records by name, choices by
    label, dates in the page's format. Rows prepared by `audit_prepare` are reused."""
    rows = getattr(event, "_audit_rows", None)
    if rows is None:
        rows = describe_events([event])[0]
    return rows


@register.simple_tag
def audit_prepare(events: Iterable[AuditEvent]) -> str:
    """Describe a whole timeline at once, so that the related names it shows cost one
    query per related model rather than per event; `audit_changes` then reuses the
    rows."""
    events = list(events)
    for event, rows in zip(events, describe_events(events), strict=True):
        event._audit_rows = rows  # type: ignore[attr-defined]
    return ""


def describe_events(events: list[AuditEvent]) -> list[list[Row]]:
    """The rows of each event; related records are looked up together, once."""
    names = _Names()
    pending = [_pending_rows(event, names) for event in events]
    names.fetch()
    return [[(label, old(), new()) for label, old, new in rows] for rows in pending]


def _pending_rows(event: AuditEvent, names: _Names) -> list[tuple[str, Text, Text]]:
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    model = _model(event.target_type)
    # What the event's own app calls its keys and their values, when it says; a key it
    # labels None is kept in the trail for the app's own use and not shown.
    labels, values = audit.field_labels(event.target_type), audit.value_labels(event.target_type)
    rows = []
    for key in sorted(set(before) | set(after), key=lambda k: _order(model, k)):
        old, new = before.get(key), after.get(key)
        if key in HIDDEN_KEYS or (key in labels and labels[key] is None):
            continue
        if old == new or (_is_empty(old) and _is_empty(new)):
            continue
        field = _field(model, key)
        choices = values.get(key, {})
        rows.append(
            (
                str(labels[key]) if key in labels else _label(field, key),
                _chosen(choices, old) or _value(key, field, old, before, names),
                _chosen(choices, new) or _value(key, field, new, after, names),
            )
        )
    return rows


def _chosen(choices: dict[Any, Any], value: Any) -> Text | None:
    """The declared label of `value`, if it has one (lists and records have none)."""
    if not choices or isinstance(value, list | dict) or value not in choices:
        return None
    return _const(str(choices[value]))


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    """The concrete field `name` of the target, or of the model the key belongs to."""
    if name in FOREIGN_FIELDS:
        other, other_name = FOREIGN_FIELDS[name]
        if model is None or not issubclass(model, other):
            model, name = other, other_name
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) and field.concrete else None


def _order(model: type[models.Model] | None, key: str) -> tuple[int, int, str]:
    if model is not None:
        names = [f.name for f in model._meta.concrete_fields]
        if key in names:
            return (0, names.index(key), key)
    extras = list(EXTRA_LABELS)
    if key in extras:
        return (1, extras.index(key), key)
    return (2, 0, key)


def _label(field: models.Field[Any, Any] | None, key: str) -> str:
    if key in EXTRA_LABELS and field is None:
        return str(EXTRA_LABELS[key])
    if field is not None:
        return capfirst(str(field.verbose_name))
    return key


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _const(text: str) -> Text:
    return lambda: text


def _value(
    key: str, field: models.Field[Any, Any] | None, value: Any, snapshot: dict[str, Any], names: _Names
) -> Text:
    if _is_empty(value):
        return _const(EMPTY)
    if field is None:
        if key in VALUE_LABELS and value in VALUE_LABELS[key]:
            return _const(str(VALUE_LABELS[key][value]))
        if key == "parent":
            name = snapshot.get("parent_name")
            return _const(str(name)) if name else names.ref(Organization, value)
        if key == "membership" and isinstance(value, dict):
            return _membership(value, names)
        if key == "memberships_ended" and isinstance(value, list):
            return _const(number_format(len(value), force_grouping=True))
        if key == "count" and isinstance(value, int) and not isinstance(value, bool):
            return _const(number_format(value, force_grouping=True))
        if key == "usernames" and isinstance(value, list):
            shown = ", ".join(str(v) for v in value[:USERNAMES_SHOWN])
            return _const(shown + (", …" if len(value) > USERNAMES_SHOWN else ""))
        return _const(_plain(value))
    if field.many_to_one and field.related_model is not None:
        return names.ref(field.related_model, value)  # type: ignore[arg-type]
    if field.choices:
        return _const(str(dict(field.flatchoices).get(value, value)))
    if isinstance(field, models.DateTimeField):
        return _const(_datetime(value))
    if isinstance(field, models.DateField):
        return _const(_date(value))
    if isinstance(field, models.BooleanField):
        return _const(_yes_no(value))
    return _const(_plain(value))


def _membership(snapshot: dict[str, Any], names: _Names) -> Text:
    """A membership set with a person: “Party member — Chi bộ X, from 01/10/2026”."""
    roles: dict[Any, Any] = dict(Role.choices)
    role = str(roles.get(snapshot.get("role"), snapshot.get("role") or EMPTY))
    unit = names.ref(Organization, snapshot.get("organization"))
    started_on, ended_on = snapshot.get("started_on"), snapshot.get("ended_on")

    def text() -> str:
        params = {"role": role, "unit": unit(), "start": _date(started_on), "end": _date(ended_on)}
        if ended_on:
            return _("%(role)s — %(unit)s, %(start)s to %(end)s") % params
        return _("%(role)s — %(unit)s, from %(start)s") % params

    return text


def _date(value: Any) -> str:
    day = parse_date(value) if isinstance(value, str) else value
    if isinstance(day, dt.date):
        return date_format(day, "SHORT_DATE_FORMAT")
    return EMPTY if _is_empty(value) else str(value)


def _datetime(value: Any) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else value
    if isinstance(moment, dt.datetime):
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, "SHORT_DATETIME_FORMAT")
    return _date(value)


def _yes_no(value: Any) -> str:
    return _("Yes") if value else _("No")


def _plain(value: Any) -> str:
    """A value of no known field: booleans, ISO dates, lists and records made readable."""
    if _is_empty(value):
        return EMPTY
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, str) and ISO_DATE.match(value):
        return _date(value)
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    return str(value)


class _Names:
    """Related records wanted by the rows, fetched with one query per model."""

    def __init__(self) -> None:
        self.wanted: defaultdict[type[models.Model], set[int]] = defaultdict(set)
        self.found: dict[type[models.Model], dict[Any, str]] = {}

    def ref(self, model: type[models.Model], value: Any) -> Text:
        if _is_empty(value):
            return _const(EMPTY)
        try:
            pk = int(value)
        except (TypeError, ValueError):
            return _const(str(value))
        self.wanted[model].add(pk)
        return lambda: self.found.get(model, {}).get(pk, f"#{pk}")

    def fetch(self) -> None:
        for model, pks in self.wanted.items():
            self.found[model] = {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=pks)}


# --- What an event is about --------------------------------------------------------------------


@register.filter
def audit_target_url(event: AuditEvent) -> str:
    """The page of the record an event is about, when it has one: a role links to its
    person, a congress term to its committee. No query: ids come from the event."""
    target: Any
    if event.target_type == "core.organization":
        name, target = "organization_detail", event.target_id
    elif event.target_type == "core.person":
        name, target = "person_detail", event.target_id
    elif event.target_type == "core.membership":
        snapshots = [s for s in (event.after, event.before) if isinstance(s, dict)]
        name, target = "person_detail", next((s["person"] for s in snapshots if s.get("person")), None)
    elif event.target_type == "core.congressterm":
        name, target = "organization_detail", event.organization_id
    elif page := audit.target_page(event.target_type):
        name, target = page, event.target_id
    else:
        return ""
    try:
        return reverse(name, args=[int(target)])
    except (TypeError, ValueError, NoReverseMatch):
        return ""


@register.filter
def nfc(text: object) -> str:
    """Text in composed form (NFC), as Vietnamese is typed and searched: some
    sources, Django's own language names among them, store it decomposed."""
    return unicodedata.normalize("NFC", str(text))
