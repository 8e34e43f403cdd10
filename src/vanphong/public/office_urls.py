"""The office's pages that write the public site: internal, behind sign-in, mounted
in the root URL map only (never in the public one)."""

from django.urls import path

import vanphong.public.office_views as office_views

urlpatterns = [
    path("", office_views.office, name="public_office"),
    path("new/", office_views.create, name="public_office_create"),
    path("<int:pk>/", office_views.edit, name="public_office_edit"),
    path("<int:pk>/publish/", office_views.publish, name="public_office_publish"),
    path("<int:pk>/withdraw/", office_views.withdraw, name="public_office_withdraw"),
    path("<int:pk>/images/", office_views.image_add, name="public_office_image_add"),
    path("images/<int:pk>/remove/", office_views.image_remove, name="public_office_image_remove"),
    path("images/<int:pk>/", office_views.image_preview, name="public_office_image"),
]
