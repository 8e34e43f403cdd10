from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig as BaseAdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class SystemAdminSite(AdminSite):
    site_header = _("vanphong system administration")
    site_title = _("vanphong administration")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)


class AdminConfig(BaseAdminConfig):
    """/admin is for system administrators only (superusers), not for office staff."""

    default_site = "vanphong.core.admin_site.SystemAdminSite"
