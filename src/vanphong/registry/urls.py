from django.urls import path

from vanphong.registry import views

urlpatterns = [
    path("incoming/", views.incoming_list, name="incoming_list"),
    path("incoming/new/", views.incoming_create, name="incoming_create"),
    path("incoming/<int:pk>/", views.incoming_detail, name="incoming_detail"),
    path("incoming/export.xlsx", views.incoming_export_xlsx, name="incoming_export_xlsx"),
    path("incoming/export.pdf", views.incoming_export_pdf, name="incoming_export_pdf"),
    path("outgoing/", views.outgoing_list, name="outgoing_list"),
    path("outgoing/new/", views.outgoing_create, name="outgoing_create"),
    path("outgoing/<int:pk>/", views.outgoing_detail, name="outgoing_detail"),
    path("outgoing/<int:pk>/cancel/", views.outgoing_cancel, name="outgoing_cancel"),
    path("outgoing/export.xlsx", views.outgoing_export_xlsx, name="outgoing_export_xlsx"),
    path("outgoing/export.pdf", views.outgoing_export_pdf, name="outgoing_export_pdf"),
    path("exports/<int:pk>/", views.register_export_detail, name="register_export_detail"),
    path("exports/<int:pk>/download/", views.register_export_download, name="register_export_download"),
]
