"""System administration: kinds of organization and accounts. Office records are
changed through the app's own pages, which audit every change."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from vanphong.core.models import AuditEvent, OrganizationKind, Person


@admin.register(OrganizationKind)
class OrganizationKindAdmin(admin.ModelAdmin[OrganizationKind]):
    list_display = ["name", "code", "is_committee", "is_office", "is_grassroots", "order"]
    list_editable = ["order"]


@admin.register(Person)
class PersonAdmin(UserAdmin):
    list_display = ["username", "full_name", "email", "clearance", "is_active", "is_superuser"]
    search_fields = ["username", "search_name", "email"]
    ordering = ["sort_key"]
    readonly_fields = ["full_name", "clearance", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("username", "password", "full_name", "clearance")}),
        ("", {"fields": ("is_active", "is_staff", "is_superuser", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ["at", "actor_name", "action", "target_repr", "client_address"]
    list_filter = ["action"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
