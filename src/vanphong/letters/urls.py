from django.urls import path

from vanphong.letters import views

urlpatterns = [
    path("", views.home, name="letters_home"),
    path("new/", views.letter_create, name="letter_create"),
    path("overdue/", views.overdue, name="letter_overdue"),
    path("statistics/", views.statistics, name="letter_statistics"),
    path("register.xlsx", views.register_export, name="letter_register_export"),
    path("time-limits/", views.time_limits, name="letter_time_limits"),
    path("rules/", views.rules, name="letter_rules"),
    path("sessions/", views.sessions, name="letter_sessions"),
    path("sessions/new/", views.session_create, name="letter_session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="letter_session_detail"),
    path("<int:pk>/", views.letter_detail, name="letter_detail"),
    path("<int:pk>/identity/", views.letter_identity, name="letter_identity"),
    path("<int:pk>/classify/", views.letter_classify, name="letter_classify"),
    path("<int:pk>/duplicate/", views.letter_duplicate, name="letter_duplicate"),
    path("<int:pk>/file/", views.letter_file, name="letter_file"),
    path("<int:pk>/forward/", views.letter_forward, name="letter_forward"),
    path("<int:pk>/forward/handlers/", views.letter_forward_handlers, name="letter_forward_handlers"),
    path("<int:pk>/reply/", views.letter_reply, name="letter_reply"),
]
