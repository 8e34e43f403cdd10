"""Pages for organizations, people, memberships and the audit log.

Thin: a decorator, one permission-checked fetch, one service call, then render or
redirect. Service errors come back as field messages on the same form.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanphong.core import selectors, services
from vanphong.core.forms import (
    ClearanceForm,
    MembershipEndForm,
    MembershipForm,
    OrganizationCloseForm,
    OrganizationForm,
    OrganizationMoveForm,
    PersonCreateForm,
    PersonForm,
    SignInForm,
    TermForm,
)
from vanphong.core.models import AuditEvent, Membership, Organization, Person, Secrecy
from vanphong.core.permissions import Action, can, may_anywhere, visible_to
from vanphong.core.web import get_checked, is_htmx, person_of, submit

PAGE_SIZE = 50


def _administrable(person: Person) -> QuerySet[Organization]:
    return visible_to(
        person, Organization.objects.filter(closed_on__isnull=True), action=Action.ADMINISTER
    ).order_by("path")


# --- Home --------------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    board = selectors.dashboard_for(person_of(request))
    return render(request, "core/dashboard.html", {"board": board})


# --- Organizations -----------------------------------------------------------------------


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    query = request.GET.get("q", "").strip()
    context: dict[str, Any] = {"query": query}
    if query:
        context["page"] = Paginator(selectors.search_organizations(person, query), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    else:
        context["tops"] = selectors.top_organizations(person)
    template = "core/_organization_results.html" if is_htmx(request) else "core/organization_list.html"
    return render(request, template, context)


@login_required
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    organization = get_checked(request, Organization.objects.select_related("kind"), pk, Action.VIEW)
    ancestors = list(Organization.objects.get_ancestors(organization))
    # A member of a cell sees the way up the tree but may not open the units above.
    openable = set(
        visible_to(person, Organization.objects.filter(pk__in=[a.pk for a in ancestors])).values_list(
            "pk", flat=True
        )
    )
    context = {
        "organization": organization,
        "ancestors": [(unit, unit.pk in openable) for unit in ancestors],
        "children": Organization.objects.get_children(organization).select_related("kind"),
        "terms": organization.terms.all(),
        "leaders": selectors.leaders_of(organization),
        "members_page": Paginator(selectors.roll_of(organization), PAGE_SIZE).get_page(
            request.GET.get("page")
        ),
        "members_below": selectors.members_in(organization).count(),
        "may_administer": can(person, Action.ADMINISTER, organization),
        "events": selectors.organization_history(organization, person)[:50],
    }
    return render(request, "core/organization_detail.html", context)


@login_required
def organization_create(request: HttpRequest, parent_pk: int) -> HttpResponse:
    parent = get_checked(request, Organization.objects.all(), parent_pk, Action.ADMINISTER)
    form = OrganizationForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.organization_create(actor=person_of(request), parent=parent, **data),
        success=_("Organization created."),
        then=lambda unit: redirect("organization_detail", pk=unit.pk),
    )
    return done or render(request, "core/organization_form.html", {"form": form, "parent": parent})


@login_required
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_checked(request, Organization.objects.all(), pk, Action.ADMINISTER)
    initial = {f: getattr(organization, f) for f in ("name", "abbreviation", "kind", "opened_on")}
    form = OrganizationForm(request.POST or None, initial=initial)
    done = submit(
        request,
        form,
        lambda data: services.organization_update(
            actor=person_of(request), organization=organization, **data
        ),
        success=_("Changes saved."),
        then=lambda unit: redirect("organization_detail", pk=unit.pk),
    )
    return done or render(
        request, "core/organization_form.html", {"form": form, "organization": organization}
    )


@login_required
def organization_move(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    organization = get_checked(request, Organization.objects.all(), pk, Action.ADMINISTER)
    parents = _administrable(person).exclude(path__startswith=organization.path)
    form = OrganizationMoveForm(request.POST or None, parents=parents)
    done = submit(
        request,
        form,
        lambda data: services.organization_move(actor=person, organization=organization, **data),
        success=_("Organization moved."),
        then=lambda unit: redirect("organization_detail", pk=unit.pk),
    )
    return done or _organization_action(request, form, organization, _("Move organization"), _("Move"))


@login_required
def organization_close(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_checked(request, Organization.objects.all(), pk, Action.ADMINISTER)
    form = OrganizationCloseForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.organization_close(actor=person_of(request), organization=organization, **data),
        success=_("Organization closed. Its history is kept."),
        then=lambda unit: redirect("organization_detail", pk=unit.pk),
    )
    return done or _organization_action(
        request, form, organization, _("Close organization"), _("Close"), danger=True
    )


@login_required
def term_add(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_checked(request, Organization.objects.select_related("kind"), pk, Action.ADMINISTER)
    form = TermForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.term_add(actor=person_of(request), organization=organization, **data),
        success=_("Term added."),
        then=lambda term: redirect("organization_detail", pk=organization.pk),
    )
    return done or _organization_action(request, form, organization, _("Add a congress term"), _("Save"))


def _organization_action(
    request: HttpRequest,
    form: forms.Form,
    organization: Organization,
    title: str,
    submit: str,
    *,
    danger: bool = False,
) -> HttpResponse:
    context = {"form": form, "organization": organization, "title": title, "submit": submit, "danger": danger}
    return render(request, "core/organization_action.html", context)


# --- People -----------------------------------------------------------------------------


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    query = request.GET.get("q", "").strip()
    page = Paginator(selectors.search_people(person, query), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "may_create": _administrable(person).exists()}
    template = "core/_person_results.html" if is_htmx(request) else "core/person_list.html"
    return render(request, template, context)


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    organizations = _administrable(person)
    if not organizations.exists():
        raise PermissionDenied
    form = PersonCreateForm(request.POST or None, organizations=organizations)
    done = submit(
        request,
        form,
        lambda data: services.person_create(actor=person, **data),
        success=_("Person added."),
        then=lambda created: redirect("person_detail", pk=created.pk),
    )
    return done or render(request, "core/person_form.html", {"form": form})


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = person_of(request)
    subject = get_checked(request, Person.objects.all(), pk, Action.VIEW)
    memberships = subject.memberships.select_related("organization__kind").order_by("-started_on")
    may_administer = can(viewer, Action.ADMINISTER, subject)
    context = {
        "subject": subject,
        "memberships": memberships,
        "may_administer": may_administer,
        "is_self": subject.pk == viewer.pk,
        "events": selectors.person_history(subject)[:50] if may_administer or subject.pk == viewer.pk else [],
    }
    return render(request, "core/person_detail.html", context)


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_checked(request, Person.objects.all(), pk, Action.ADMINISTER)
    fields = ("full_name", "given_name", "gender", "birth_date", "joined_party_on", "email", "phone")
    form = PersonForm(request.POST or None, initial={f: getattr(subject, f) for f in fields})
    done = submit(
        request,
        form,
        lambda data: services.person_update(actor=person_of(request), person=subject, **data),
        success=_("Changes saved."),
        then=lambda person: redirect("person_detail", pk=person.pk),
    )
    return done or render(request, "core/person_form.html", {"form": form, "subject": subject})


@login_required
def person_clearance(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_checked(request, Person.objects.all(), pk, Action.ADMINISTER)
    form = ClearanceForm(request.POST or None, initial={"clearance": subject.clearance})
    done = submit(
        request,
        form,
        lambda data: services.person_set_clearance(
            actor=person_of(request), person=subject, clearance=Secrecy(data["clearance"])
        ),
        success=_("Clearance changed."),
        then=lambda person: redirect("person_detail", pk=person.pk),
    )
    return done or _person_action(request, form, subject, _("Change clearance"))


@login_required
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = person_of(request)
    subject = get_checked(request, Person.objects.all(), pk, Action.VIEW)
    organizations = _administrable(actor)
    if not organizations.exists():
        raise PermissionDenied
    form = MembershipForm(
        request.POST or None,
        organizations=organizations,
        initial={"organization": request.GET.get("organization")},
    )
    done = submit(
        request,
        form,
        lambda data: services.membership_add(actor=actor, person=subject, **data),
        success=_("Role added."),
        then=lambda membership: redirect("person_detail", pk=subject.pk),
    )
    return done or _person_action(request, form, subject, _("Add a role"))


@login_required
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_checked(
        request, Membership.objects.select_related("person", "organization__kind"), pk, Action.ADMINISTER
    )
    form = MembershipEndForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.membership_end(actor=person_of(request), membership=membership, **data),
        success=_("Role ended."),
        then=lambda ended: redirect("person_detail", pk=ended.person_id),
    )
    title = _("End role: %(role)s") % {"role": membership.get_role_display()}
    return done or _person_action(request, form, membership.person, title)


def _person_action(request: HttpRequest, form: forms.Form, subject: Person, title: str) -> HttpResponse:
    context = {"form": form, "subject": subject, "title": title, "submit": _("Save")}
    return render(request, "core/person_action.html", context)


# --- Audit --------------------------------------------------------------------------------


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    if not may_anywhere(person, Action.VIEW_AUDIT):
        raise PermissionDenied
    events = visible_to(
        person, AuditEvent.objects.all(), action=Action.VIEW_AUDIT, secrecy_field="secrecy"
    ).select_related("actor")
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action=action)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "action": action})


# --- Sign-in -------------------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    """Django's login, with the attempt audited and the failures left before lockout
    told to the person in their language."""

    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.sign_in_record(person=form.get_user())
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        username = form.data.get("username", "")
        services.sign_in_failure_record(
            username=username, person=Person.objects.filter(username=username).first()
        )
        left = _attempts_left(self.request, username)
        if left is not None and left > 0:
            form.add_error(
                None,
                _("%(n)s attempts left; after that the account is locked for %(minutes)s minutes.")
                % {"n": left, "minutes": settings.LOGIN_COOLOFF_MINUTES},
            )
        return super().form_invalid(form)


def _attempts_left(request: HttpRequest, username: str) -> int | None:
    """Failures left before django-axes locks this username from this address."""
    limit = settings.AXES_FAILURE_LIMIT
    failures = AxesProxyHandler.get_failures(request, {"username": username})
    return max(limit - failures, 0) if failures else None


@require_POST
def sign_out(request: HttpRequest) -> HttpResponseBase:
    if request.user.is_authenticated:
        services.sign_out_record(person=person_of(request))
    return auth_views.LogoutView.as_view()(request)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"

    def form_valid(self, form: Any) -> HttpResponse:
        person = person_of(self.request)
        services.password_change(actor=person, person=person, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, person)
        messages.success(self.request, _("Your password has been changed."))
        return HttpResponseRedirect(str(self.get_success_url()))


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form: Any) -> HttpResponse:
        person = form.user
        services.password_change(
            actor=person, person=person, new_password=form.cleaned_data["new_password1"], reset=True
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(str(self.get_success_url()))
