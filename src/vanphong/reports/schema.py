"""What a report form asks, as JSON, and the checks of what is typed into it.

A version's `fields` is a list of field definitions:

    {"key": "members", "label": "Tổng số đảng viên", "kind": "number",
     "required": true, "min": 0, "max": null, "integer": true}
    {"key": "summary", "label": "…", "kind": "text", "required": true, "min_words": 50}
    {"key": "rating", "label": "…", "kind": "choice", "choices": ["Tốt", "Khá"]}
    {"key": "held_on", "label": "…", "kind": "date"}
    {"key": "cells", "label": "…", "kind": "table",
     "columns": [{"key": "name", "label": "…", "kind": "text"},
                 {"key": "members", "label": "…", "kind": "number"}],
     "rows": ["Chi bộ 1", "Chi bộ 2"]}          (no "rows", or []: the sender adds rows)
    {"key": "minutes", "label": "…", "kind": "file"}

and `checks` a list of sums that must match:

    {"kind": "sum", "total": "members", "parts": ["men", "women"]}

Submitting is refused (a message at each field, the draft kept) for a value that is
not what the field takes: text in a number, a number out of its bounds, a date that
is not one, a choice not offered, a sum that does not match. A required part left
empty, a narrative shorter than its word minimum, or a figure far from the last
period's does not refuse the report: it makes it thin (`thin_reasons`), which the
office's board shows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KINDS = ("number", "text", "choice", "date", "table", "file")
COLUMN_KINDS = ("number", "text")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FIELDS = 200
MAX_FREE_ROWS = 500


# --- The definition -----------------------------------------------------------------------


def validate_definition(fields: Any, checks: Any) -> None:
    """Refuse a definition that cannot be filled in: raises ValidationError with one
    message per problem (on "fields" or "checks")."""
    problems: list[str] = []
    if not isinstance(fields, list) or not fields:
        raise ValidationError({"fields": _("A form asks at least one thing.")})
    if len(fields) > MAX_FIELDS:
        raise ValidationError({"fields": _("A form asks at most %(n)s things.") % {"n": MAX_FIELDS}})
    seen: dict[str, dict[str, Any]] = {}
    for position, field in enumerate(fields, start=1):
        if not isinstance(field, dict):
            problems.append(_("Field %(n)s is not a definition.") % {"n": position})
            continue
        key = field.get("key")
        where = {"n": position, "key": key}
        if not isinstance(key, str) or not KEY.match(key):
            problems.append(
                _("Field %(n)s: the key must be lowercase letters, digits and _ (a letter first).") % where
            )
            continue
        if key in seen:
            problems.append(_("Field %(n)s: the key “%(key)s” is used twice.") % where)
        seen[key] = field
        if not str(field.get("label", "")).strip():
            problems.append(_("Field %(n)s (%(key)s) has no label.") % where)
        kind = field.get("kind")
        if kind not in KINDS:
            problems.append(_("Field %(n)s (%(key)s): unknown kind.") % where)
            continue
        if kind == "number":
            low, high = field.get("min"), field.get("max")
            for bound in (low, high):
                if bound is not None and not isinstance(bound, int | float):
                    problems.append(_("Field %(n)s (%(key)s): the bounds must be numbers.") % where)
            if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
                problems.append(_("Field %(n)s (%(key)s): the minimum is above the maximum.") % where)
        if kind == "text":
            words = field.get("min_words", 0)
            if not isinstance(words, int) or words < 0:
                problems.append(_("Field %(n)s (%(key)s): the minimum of words must be 0 or more.") % where)
        if kind == "choice":
            choices = field.get("choices")
            if (
                not isinstance(choices, list)
                or len(choices) < 2
                or not all(isinstance(c, str) for c in choices)
            ):
                problems.append(_("Field %(n)s (%(key)s): offer at least two choices.") % where)
        if kind == "table":
            columns = field.get("columns")
            if not isinstance(columns, list) or not columns:
                problems.append(_("Field %(n)s (%(key)s): a table has at least one column.") % where)
            else:
                names = [c.get("key") for c in columns if isinstance(c, dict)]
                if len(names) != len(columns) or len(set(names)) != len(names):
                    problems.append(_("Field %(n)s (%(key)s): each column needs its own key.") % where)
                for column in columns:
                    if not isinstance(column, dict) or column.get("kind") not in COLUMN_KINDS:
                        problems.append(_("Field %(n)s (%(key)s): a column is a number or a text.") % where)
                    elif not isinstance(column.get("key"), str) or not KEY.match(column["key"]):
                        problems.append(_("Field %(n)s (%(key)s): a column's key is not valid.") % where)
            rows = field.get("rows", [])
            if not isinstance(rows, list) or not all(isinstance(r, str) and r.strip() for r in rows):
                problems.append(_("Field %(n)s (%(key)s): the rows are a list of names.") % where)
    if not isinstance(checks, list):
        checks = [None]
    for check in checks:
        if not isinstance(check, dict) or check.get("kind") != "sum":
            problems.append(_("A check is a sum: a total and its parts."))
            continue
        named = [check.get("total"), *(check.get("parts") or [])]
        if len(named) < 3 or any(
            not isinstance(key, str) or seen.get(key, {}).get("kind") != "number" for key in named
        ):
            problems.append(
                _("The sum of %(total)s must name a number field as total and at least two as parts.")
                % {"total": check.get("total")}
            )
    if problems:
        raise ValidationError({"fields": problems})


# --- Filling in ------------------------------------------------------------------------------


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return all(is_empty(row) for row in value)
    if isinstance(value, dict):
        return all(is_empty(v) for k, v in value.items() if not k.startswith("_"))
    return False


def _number(field: dict[str, Any], raw: Any) -> int | Decimal:
    """The number typed (Vietnamese style 1.234,5 or plain 1234.5), within the field's
    bounds. Raises ValidationError with the message for the field."""
    text = str(raw).strip().replace(" ", "").replace("\u00a0", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("Enter a number, e.g. 125.")) from None
    if not number.is_finite():
        raise ValidationError(_("Enter a number, e.g. 125."))
    if field.get("integer", True) and number != number.to_integral_value():
        raise ValidationError(_("Enter a whole number."))
    low, high = field.get("min"), field.get("max")
    if low is not None and number < Decimal(str(low)):
        if low == 0:
            raise ValidationError(_("A count cannot be negative."))
        raise ValidationError(_("At least %(min)s.") % {"min": low})
    if high is not None and number > Decimal(str(high)):
        raise ValidationError(_("At most %(max)s.") % {"max": high})
    if field.get("integer", True):
        return int(number)
    return number


def _date(raw: Any) -> str:
    text = str(raw).strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise ValidationError(_("Enter a date as dd/mm/yyyy, e.g. 25/11/2026."))


def clean_values(
    fields: list[dict[str, Any]], checks: list[dict[str, Any]], raw: dict[str, Any]
) -> dict[str, Any]:
    """The submitted values from the draft `raw` (strings as typed): numbers as
    numbers, dates ISO, tables as lists of rows. Raises a ValidationError keyed by
    field (a table cell: `table.row.column`) listing every problem at once."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for field in fields:
        key, kind = field["key"], field["kind"]
        value = raw.get(key)
        if kind == "table":
            values[key] = _clean_table(field, value, errors)
            continue
        if kind == "file":
            values[key] = [int(pk) for pk in (value or []) if str(pk).isdigit()]
            continue
        if is_empty(value):
            values[key] = None
            continue
        try:
            if kind == "number":
                values[key] = _number(field, value)
            elif kind == "date":
                values[key] = _date(value)
            elif kind == "choice":
                if value not in field["choices"]:
                    raise ValidationError(_("Choose one of the answers offered."))
                values[key] = value
            else:
                values[key] = str(value).strip()
        except ValidationError as error:
            errors.setdefault(key, []).extend(error.messages)
    for check in checks:
        total, parts = check["total"], check["parts"]
        if total in errors or any(part in errors for part in parts):
            continue
        if values.get(total) is None or any(values.get(part) is None for part in parts):
            continue
        added = sum(Decimal(str(values[part])) for part in parts)
        if Decimal(str(values[total])) != added:
            labels = {f["key"]: f.get("label", f["key"]) for f in fields}
            errors.setdefault(total, []).append(
                _("%(total)s (%(value)s) must equal %(parts)s, which add up to %(sum)s.")
                % {
                    "total": labels[total],
                    "value": values[total],
                    "parts": " + ".join(labels[part] for part in parts),
                    "sum": added,
                }
            )
    if errors:
        raise ValidationError(errors)
    return values


def _clean_table(field: dict[str, Any], value: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    fixed = list(field.get("rows") or [])
    typed = value if isinstance(value, list) else []
    if fixed:
        typed = (typed + [{}] * len(fixed))[: len(fixed)]
    else:
        typed = [row for row in typed[:MAX_FREE_ROWS] if isinstance(row, dict) and not is_empty(row)]
    rows: list[dict[str, Any]] = []
    for index, row in enumerate(typed):
        row = row if isinstance(row, dict) else {}
        cleaned: dict[str, Any] = {"_row": fixed[index]} if fixed else {}
        for column in field["columns"]:
            cell = row.get(column["key"])
            if is_empty(cell):
                cleaned[column["key"]] = None
            elif column["kind"] == "number":
                try:
                    cleaned[column["key"]] = _number({"min": 0, **column}, cell)
                except ValidationError as error:
                    errors.setdefault(f"{field['key']}.{index}.{column['key']}", []).extend(error.messages)
            else:
                cleaned[column["key"]] = str(cell).strip()
        rows.append(cleaned)
    return rows


def numbers(fields: list[dict[str, Any]], values: dict[str, Any]) -> dict[str, Decimal]:
    """The numbers of submitted `values` by `ReportValue.key`: each number field, each
    number cell of a table with fixed rows (`table.row.column`), and each number
    column's total (`table.*.column`)."""
    found: dict[str, Decimal] = {}
    for field in fields:
        key = field["key"]
        if field["kind"] == "number" and values.get(key) is not None:
            found[key] = Decimal(str(values[key]))
        elif field["kind"] == "table":
            rows = values.get(key) or []
            for column in field["columns"]:
                if column["kind"] != "number":
                    continue
                cells = [(i, row.get(column["key"])) for i, row in enumerate(rows)]
                if field.get("rows"):
                    for i, cell in cells:
                        if cell is not None:
                            found[f"{key}.{i}.{column['key']}"] = Decimal(str(cell))
                if any(cell is not None for _i, cell in cells):
                    found[f"{key}.*.{column['key']}"] = sum(
                        (Decimal(str(cell)) for _i, cell in cells if cell is not None), Decimal(0)
                    )
    return found


# --- Thin ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThinReason:
    field: str
    code: str  # "empty", "short" or "jump"
    words: int = 0
    min_words: int = 0
    previous: str = ""
    value: str = ""
    change: int = 0

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in ("", 0) or k in ("field", "code")}


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text or ""))


def thin_reasons(
    fields: list[dict[str, Any]],
    values: dict[str, Any],
    previous: dict[str, Decimal],
    tolerance_percent: int | None,
) -> list[ThinReason]:
    """Why a submitted report is thin: required parts empty, narrative parts under
    their word minimum, top-level figures moving beyond `tolerance_percent` from
    `previous` (the organization's numbers of the last period; none: no such check)."""
    reasons: list[ThinReason] = []
    for field in fields:
        key, value = field["key"], values.get(field["key"])
        if field.get("required") and is_empty(value):
            reasons.append(ThinReason(key, "empty"))
            continue
        if field["kind"] == "text" and field.get("min_words") and value:
            words = word_count(value)
            if words < field["min_words"]:
                reasons.append(ThinReason(key, "short", words=words, min_words=field["min_words"]))
        if (
            field["kind"] == "number"
            and tolerance_percent is not None
            and value is not None
            and key in previous
        ):
            before, now = previous[key], Decimal(str(value))
            if before == 0:
                moved = now != 0
                change = 100 if moved else 0
            else:
                change = round((now - before) / before * 100)
                moved = abs(now - before) * 100 > abs(before) * tolerance_percent
            if moved:
                reasons.append(
                    ThinReason(key, "jump", previous=_plain(before), value=_plain(now), change=change)
                )
    return reasons


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f") if number == number.to_integral_value() else str(number)
