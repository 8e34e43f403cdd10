from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, TooManyFilesSent, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from vanphong.archive import selectors as archive_selectors
from vanphong.archive import services as archive_services
from vanphong.archive.models import DossierItem, DossierState
from vanphong.core import selectors as core_selectors
from vanphong.core.web import attach_errors, is_htmx, person_of, submit
from vanphong.scans import pipeline, selectors, services
from vanphong.scans.forms import BatchForm, FilingForm, ScanSearchForm, max_upload_files
from vanphong.scans.models import ScanBatch

# The review queue's first pages shown beside the batches; the queue has its own page.
REVIEW_SHOWN = 5
REVIEW_PAGE_SIZE = 10
THUMBNAIL_PIXELS = 700
HITS_PAGE_SIZE = 20


@csrf_exempt  # checked below, once the body is known to be readable
@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    """The batches, the upload form, the search inside scans and the review queue.

    An upload of more files than DATA_UPLOAD_MAX_NUMBER_FILES makes Django refuse the
    body as it is read (TooManyFilesSent), which the CSRF check does first and answers
    with a bare 400: the body is read here, and the form comes back with a message
    (nothing is saved, so the check is not needed for that answer); any other POST
    goes through the CSRF check as usual."""
    too_many = False
    if request.method == "POST":
        try:
            request.FILES  # noqa: B018 (reads and parses the body)
        except TooManyFilesSent:
            too_many = True
    if too_many:
        return _batch_list(request, too_many=True)
    return csrf_protect(_batch_list)(request)


def _batch_list(request: HttpRequest, *, too_many: bool = False) -> HttpResponse:
    person = person_of(request)
    organizations = selectors.scanning_organizations(person)
    if not organizations.exists():
        raise PermissionDenied
    form = BatchForm(
        None if too_many else request.POST or None,
        None if too_many else request.FILES or None,
        organizations=organizations,
        initial={"organization": organizations.first()},
    )
    if too_many:
        form.cleaned_data = {}
        form.add_error(
            "scans",
            _(
                "Too many files at once: at most %(limit)s files can be uploaded together. "
                "Upload them in several batches, or put them in a ZIP."
            )
            % {"limit": max_upload_files()},
        )

    def upload(data: dict[str, Any]) -> ScanBatch:
        return services.batch_create(
            actor=person,
            organization=data["organization"],
            title=data["title"],
            uploads=[(upload.name, upload) for upload in data["scans"]],
        )

    done = submit(
        request,
        form,
        upload,
        success=_("Received: the files are being read."),
        then=lambda batch: redirect("batch_detail", batch.pk),
    )
    search = ScanSearchForm(request.GET or None)
    query = search.data.get("q", "") if search.is_bound else ""
    return done or render(
        request,
        "scans/batch_list.html",
        {
            "form": form,
            "batches": [
                (batch, selectors.progress(batch)) for batch in selectors.batches_visible_to(person)[:30]
            ],
            "search": search,
            "query": query,
            "hits": _hits_page(request, selectors.search_pages(person, query)),
            "review": selectors.review_queue(person)[:REVIEW_SHOWN],
        },
    )


def _hits_page(request: HttpRequest, hits: selectors.ScanHits | None) -> Any:
    if hits is None:
        return None
    return Paginator(hits, HITS_PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A batch and its files; while pages are being read the progress part asks for
    itself again every two seconds (htmx), and stops once all is done."""
    person = person_of(request)
    batch = get_object_or_404(selectors.batches_visible_to(person), pk=pk)
    context = {
        "batch": batch,
        "progress": selectors.progress(batch),
        "files": batch.files.select_related("duplicate_of").order_by("pk"),
        "events": core_selectors.record_history(batch, person),
    }
    if is_htmx(request):
        return render(request, "scans/_progress.html", context)
    return render(request, "scans/batch_detail.html", context)


@login_required
def file_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The searchable PDF (or, before it is made, the original as received)."""
    record = get_object_or_404(selectors.files_visible_to(person_of(request)), pk=pk)
    stored = record.searchable or record.original
    if not stored:
        raise Http404
    response = FileResponse(stored.open("rb"), content_type="application/pdf" if record.searchable else None)
    response["Content-Disposition"] = f'inline; filename="scan-{record.pk}.pdf"'
    return response


def _open_dossiers(person: Any, record: Any) -> Any:
    return (
        archive_selectors.dossiers_visible_to(person)
        .filter(state=DossierState.OPEN, organization=record.organization)
        .order_by("catalogue", "number")
    )


def _file_page(request: HttpRequest, record: Any, form: FilingForm | None = None) -> HttpResponse:
    person = person_of(request)
    dossiers = _open_dossiers(person, record)
    filed = DossierItem.objects.filter(scan_id=record.pk).select_related("dossier").first()
    form = form or FilingForm(
        dossiers=dossiers,
        initial={
            "dossier": dossiers.first(),
            "title": services.title_guess(str(record)),
            "sheets": record.page_count,
        },
    )
    return render(
        request,
        "scans/file_detail.html",
        {
            "file": record,
            "pages": record.pages.order_by("number"),
            "dossiers": dossiers,
            "filed": filed,
            "form": form,
        },
    )


@login_required
def file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(selectors.files_visible_to(person_of(request)), pk=pk)
    return _file_page(request, record)


@login_required
def resume(request: HttpRequest) -> HttpResponse:
    """Re-queue what a stopped worker left (the archivist's button, beside `vanphong worker`)."""
    if request.method != "POST" or not selectors.scanning_organizations(person_of(request)).exists():
        raise PermissionDenied
    resumed = services.resume(waiting_too=True)
    pages, files = resumed["pages"] + resumed["held"], resumed["files"] + resumed["assemble"]
    if pages:
        messages.success(
            request,
            ngettext("Resumed %(n)s unfinished page.", "Resumed %(n)s unfinished pages.", pages)
            % {"n": pages},
        )
    if files:
        messages.success(
            request,
            ngettext("Resumed %(n)s unfinished file.", "Resumed %(n)s unfinished files.", files)
            % {"n": files},
        )
    if not pages and not files:
        messages.info(request, _("No unfinished page: nothing to resume."))
    return redirect("batch_list")


@login_required
def file_to_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    """File a read scan into an open dossier of its organization's fonds, under the
    title and the sheets the archivist checked on the form."""
    person = person_of(request)
    record = get_object_or_404(selectors.files_visible_to(person), pk=pk)
    if request.method != "POST":
        raise PermissionDenied
    form = FilingForm(request.POST, dossiers=_open_dossiers(person, record))

    if form.is_valid():
        data = form.cleaned_data
        try:
            item = archive_services.dossier_file(
                actor=person,
                dossier=data["dossier"],
                scan_id=record.pk,
                title=data["title"],
                sheets=data["sheets"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Filed in dossier %(number)s.") % {"number": item.dossier.number})
            return redirect("dossier_detail", item.dossier_id)
    return _file_page(request, record, form)


@login_required
def review(request: HttpRequest) -> HttpResponse:
    """The pages to check by eye, those without text first: each page's image beside
    its text, and the action that marks it checked (with the text corrected)."""
    person = person_of(request)
    if not selectors.scanning_organizations(person).exists():
        raise PermissionDenied
    page = Paginator(selectors.review_queue(person), REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "scans/review.html", {"page": page})


@login_required
def page_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a page checked, with its text as corrected in the form."""
    person = person_of(request)
    if request.method != "POST":
        raise PermissionDenied
    record = get_object_or_404(selectors.pages_visible_to(person), pk=pk)
    text = request.POST.get("text")
    try:
        services.page_review(actor=person, page=record, text=text)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Page %(number)s of “%(file)s” checked.") % {"number": record.number, "file": record.file},
        )
    following = request.POST.get("next", "")
    if following.startswith("/") and not following.startswith("//"):
        return redirect(following)
    return redirect("scans_review")


@login_required
def page_image(request: HttpRequest, pk: int) -> HttpResponse:
    """A small image of a page (its scan, as read), for the review queue."""
    record = get_object_or_404(selectors.pages_visible_to(person_of(request)), pk=pk)
    stored = record.result or record.source
    if not stored:
        raise Http404
    with stored.open("rb") as handle:
        image = pipeline.thumbnail(handle.read(), THUMBNAIL_PIXELS)
    if image is None:
        raise Http404
    response = HttpResponse(image, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
