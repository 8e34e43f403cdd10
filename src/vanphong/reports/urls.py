from django.urls import path

from vanphong.reports import views

urlpatterns = [
    path("", views.home, name="reports_home"),
    path("due/", views.due, name="reports_due"),
    path("forms/new/", views.form_create, name="report_form_create"),
    path("forms/<int:pk>/", views.form_detail, name="report_form_detail"),
    path("forms/<int:pk>/fields/", views.version_edit, name="report_version_edit"),
    path("versions/<int:pk>/publish/", views.version_publish, name="report_version_publish"),
    path("periods/<int:pk>/", views.board, name="report_board"),
    path("periods/<int:pk>/statistics/", views.period_statistics, name="report_period_statistics"),
    path(
        "periods/<int:pk>/statistics/xlsx/",
        views.period_statistics_export,
        name="report_period_statistics_export",
    ),
    path("periods/<int:pk>/remind/", views.remind, name="report_remind"),
    path("periods/<int:pk>/close/", views.period_close, name="report_period_close"),
    path("periods/<int:pk>/organizations/<int:organization_pk>/", views.fill, name="report_fill"),
    path(
        "periods/<int:pk>/organizations/<int:organization_pk>/draft/", views.autosave, name="report_autosave"
    ),
    path("received/<int:pk>/", views.report_detail, name="report_detail"),
    path("files/<int:pk>/", views.file_download, name="report_file"),
    path("rating/", views.rating_page, name="report_rating"),
    path("rating/xlsx/", views.rating_export, name="report_rating_export"),
    path("rating/organizations/<int:pk>/", views.rating_organization, name="report_rating_organization"),
]
