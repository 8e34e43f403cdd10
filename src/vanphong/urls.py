from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from vanphong.core import views

auth_patterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("account/", include(auth_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("organizations/<int:parent_pk>/add/", views.organization_create, name="organization_create"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path("organizations/<int:pk>/move/", views.organization_move, name="organization_move"),
    path("organizations/<int:pk>/close/", views.organization_close, name="organization_close"),
    path("organizations/<int:pk>/terms/add/", views.term_add, name="term_add"),
    path("people/", views.person_list, name="person_list"),
    path("people/add/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/clearance/", views.person_clearance, name="person_clearance"),
    path("people/<int:pk>/roles/add/", views.membership_add, name="membership_add"),
    path("roles/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("audit/", views.audit_log, name="audit_log"),
    path("registry/", include("vanphong.registry.urls")),
    path("handling/", include("vanphong.handling.urls")),
    path("api/", include("vanphong.api.urls")),
    path("attachments/", include("vanphong.attachments.urls")),
    path("drafts/", include("vanphong.drafting.urls")),
    path("exchange/", include("vanphong.exchange.urls")),
    path("signatures/", include("vanphong.signatures.urls")),
    path("archive/", include("vanphong.archive.urls")),
    path("scans/", include("vanphong.scans.urls")),
    path("followup/", include("vanphong.followup.urls")),
    path("schedule/", include("vanphong.schedule.urls")),
    path("programs/", include("vanphong.programs.urls")),
    path("figures/", include("vanphong.figures.urls")),
    path("reports/", include("vanphong.reports.urls")),
    path("statistics/", include("vanphong.statistics.urls")),
    path("meetings/", include("vanphong.meetings.urls")),
    path("voting/", include("vanphong.voting.urls")),
    path("letters/", include("vanphong.letters.urls")),
    # The public site has its own URL map (nothing internal in it), mounted here and,
    # with VANPHONG_PUBLIC_HOSTS, served alone on its own host; the office's page that
    # writes it is internal.
    path("cong-khai/", include("vanphong.public.urls")),
    path("public/", include("vanphong.public.office_urls")),
    path("admin/", admin.site.urls),
]

# Under the public mount, a missing page is the public site's own.
handler404 = "vanphong.public.views.site_not_found"
