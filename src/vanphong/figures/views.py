"""The page of the office's figures and its two exports. Reading only: nothing here
writes, so nothing is audited (an export is a read of the same figures)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from vanphong.core.models import Organization
from vanphong.core.permissions import Action
from vanphong.core.web import get_checked, is_htmx, person_of
from vanphong.figures import exports, selectors
from vanphong.figures.forms import PeriodForm
from vanphong.figures.selectors import Figures, Period

# The name of the Show button: the person asks for the figures.
SHOW = "show"

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _committee(request: HttpRequest) -> Organization:
    """The committee asked for (404 when the person may not see it, 403 when they see
    it but may not read its figures), else the one they open first."""
    asked = request.GET.get("committee")
    if asked:
        if not asked.isdigit():
            raise Http404
        committees = Organization.objects.filter(kind__is_committee=True).select_related("kind")
        committee: Organization = get_checked(request, committees, int(asked), Action.VIEW_FIGURES)
        return committee
    home = selectors.home_committee(person_of(request))
    if home is None:
        raise PermissionDenied
    return home


def _figures(request: HttpRequest) -> tuple[PeriodForm, Figures | None]:
    person = person_of(request)
    committee = _committee(request)
    form = PeriodForm(
        request.GET,
        committees=selectors.committees_for(person),
        committee=committee,
        today=timezone.localdate(),
        # Choosing the period with htmx asks the page again on each change: only the
        # Show button (or a page opened whole with its days) asks for the figures.
        asked=SHOW in request.GET
        or (not is_htmx(request) and any(request.GET.get(name) for name in ("start", "end"))),
    )
    period = form.cleaned_data.get("figures_period") if form.is_valid() else None
    if period is None:
        return form, None
    return form, selectors.figures(person, committee, period)


def query_of(committee: Organization, period: Period) -> str:
    """The query string that asks for these figures again (the export links)."""
    query = QueryDict(mutable=True)
    query["committee"] = str(committee.pk)
    query["period"] = period.kind.value
    if period.year is not None:
        query["year"] = str(period.year)
        if period.part:
            query[period.kind.value] = str(period.part)
    else:
        query["start"] = period.start.strftime("%d/%m/%Y")
        query["end"] = period.end.strftime("%d/%m/%Y")
    return query.urlencode()


@login_required
def figures_page(request: HttpRequest) -> HttpResponse:
    """The figures of a committee over a period, as tables; the period picker asks
    again with htmx on every change (the page works without it)."""
    form, figures = _figures(request)
    context = {
        "form": form,
        "figures": figures,
        "query": query_of(figures.committee, figures.period) if figures else "",
    }
    template = "figures/_figures.html" if is_htmx(request) else "figures/figures.html"
    return render(request, template, context)


@login_required
def figures_export(request: HttpRequest, extension: str) -> HttpResponse:
    """The same figures as an XLSX workbook or as the review report's skeleton (DOCX)."""
    _form, figures = _figures(request)
    if figures is None:
        return redirect(f"{reverse('figures_home')}?{request.GET.urlencode()}&{SHOW}=1")
    data = exports.figures_xlsx(figures) if extension == "xlsx" else exports.figures_docx(figures)
    response = HttpResponse(data, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(figures, extension)}"'
    return response
