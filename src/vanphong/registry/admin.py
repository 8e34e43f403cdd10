from django.contrib import admin

from vanphong.registry.models import DocumentType


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin[DocumentType]):
    list_display = ["name", "abbreviation", "code", "numbering_scope", "series_group", "order"]
    list_editable = ["abbreviation", "numbering_scope", "series_group", "order"]
