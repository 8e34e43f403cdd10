from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from vanphong.reports.selectors import STATUS_LABELS, Status

register = template.Library()

BADGES = {
    Status.ON_TIME: "text-bg-success",
    Status.LATE: "text-bg-warning",
    Status.MISSING: "text-bg-danger",
    Status.PENDING: "text-bg-light border",
}


@register.simple_tag
def status_badge(status: str) -> SafeString:
    value = Status(status)
    return format_html(
        '<span class="badge {}" data-badge="{}">{}</span>', BADGES[value], value, STATUS_LABELS[value]
    )


@register.filter
def get(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key, [])


@register.filter
def get_cell(row: dict[str, Any], key: str) -> Any:
    return row.get(key) if isinstance(row, dict) else None


@register.filter
def get_row_label(row: dict[str, Any]) -> Any:
    return row.get("_row", "") if isinstance(row, dict) else ""
