"""The office's forms: a report form's settings and a plain editor of its fields (a
formset whose rows become the version's JSON); the office's return and period
forms. The grassroots person's fill-in page is rendered from the version itself
(`views.fill`), not from a Django form."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vanphong.core.forms import DateField, OrganizationChoiceField
from vanphong.core.models import Organization
from vanphong.reports.models import Periodicity
from vanphong.reports.schema import KINDS


class OrganizationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'— ' * (obj.depth - 1)}{obj.name}"


KIND_CHOICES = [
    ("number", _("Number")),
    ("text", _("Text")),
    ("choice", _("Choice")),
    ("date", _("Date")),
    ("table", _("Table")),
    ("file", _("File")),
]
assert [k for k, _label in KIND_CHOICES] == list(KINDS)


class ReportFormSettings(forms.Form):
    organization = OrganizationChoiceField(label=_("Committee"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("Report title"), max_length=200)
    periodicity = forms.ChoiceField(label=_("Periodicity"), choices=Periodicity.choices)
    due_day = forms.IntegerField(
        label=_("Due day of the period's last month"), min_value=1, max_value=31, initial=20, required=False
    )
    due_days_after = forms.IntegerField(
        label=_("Or: due days after the period"), min_value=0, max_value=365, required=False
    )
    recipients_root = OrganizationChoiceField(
        label=_("Every grassroots organization under"), queryset=Organization.objects.none(), required=False
    )
    recipients = OrganizationsField(
        label=_("Or: these organizations"), queryset=Organization.objects.none(), required=False
    )
    tolerance_percent = forms.IntegerField(
        label=_("Tolerance from the last period (%)"), min_value=0, max_value=1000, initial=20, required=False
    )

    def __init__(self, *args: Any, committees: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = committees  # type: ignore[attr-defined]
        self.fields["recipients_root"].queryset = units  # type: ignore[attr-defined]
        self.fields["recipients"].queryset = units  # type: ignore[attr-defined]
        # Most offices ask for one committee only: it is chosen for them, and asked of
        # its whole tree until they say otherwise.
        only = list(committees[:2])
        if len(only) == 1:
            self.fields["organization"].initial = only[0].pk
            self.fields["recipients_root"].initial = only[0].pk


class FieldRow(forms.Form):
    """One field of the form, in plain words."""

    key = forms.RegexField(
        label=_("Key"),
        regex=r"^[a-z][a-z0-9_]{0,39}$",
        required=False,
        help_text=_("Lowercase letters, digits and _, e.g. members"),
    )
    label = forms.CharField(label=_("Label"), max_length=300, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=KIND_CHOICES,
        initial="number",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    minimum = forms.DecimalField(label=_("Minimum"), required=False)
    maximum = forms.DecimalField(label=_("Maximum"), required=False)
    decimals = forms.BooleanField(label=_("Decimals allowed"), required=False)
    min_words = forms.IntegerField(label=_("Minimum words"), min_value=0, required=False)
    options = forms.CharField(
        label=_("Choices, or a table's columns"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("One per line. A column: key: label: number (or text)."),
    )
    rows = forms.CharField(
        label=_("A table's rows"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("One per line; none: the sender adds rows."),
    )

    def definition(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("key"):
            return None
        field: dict[str, Any] = {
            "key": data["key"],
            "label": data["label"].strip(),
            "kind": data["kind"],
            "required": data["required"],
        }
        lines = [line.strip() for line in (data.get("options") or "").splitlines() if line.strip()]
        if data["kind"] == "number":
            field["integer"] = not data["decimals"]
            field["min"] = _plain(data.get("minimum"))
            field["max"] = _plain(data.get("maximum"))
        elif data["kind"] == "text":
            field["min_words"] = data.get("min_words") or 0
        elif data["kind"] == "choice":
            field["choices"] = lines
        elif data["kind"] == "table":
            columns = []
            for line in lines:
                parts = [part.strip() for part in line.split(":")]
                kind = parts[2].lower() if len(parts) > 2 else "number"
                columns.append(
                    {
                        "key": parts[0],
                        "label": parts[1] if len(parts) > 1 else parts[0],
                        "kind": "text" if kind.startswith("text") else "number",
                    }
                )
            field["columns"] = columns
            field["rows"] = [line.strip() for line in (data.get("rows") or "").splitlines() if line.strip()]
        return field


def _plain(value: Any) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


FieldFormSet = forms.formset_factory(FieldRow, extra=6, max_num=200)


def initial_rows(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A version's fields as the editor's rows."""
    rows = []
    for field in fields:
        options = ""
        if field["kind"] == "choice":
            options = "\n".join(field.get("choices", []))
        if field["kind"] == "table":
            options = "\n".join(f"{c['key']}: {c['label']}: {c['kind']}" for c in field.get("columns", []))
        rows.append(
            {
                "key": field["key"],
                "label": field.get("label", ""),
                "kind": field["kind"],
                "required": field.get("required", False),
                "minimum": field.get("min"),
                "maximum": field.get("max"),
                "decimals": not field.get("integer", True),
                "min_words": field.get("min_words") or None,
                "options": options,
                "rows": "\n".join(field.get("rows", [])),
            }
        )
    return rows


class ChecksForm(forms.Form):
    checks = forms.CharField(
        label=_("Sums that must match"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("One per line, e.g. members = men + women"),
    )

    def clean_checks(self) -> list[dict[str, Any]]:
        checks = []
        for line in (self.cleaned_data["checks"] or "").splitlines():
            if not line.strip():
                continue
            match = re.fullmatch(r"\s*([a-z][a-z0-9_]*)\s*=\s*([a-z0-9_+\s]+)", line)
            if not match:
                raise forms.ValidationError(_("Write a sum as: total = part + part"))
            parts = [part.strip() for part in match.group(2).split("+") if part.strip()]
            checks.append({"kind": "sum", "total": match.group(1), "parts": parts})
        return checks


def checks_text(checks: list[dict[str, Any]]) -> str:
    return "\n".join(f"{c['total']} = {' + '.join(c['parts'])}" for c in checks)


class PeriodOpenForm(forms.Form):
    """The period to open: the year and which month, quarter or half of it; a one-off
    form's first and last day instead."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    number = forms.IntegerField(
        label=_("Month, quarter or half"), min_value=1, max_value=12, initial=1, required=False
    )
    starts_on = DateField(label=_("From"), required=False)
    ends_on = DateField(label=_("Until"), required=False)

    def __init__(self, *args: Any, once: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("starts_on", "ends_on") if not once else ("year", "number"):
            del self.fields[name]


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("What must be corrected"), widget=forms.Textarea(attrs={"rows": 2}))


class BoardFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    thin = forms.BooleanField(label=_("Thin only"), required=False)
    q = forms.CharField(label=_("Organization"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from vanphong.reports.selectors import STATUS_LABELS

        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("", _("All")), *[(str(s), label) for s, label in STATUS_LABELS.items()]]
