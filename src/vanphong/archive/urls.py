from django.urls import path, re_path

from vanphong.archive import views

urlpatterns = [
    path("", views.fonds_list, name="fonds_list"),
    path("retention/", views.retention_rules, name="retention_rules"),
    path("retention/<int:pk>/edit/", views.retention_rule_edit, name="retention_rule_edit"),
    path("fonds/<int:pk>/", views.fonds_detail, name="fonds_detail"),
    re_path(
        r"^fonds/(?P<pk>\d+)/catalogue\.(?P<extension>pdf|xlsx)$",
        views.catalogue_export,
        name="catalogue_export",
    ),
    path("fonds/<int:pk>/boxes/add/", views.box_add, name="box_add"),
    path("fonds/<int:pk>/dossiers/new/", views.dossier_create, name="dossier_create"),
    path("fonds/<int:pk>/review/", views.review, name="archive_review"),
    path("destructions/<int:pk>/", views.destruction_detail, name="destruction_detail"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("dossiers/<int:pk>/edit/", views.dossier_edit, name="dossier_edit"),
    path("dossiers/<int:pk>/file/", views.dossier_file, name="dossier_file"),
    path("dossiers/<int:pk>/items/<int:item>/remove/", views.dossier_remove, name="dossier_remove"),
    path("dossiers/<int:pk>/close/", views.dossier_close, name="dossier_close"),
    path("dossiers/<int:pk>/cover.pdf", views.dossier_cover, name="dossier_cover"),
]
