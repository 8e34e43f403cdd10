from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vanphong.archive.models import Box, DossierState, RetentionRule
from vanphong.archive.selectors import CatalogueFilters
from vanphong.archive.services import retention_label
from vanphong.core.forms import DateField, OrganizationChoiceField
from vanphong.core.models import Organization, Secrecy


class FondsForm(forms.Form):
    organization = OrganizationChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    number = forms.CharField(label=_("Fonds number"), max_length=20)
    name = forms.CharField(
        label=_("Fonds name"),
        max_length=200,
        required=False,
        help_text=_("Left blank: the organization's name."),
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organizations


class BoxForm(forms.Form):
    number = forms.CharField(label=_("Box number"), max_length=20)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)


class RetentionRuleChoiceField(forms.ModelChoiceField):
    """A line of the retention table with its term: “2. Hồ sơ hội nghị… — 20 năm”."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} — {retention_label(obj.years)}"


class RetentionRuleForm(forms.Form):
    code = forms.CharField(label=_("Code in the table"), max_length=20)
    name = forms.CharField(
        label=_("Kind of dossier"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    years = forms.IntegerField(
        label=_("Years kept"),
        min_value=1,
        max_value=200,
        required=False,
        help_text=_("Empty: kept permanently."),
    )


class DossierForm(forms.Form):
    """The columns of the catalogue, as the archivist fills them in."""

    catalogue = forms.IntegerField(label=_("Catalogue number"), min_value=1, initial=1)
    number = forms.IntegerField(
        label=_("Dossier number"), min_value=1, required=False, help_text=_("Left blank: the next number.")
    )
    symbol = forms.CharField(label=_("Number and symbol"), max_length=60, required=False)
    title = forms.CharField(label=pgettext_lazy("dossier", "Title"), widget=forms.Textarea(attrs={"rows": 2}))
    started_on = DateField(label=_("From"), required=False)
    ended_on = DateField(label=_("To"), required=False)
    sheets = forms.IntegerField(label=_("Sheets"), min_value=0, initial=0)
    retention_rule = RetentionRuleChoiceField(
        label=_("Retention (from the table)"), queryset=RetentionRule.objects.all(), required=False
    )
    retention_years = forms.IntegerField(
        label=_("Years kept"),
        min_value=1,
        max_value=200,
        required=False,
        help_text=_("Empty: the table's term, or with no line chosen kept permanently."),
    )
    box = forms.ModelChoiceField(label=_("Box"), queryset=Box.objects.none(), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    secrecy = forms.TypedChoiceField(label=_("Secrecy"), coerce=int, initial=Secrecy.NONE)

    def __init__(self, *args: Any, boxes: Any, clearance: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        box = self.fields["box"]
        assert isinstance(box, forms.ModelChoiceField)
        box.queryset = boxes
        secrecy = self.fields["secrecy"]
        assert isinstance(secrecy, forms.TypedChoiceField)
        secrecy.choices = [(value, label) for value, label in Secrecy.choices if value <= clearance]


STATE_CHOICES = [("", _("All states")), *DossierState.choices]
RETENTION_CHOICES = [("", _("Any retention")), ("permanent", _("Permanent")), ("term", _("With a term"))]


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200, required=False)
    state = forms.ChoiceField(label=_("State"), choices=STATE_CHOICES, required=False)
    retention = forms.ChoiceField(label=_("Retention"), choices=RETENTION_CHOICES, required=False)

    def filters(self) -> CatalogueFilters:
        if not self.is_valid():
            return CatalogueFilters()
        data = self.cleaned_data
        return CatalogueFilters(
            query=data["q"] or "",
            year=data["year"],
            state=data["state"] or "",
            retention=data["retention"] or "",
        )


class FileForm(forms.Form):
    q = forms.CharField(label=_("Find a document (number, symbol, words of the abstract)"), required=False)


class DestructionForm(forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    decided_on = DateField(label=_("Decided on"))
    decided_by = forms.CharField(label=_("Signed by"), max_length=200)
    council = forms.CharField(label=_("Review council"), widget=forms.Textarea(attrs={"rows": 3}))
    # "Reason", as the decision's page and its history say it.
    note = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
