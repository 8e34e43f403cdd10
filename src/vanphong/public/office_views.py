"""The office's page that writes the public site: announcements and news, their
images, publishing and withdrawing (Action.DRAFT on the site's committee)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanphong.core.models import Organization
from vanphong.core.web import person_of, submit
from vanphong.public import selectors, services
from vanphong.public.forms import AnnouncementForm, ImageForm
from vanphong.public.models import Announcement, AnnouncementImage


def _committee(request: HttpRequest) -> Organization:
    committee = selectors.office_may_publish(person_of(request))
    if committee is None:
        raise PermissionDenied
    return committee


def _announcement(request: HttpRequest, pk: int) -> Announcement:
    committee = _committee(request)
    return get_object_or_404(Announcement.objects.filter(organization=committee), pk=pk)


@login_required
def office(request: HttpRequest) -> HttpResponse:
    committee = _committee(request)
    items = Announcement.objects.filter(organization=committee).select_related("created_by")
    return render(request, "public/office.html", {"committee": committee, "items": items})


@login_required
def create(request: HttpRequest) -> HttpResponse:
    committee = _committee(request)
    person = person_of(request)
    form = AnnouncementForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.announcement_create(
            actor=person, organization=committee, kind=data["kind"], title=data["title"], body=data["body"]
        ),
        success=_("Saved. Publish it when it is ready."),
        then=lambda item: redirect("public_office_edit", item.pk),
    )
    return done or render(request, "public/office_form.html", {"form": form, "committee": committee})


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _announcement(request, pk)
    person = person_of(request)
    form = AnnouncementForm(
        request.POST or None, initial={"kind": item.kind, "title": item.title, "body": item.body}
    )
    done = submit(
        request,
        form,
        lambda data: services.announcement_update(
            actor=person, announcement=item, kind=data["kind"], title=data["title"], body=data["body"]
        ),
        success=_("Saved."),
        then=lambda _result: redirect("public_office_edit", item.pk),
    )
    return done or render(
        request,
        "public/office_form.html",
        {"form": form, "item": item, "image_form": ImageForm(), "committee": item.organization},
    )


def _state_change(
    request: HttpRequest, item: Announcement, change: Callable[[], None], success: str
) -> HttpResponse:
    try:
        change()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("public_office_edit", item.pk)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    item = _announcement(request, pk)
    return _state_change(
        request,
        item,
        lambda: services.announcement_publish(actor=person_of(request), announcement=item),
        _("Published on the public site."),
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = _announcement(request, pk)
    return _state_change(
        request,
        item,
        lambda: services.announcement_withdraw(actor=person_of(request), announcement=item),
        _("Withdrawn from the public site."),
    )


@login_required
@require_POST
def image_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = _announcement(request, pk)
    image_form = ImageForm(request.POST, request.FILES)
    done = submit(
        request,
        image_form,
        lambda data: services.image_add(
            actor=person_of(request), announcement=item, upload=data["image"], caption=data["caption"]
        ),
        success=_("Image added."),
        then=lambda _result: redirect("public_office_edit", item.pk),
    )
    if done:
        return done
    form = AnnouncementForm(initial={"kind": item.kind, "title": item.title, "body": item.body})
    return render(
        request,
        "public/office_form.html",
        {"form": form, "item": item, "image_form": image_form, "committee": item.organization},
        status=400,
    )


@login_required
@require_POST
def image_remove(request: HttpRequest, pk: int) -> HttpResponse:
    committee = _committee(request)
    picture = get_object_or_404(AnnouncementImage.objects.filter(announcement__organization=committee), pk=pk)
    services.image_remove(actor=person_of(request), image=picture)
    return redirect("public_office_edit", picture.announcement_id)


@login_required
def image_preview(request: HttpRequest, pk: int) -> FileResponse:
    committee = _committee(request)
    picture = get_object_or_404(AnnouncementImage.objects.filter(announcement__organization=committee), pk=pk)
    response = FileResponse(picture.file.open("rb"), content_type=picture.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
