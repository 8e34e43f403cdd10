"""The letters' pages: the register (list, search, overdue, statistics, export), a
letter's page with the office's actions, the time limits and rules, and the reception
sessions.

A denouncer's identity appears on one page only, the letter's, and only after the
person allowed to see it asks (a POST, audited each time); lists, searches and
exports show "(được giữ bí mật)" for everyone. Only those allowed may find a
denunciation by its denouncer's name, and each letter so found is audited as a view.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanphong.core import selectors as core_selectors
from vanphong.core.models import Organization, Person
from vanphong.core.web import attach_errors, is_htmx, person_of, submit
from vanphong.letters import exports, selectors, services
from vanphong.letters import forms as letter_forms
from vanphong.letters.models import (
    REGISTER_SYMBOL,
    Letter,
    LetterState,
    Register,
    TimeLimit,
    normalize_code,
)


def _committees(person: Person) -> QuerySet[Organization]:
    return selectors.managed_organizations(person).order_by("path")


def _managed_or_403(person: Person) -> QuerySet[Organization]:
    committees = _committees(person)
    if not committees.exists():
        raise PermissionDenied
    return committees


def _find_letter(organization: Organization, text: str) -> Letter | None:
    """A letter of `organization` by its register number (12/KNTC-2026) or tracking code."""
    text = text.strip()
    if "/" in text:
        number, _slash, rest = text.partition("/")
        symbol, _dash, year = rest.partition("-")
        register = {v: k for k, v in REGISTER_SYMBOL.items()}.get(symbol.strip().upper())
        if number.strip().isdigit() and year.strip().isdigit() and register:
            return Letter.objects.filter(
                organization=organization, register=register, number=int(number), year=int(year)
            ).first()
        return None
    return Letter.objects.filter(organization=organization, tracking_code=normalize_code(text)).first()


# --- The register --------------------------------------------------------------------------------


def _filtered(request: HttpRequest, person: Person) -> tuple[letter_forms.LetterFilter, QuerySet[Letter]]:
    form = letter_forms.LetterFilter(request.GET or None)
    letters = selectors.letters_visible_to(person)
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            letters = letters.filter(kind=data["kind"])
        if data["unclassified"]:
            letters = letters.filter(kind="")
        if data["state"]:
            letters = letters.filter(state=data["state"])
        if data["mine"]:
            letters = letters.filter(handler=person)
        letters = selectors.search(letters, data["q"], person=person)
    return form, letters


@login_required
def home(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    form, letters = _filtered(request, person)
    page = Paginator(letters, 50).get_page(request.GET.get("page"))
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if query:
        # Finding a denunciation by its denouncer's name is a view of who denounced.
        for letter in page.object_list:
            if letter.identity_protected and query.casefold() in letter.sender_name.casefold():
                services.identity_viewed(actor=person, letter=letter, where="search")
    today = timezone.localdate()
    context = {
        "form": form,
        "page": page,
        "letters": page.object_list,
        "today": today,
        "may_manage": _committees(person).exists(),
        "overdue_count": selectors.overdue(selectors.letters_visible_to(person), today).count(),
        "assigned_count": Letter.objects.filter(handler=person, state=LetterState.FORWARDED).count(),
        "query": request.GET.get("q", ""),
    }
    if is_htmx(request):
        return render(request, "letters/_letters.html", context)
    return render(request, "letters/home.html", context)


@login_required
def register_export(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    committees = _managed_or_403(person)
    committee = committees.filter(pk=request.GET.get("committee") or 0).first() or committees.first()
    assert committee is not None
    register = request.GET.get("register") or Register.COMPLAINTS
    if register not in Register.values:
        register = Register.COMPLAINTS
    year = int(request.GET.get("year") or 0) or timezone.localdate().year
    letters = Letter.objects.filter(organization=committee, register=register, year=year).order_by("number")
    title = f"{Register(register).label} — {year}"
    body = exports.register_xlsx(exports.register_table(letters, title), committee=committee.name)
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="so-don-{REGISTER_SYMBOL[Register(register)]}-{year}.xlsx"'
    )
    return response


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    today = timezone.localdate()
    letters = selectors.overdue(selectors.letters_visible_to(person), today)
    return render(request, "letters/overdue.html", {"letters": letters, "today": today})


@login_required
def letter_create(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    committees = _managed_or_403(person)
    form = letter_forms.LetterRegisterForm(request.POST or None, committees=committees)
    done = submit(
        request,
        form,
        lambda data: services.letter_register(actor=person, **data),
        success=_("Letter registered."),
        then=lambda letter: redirect("letter_detail", letter.pk),
    )
    return done or render(request, "letters/letter_form.html", {"form": form})


# --- One letter ----------------------------------------------------------------------------------


def _letter(request: HttpRequest, pk: int) -> Letter:
    return get_object_or_404(selectors.letters_visible_to(person_of(request)), pk=pk)


def _forward_form(letter: Letter, data: Any = None, *, unit_pk: Any = None) -> letter_forms.ForwardForm:
    """The forward form, its handlers those of the unit chosen (posted, asked for by
    htmx when the unit changes, or the one the letter went to) and of the office."""
    units = selectors.units_for_forwarding(letter.organization).select_related("kind")
    if data is not None:
        unit_pk = data.get("unit")
    unit = letter.forwarded_to
    if unit_pk is not None:
        unit = units.filter(pk=unit_pk).first() if str(unit_pk).isdigit() else None
    people = selectors.handlers_for(letter.organization, unit)
    initial = {"unit": letter.forwarded_to, "handler": letter.handler, "instruction": letter.instruction}
    form = letter_forms.ForwardForm(data, units=units, people=people, initial=initial)
    form.fields["unit"].widget.attrs.update(
        {
            "hx-get": reverse("letter_forward_handlers", args=[letter.pk]),
            "hx-trigger": "change",
            "hx-target": "#id_handler",
            "hx-swap": "outerHTML",
            "hx-include": "this",
        }
    )
    return form


def _detail(
    request: HttpRequest, letter: Letter, *, reveal: bool = False, **bound: forms.Form
) -> HttpResponse:
    person = person_of(request)
    manage = selectors.may_manage(person, letter.organization)
    hidden = selectors.identity_hidden(letter)
    context: dict[str, Any] = {
        "letter": letter,
        "today": timezone.localdate(),
        "identity_hidden": hidden,
        "may_see_identity": selectors.may_see_identity(person, letter),
        "revealed": reveal or not hidden,
        "may_manage": manage,
        "may_reply": selectors.may_reply(person, letter) and letter.state == LetterState.FORWARDED,
        "duplicates": letter.duplicates.all(),
        "visits": letter.visits.select_related("session__leader"),
        "events": core_selectors.record_history(letter, person),
    }
    if manage:
        context["suggestions"] = (
            selectors.likely_duplicates(letter)
            if letter.state in (LetterState.RECEIVED, LetterState.FILED)
            else []
        )
        context["classify_form"] = bound.get("classify_form") or letter_forms.ClassifyForm(
            initial={"kind": letter.kind, "anonymous": letter.anonymous, "has_evidence": letter.has_evidence}
        )
        context["duplicate_form"] = bound.get("duplicate_form") or letter_forms.DuplicateForm(
            initial={"original": letter.duplicate_of.register_number if letter.duplicate_of else ""}
        )
        context["file_form"] = bound.get("file_form") or letter_forms.FileForm()
        context["forward_form"] = bound.get("forward_form") or _forward_form(letter)
    context["reply_form"] = bound.get("reply_form") or letter_forms.ReplyForm()
    status = 400 if bound else 200
    return render(request, "letters/letter_detail.html", context, status=status)


@login_required
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _letter(request, pk))


@login_required
@require_POST
def letter_identity(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a denouncer's identity to whom may see it, and audit that they did."""
    letter = _letter(request, pk)
    person = person_of(request)
    if not selectors.may_see_identity(person, letter):
        raise PermissionDenied
    if selectors.identity_hidden(letter):
        services.identity_viewed(actor=person, letter=letter, where="letter_detail")
    if is_htmx(request):
        return render(request, "letters/_identity.html", {"letter": letter, "revealed": True})
    return _detail(request, letter, reveal=True)


def _action(
    request: HttpRequest,
    pk: int,
    form_class: Any,
    key: str,
    run: Any,
    success: str,
    *,
    manage: bool = True,
) -> HttpResponse:
    letter = _letter(request, pk)
    person = person_of(request)
    if manage and not selectors.may_manage(person, letter.organization):
        raise PermissionDenied
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(person, letter, form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("letter_detail", letter.pk)
    return _detail(request, letter, **{key: form})


@login_required
@require_POST
def letter_classify(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        letter_forms.ClassifyForm,
        "classify_form",
        lambda person, letter, data: services.letter_classify(actor=person, letter=letter, **data),
        _("Letter classified."),
    )


@login_required
@require_POST
def letter_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    def run(person: Person, letter: Letter, data: dict[str, Any]) -> None:
        original = None
        if data["original"]:
            original = _find_letter(letter.organization, data["original"])
            if original is None:
                raise ValidationError({"original": _("No letter of this register has this number or code.")})
        services.letter_mark_duplicate(actor=person, letter=letter, original=original)

    return _action(request, pk, letter_forms.DuplicateForm, "duplicate_form", run, _("Grouping saved."))


@login_required
@require_POST
def letter_file(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        letter_forms.FileForm,
        "file_form",
        lambda person, letter, data: services.letter_file(actor=person, letter=letter, reason=data["reason"]),
        _("Letter filed."),
    )


@login_required
@require_POST
def letter_forward(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    person = person_of(request)
    if not selectors.may_manage(person, letter.organization):
        raise PermissionDenied
    form = _forward_form(letter, request.POST)
    if form.is_valid():
        try:
            letter = services.letter_forward(actor=person, letter=letter, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            assert letter.deadline is not None
            messages.success(
                request,
                _("Letter forwarded; deadline %(day)s.") % {"day": letter.deadline.strftime("%d/%m/%Y")},
            )
            return redirect("letter_detail", letter.pk)
    return _detail(request, letter, forward_form=form)


@login_required
def letter_forward_handlers(request: HttpRequest, pk: int) -> HttpResponse:
    """The handler's list for the unit chosen (htmx, when the unit changes)."""
    letter = _letter(request, pk)
    if not selectors.may_manage(person_of(request), letter.organization):
        raise PermissionDenied
    form = _forward_form(letter, unit_pk=request.GET.get("unit", ""))
    return render(request, "letters/_handler_select.html", {"field": form["handler"]})


@login_required
@require_POST
def letter_reply(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    if not selectors.may_reply(person_of(request), letter):
        raise PermissionDenied
    return _action(
        request,
        pk,
        letter_forms.ReplyForm,
        "reply_form",
        lambda person, letter, data: services.letter_reply(actor=person, letter=letter, **data),
        _("Reply recorded."),
        manage=False,
    )


# --- Statistics ----------------------------------------------------------------------------------


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    committees = _managed_or_403(person)
    committee = committees.filter(pk=request.GET.get("committee") or 0).first() or committees.first()
    assert committee is not None
    today = timezone.localdate()
    form = letter_forms.StatisticsForm(request.GET or None)
    start, end = dt.date(today.year, 1, 1), today
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    letters = Letter.objects.filter(organization=committee, received_on__gte=start, received_on__lte=end)
    tables = exports.statistics(letters, today=today)
    period = _("From %(start)s to %(end)s") % {
        "start": start.strftime("%d/%m/%Y"),
        "end": end.strftime("%d/%m/%Y"),
    }
    if request.GET.get("format") == "xlsx" and form.is_bound and not form.errors:
        body = exports.statistics_xlsx(tables, committee=committee.name, period=period)
        response = HttpResponse(
            body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="thong-ke-don-thu-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
        )
        return response
    return render(
        request,
        "letters/statistics.html",
        {
            "form": form,
            "tables": tables,
            "committee": committee,
            "committees": committees,
            "period": period,
            "start": start,
            "end": end,
        },
    )


# --- Time limits and rules -----------------------------------------------------------------------


@login_required
def time_limits(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    _managed_or_403(person)
    may_edit = selectors.may_edit_rules(person)
    limits = list(TimeLimit.objects.all())
    editing: dict[int, letter_forms.TimeLimitForm] = {}
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        limit = get_object_or_404(TimeLimit, pk=request.POST.get("limit") or 0)
        form = letter_forms.TimeLimitForm(request.POST)
        if form.is_valid():
            try:
                services.time_limit_update(actor=person, limit=limit, **form.cleaned_data)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("Time limit saved."))
                return redirect("letter_time_limits")
        editing[limit.pk] = form
    rows = [
        (
            limit,
            editing.get(limit.pk)
            or letter_forms.TimeLimitForm(
                initial={
                    "acceptance_days": limit.acceptance_days,
                    "acceptance_in_working_days": limit.acceptance_in_working_days,
                    "resolution_days": limit.resolution_days,
                    "complex_extra_days": limit.complex_extra_days,
                    "legal_basis": limit.legal_basis,
                },
                prefix=None,
            ),
        )
        for limit in limits
    ]
    return render(
        request,
        "letters/time_limits.html",
        {"rows": rows, "may_edit": may_edit},
        status=400 if editing else 200,
    )


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    committees = _managed_or_403(person)
    committee = committees.filter(pk=request.GET.get("committee") or 0).first() or committees.first()
    assert committee is not None
    current = services.rules_of(committee)
    fields = list(letter_forms.RulesForm.base_fields)
    form = letter_forms.RulesForm(request.POST or None, initial={f: getattr(current, f) for f in fields})
    done = submit(
        request,
        form,
        lambda data: services.rules_update(actor=person, organization=committee, **data),
        success=_("Rules saved."),
        then=lambda _rules: redirect(f"{request.path}?committee={committee.pk}"),
    )
    return done or render(
        request, "letters/rules.html", {"form": form, "committee": committee, "committees": committees}
    )


# --- Reception sessions --------------------------------------------------------------------------


@login_required
def sessions(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    today = timezone.localdate()
    visible = selectors.sessions_visible_to(person)
    return render(
        request,
        "letters/sessions.html",
        {
            "upcoming": visible.filter(day__gte=today).order_by("day", "starts_at"),
            "past": visible.filter(day__lt=today)[:50],
            "may_manage": _committees(person).exists(),
        },
    )


@login_required
def session_create(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    committees = _managed_or_403(person)
    leaders = Person.objects.none()
    for committee in committees:
        leaders = leaders | core_selectors.committee_leaders(committee)
    form = letter_forms.SessionForm(
        request.POST or None, committees=committees, leaders=leaders.distinct().order_by("sort_key", "pk")
    )
    done = submit(
        request,
        form,
        lambda data: services.session_schedule(actor=person, **data),
        success=_("Reception session scheduled."),
        then=lambda session: redirect("letter_session_detail", session.pk),
    )
    return done or render(request, "letters/session_form.html", {"form": form})


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    session = get_object_or_404(selectors.sessions_visible_to(person), pk=pk)
    manage = selectors.may_manage(person, session.organization)
    record_form = letter_forms.SessionRecordForm(
        request.POST if request.POST.get("form") == "record" else None,
        initial={"state": session.state, "summary": session.summary},
    )
    visit_form = letter_forms.VisitForm(request.POST if request.POST.get("form") == "visit" else None)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if request.POST.get("form") == "record" and record_form.is_valid():
            try:
                services.session_record(actor=person, session=session, **record_form.cleaned_data)
            except ValidationError as error:
                attach_errors(record_form, error)
            else:
                messages.success(request, _("Session record saved."))
                return redirect("letter_session_detail", session.pk)
        elif request.POST.get("form") == "visit" and visit_form.is_valid():
            data = visit_form.cleaned_data
            found: list[Letter] = []
            missing: list[str] = []
            for text in [t for t in data["letters"].split(",") if t.strip()]:
                letter = _find_letter(session.organization, text)
                (found.append(letter) if letter else missing.append(text.strip()))
            if missing:
                visit_form.add_error(
                    "letters",
                    _("No letter of this register has this number or code: %(list)s")
                    % {"list": ", ".join(missing)},
                )
            else:
                try:
                    services.visit_record(
                        actor=person,
                        session=session,
                        visitor=data["visitor"],
                        about=data["about"],
                        decision=data["decision"],
                        letters=found,
                    )
                except ValidationError as error:
                    attach_errors(visit_form, error)
                else:
                    messages.success(request, _("Visit recorded."))
                    return redirect("letter_session_detail", session.pk)
    visits = []
    for visit in session.visits.prefetch_related("letters"):
        letters = list(visit.letters.all())
        # A visitor who came about a denunciation is its denouncer: their name is
        # withheld here for everyone, and shown (audited) on the letter's page.
        masked = any(selectors.identity_hidden(letter) for letter in letters)
        visits.append((visit, masked, letters))
    return render(
        request,
        "letters/session_detail.html",
        {
            "session": session,
            "visits": visits,
            "may_manage": manage,
            "record_form": record_form,
            "visit_form": visit_form,
            "events": core_selectors.record_history(session, person),
        },
        status=400 if request.method == "POST" else 200,
    )
