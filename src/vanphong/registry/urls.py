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
]
