from django.urls import path

from vanphong.handling import views

urlpatterns = [
    path("send/<int:document_pk>/", views.slip_send, name="slip_send"),
    path("slips/<int:pk>/", views.slip_detail, name="slip_detail"),
    path("slips/<int:pk>/direct/", views.slip_direct, name="slip_direct"),
    path("slips/<int:pk>/progress/", views.slip_progress, name="slip_progress"),
    path("slips/<int:pk>/complete/", views.slip_complete, name="slip_complete"),
    path("mine/", views.my_work, name="handling_mine"),
    path("board/", views.board, name="slip_board"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
]
