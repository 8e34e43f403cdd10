"""Template helpers: form widgets styled for the office's layout, audit labels."""

from typing import Any

from django import forms, template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.safestring import SafeString

from vanphong.core.models import AuditEvent
from vanphong.core.services import AUDIT_LABELS

register = template.Library()


@register.filter
def styled(field: forms.BoundField) -> SafeString:
    """Render a field's widget with the CSS class its kind needs."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    attrs: dict[str, Any] = {"class": css}
    if field.errors:
        attrs["aria-describedby"] = f"{field.auto_id}_error"
    return field.as_widget(attrs=attrs)


@register.filter
def audit_label(action: str) -> str:
    return str(AUDIT_LABELS.get(action, action))


@register.filter
def audit_changes(event: AuditEvent) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for each field the event changed or set; lists and
    nested records shown as text."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    rows = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            rows.append((_field_label(event.target_type, name), _as_text(old), _as_text(new)))
    return rows


def _field_label(model_label: str, name: str) -> str:
    """The field's translated name when the target model has such a field."""
    try:
        field = apps.get_model(model_label)._meta.get_field(name)
    except (LookupError, FieldDoesNotExist):
        return name
    return str(getattr(field, "verbose_name", name))


def _as_text(value: Any) -> Any:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value
