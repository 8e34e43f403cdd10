from django.contrib import admin

from vanphong.drafting.models import DraftTemplate


@admin.register(DraftTemplate)
class DraftTemplateAdmin(admin.ModelAdmin[DraftTemplate]):
    list_display = ["document_type", "signature_form", "on_behalf_of", "signer_title"]
