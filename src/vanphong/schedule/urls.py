from django.urls import path, re_path

from vanphong.schedule import views

DAY = r"(?P<day>\d{4}-\d{2}-\d{2})"

urlpatterns = [
    path("", views.home, name="schedule_home"),
    path("<int:organization>/", views.week, name="schedule_current_week"),
    re_path(rf"^(?P<organization>\d+)/{DAY}/$", views.week, name="schedule_week"),
    re_path(rf"^(?P<organization>\d+)/{DAY}/print\.pdf$", views.week_pdf, name="schedule_week_pdf"),
    re_path(rf"^(?P<organization>\d+)/{DAY}/publish/$", views.week_publish, name="schedule_publish"),
    path("<int:organization>/calendar.ics", views.calendar_feed, name="schedule_calendar"),
    path("<int:organization>/calendar-link/", views.calendar_link, name="schedule_calendar_link"),
    re_path(
        r"^(?P<organization>\d+)/calendar/(?P<token>[A-Za-z0-9_-]{16,100})\.ics$",
        views.calendar_feed_by_link,
        name="schedule_calendar_link_feed",
    ),
    path("<int:organization>/events/new/", views.event_create, name="schedule_event_create"),
    path("weeks/<int:pk>/", views.week_by_id, name="schedule_week_by_id"),
    path("events/<int:pk>/", views.event_detail, name="schedule_event"),
    path("events/<int:pk>/edit/", views.event_edit, name="schedule_event_edit"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="schedule_event_cancel"),
]
