"""The membership statistics page and its workbook. Reading only: nothing here
writes, so nothing is audited."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from vanphong.core.models import Organization
from vanphong.core.permissions import Action
from vanphong.core.templatetags.charts import Bar
from vanphong.core.web import get_checked, is_htmx, person_of
from vanphong.statistics import exports, selectors
from vanphong.statistics.forms import PARTS, PeriodForm
from vanphong.statistics.selectors import MemberStatistics

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _node(request: HttpRequest) -> Organization:
    """The unit asked for (404 when the person may not see it, 403 when they see it
    but may not read its statistics), else the highest one they may read."""
    asked = request.GET.get("org")
    if asked:
        if not asked.isdigit():
            raise Http404
        units = Organization.objects.select_related("kind")
        node: Organization = get_checked(request, units, int(asked), Action.VIEW_STATISTICS)
        return node
    home = selectors.home_node(person_of(request))
    if home is None:
        raise PermissionDenied
    return home


def _statistics(request: HttpRequest) -> tuple[PeriodForm, MemberStatistics | None]:
    node = _node(request)
    form = PeriodForm(request.GET, org=node.pk, today=timezone.localdate())
    if not form.is_valid():
        return form, None
    return form, selectors.member_statistics(person_of(request), node, form.cleaned_data["statistics_period"])


def query_of(stats: MemberStatistics, org: Organization | None = None) -> str:
    """The query string asking for the same period (of `org`, by default the node)."""
    period = stats.period
    query = QueryDict(mutable=True)
    query["org"] = str((org or stats.node).pk)
    query["period"] = period.kind.value
    query["year"] = str(period.year)
    if period.kind in PARTS:
        query[PARTS[period.kind]] = str(period.part)
    return query.urlencode()


@login_required
def members_page(request: HttpRequest) -> HttpResponse:
    """The members of a unit's subtree and of each unit under it, by gender, age and
    admission, against the previous period; the picker asks again with htmx."""
    form, stats = _statistics(request)
    context: dict[str, object] = {"form": form, "stats": stats}
    if stats is not None:
        page = reverse("statistics_members")
        links = {
            line.key: f"{page}?{query_of(stats, line.organization)}"
            for line in stats.units
            if line.organization is not None
        }
        context |= {
            "query": query_of(stats),
            "rows": [(line, links.get(line.key, "")) for line in stats.units],
            "unit_bars": [
                Bar(line.label, line.value, line.previous, links.get(line.key, "")) for line in stats.units
            ],
            "trail": [(unit, f"{page}?{query_of(stats, unit)}") for unit in stats.trail],
        }
    template = "statistics/_members.html" if is_htmx(request) else "statistics/members.html"
    return render(request, template, context)


@login_required
def members_export(request: HttpRequest) -> HttpResponse:
    """The page's tables as an XLSX workbook."""
    _form, stats = _statistics(request)
    if stats is None:
        return redirect(f"{reverse('statistics_members')}?{request.GET.urlencode()}")
    response = HttpResponse(exports.members_xlsx(stats), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(stats)}"'
    return response
