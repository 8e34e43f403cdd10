from django.urls import path

from vanphong.attachments import views

urlpatterns = [
    path("add/<int:document_pk>/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/", views.attachment_download, name="attachment_download"),
]
