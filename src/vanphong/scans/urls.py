from django.urls import path

from vanphong.scans import views

urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("resume/", views.resume, name="scans_resume"),
    path("review/", views.review, name="scans_review"),
    path("pages/<int:pk>/review/", views.page_review, name="scan_page_review"),
    path("pages/<int:pk>/image.jpg", views.page_image, name="scan_page_image"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("files/<int:pk>/", views.file_detail, name="scan_file_detail"),
    path("files/<int:pk>/document.pdf", views.file_pdf, name="scan_file_pdf"),
    path("files/<int:pk>/file/", views.file_to_dossier, name="scan_file_to_dossier"),
]
