"""Pages of attachments: attaching a file to an incoming document, and the file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from vanphong.attachments import services
from vanphong.attachments.forms import AttachmentForm
from vanphong.attachments.models import Attachment
from vanphong.core.permissions import Action
from vanphong.core.web import attach_errors, get_checked, person_of, stored_file
from vanphong.registry.models import IncomingDocument


def _document_url(document: IncomingDocument) -> str:
    return reverse("incoming_detail", args=[document.pk]) + "#attachments"


@login_required
def attachment_add(request: HttpRequest, document_pk: int) -> HttpResponse:
    """The upload form (also shown on the document's page); on refusal the form again
    with the reason on the field, and a link to the file already there if it is one."""
    document = get_checked(
        request,
        IncomingDocument.objects.select_related("document_type", "organization", "register"),
        document_pk,
        Action.REGISTER,
        secrecy_field="secrecy",
    )
    form = AttachmentForm(request.POST or None, request.FILES or None)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            services.attachment_add(
                actor=person_of(request), document=document, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            attach_errors(form, error)
            for problem in error.error_dict.get("file", []) if hasattr(error, "error_dict") else []:
                if problem.code == "duplicate" and problem.params:
                    duplicate = Attachment.objects.filter(pk=problem.params["pk"]).first()
        else:
            messages.success(request, _("The file is attached."))
            return redirect(_document_url(document))
    return render(
        request,
        "attachments/attachment_add.html",
        {
            "document": document,
            "form": form,
            "duplicate": duplicate,
            "max_upload": services.max_upload_bytes(),
            "accepted": services.accepted_names(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@xframe_options_sameorigin  # the document's page previews the PDF in a frame
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file as received, to those who may see its document (404 to others, so
    that its existence does not leak). PDFs and images open in the browser."""
    document_pk = Attachment.objects.filter(pk=pk).values_list("document_id", flat=True).first()
    if document_pk is None:
        raise Http404
    document = get_checked(
        request, IncomingDocument.objects.all(), document_pk, Action.VIEW, secrecy_field="secrecy"
    )
    attachment: Attachment = document.attachments.get(pk=pk)
    return stored_file(
        attachment.file,
        attachment.original_name,
        inline=attachment.previews_inline,
        content_type=attachment.content_type,
    )
