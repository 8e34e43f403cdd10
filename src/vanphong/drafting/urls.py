from django.urls import path

from vanphong.drafting import views

urlpatterns = [
    path("", views.draft_list, name="draft_list"),
    path("new/", views.draft_create, name="draft_create"),
    path("<int:pk>/", views.draft_detail, name="draft_detail"),
    path("<int:pk>/edit/", views.draft_edit, name="draft_edit"),
    path("<int:pk>/submit/", views.draft_submit, name="draft_submit"),
    path("<int:pk>/decide/", views.draft_decide, name="draft_decide"),
    path("<int:pk>/comment/", views.draft_comment, name="draft_comment"),
    path("<int:pk>/sign/", views.draft_sign, name="draft_sign"),
    path("<int:pk>/preview.pdf", views.draft_preview, name="draft_preview"),
    path("<int:pk>/draft.docx", views.draft_docx, name="draft_docx"),
    path("<int:pk>/compare/", views.draft_compare, name="draft_compare"),
    path("<int:pk>/versions/<int:number>/", views.draft_version, name="draft_version"),
]
