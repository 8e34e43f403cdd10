from django.urls import path

from vanphong.registry import views

urlpatterns = [
    path("incoming/", views.incoming_list, name="incoming_list"),
    path("incoming/new/", views.incoming_create, name="incoming_create"),
    path("incoming/<int:pk>/", views.incoming_detail, name="incoming_detail"),
    path("incoming/export.xlsx", views.incoming_export_xlsx, name="incoming_export_xlsx"),
    path("incoming/export.pdf", views.incoming_export_pdf, name="incoming_export_pdf"),
]
