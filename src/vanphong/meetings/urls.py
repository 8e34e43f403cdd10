from django.urls import path

from vanphong.meetings import minutes_views, views

urlpatterns = [
    path("", views.home, name="meetings_home"),
    path("new/", views.meeting_create, name="meetings_create"),
    path("<int:pk>/", views.meeting_page, name="meetings_meeting"),
    path("<int:pk>/edit/", views.meeting_edit, name="meetings_edit"),
    path("<int:pk>/agenda/", views.agenda, name="meetings_agenda"),
    path("<int:pk>/invitations/", views.invitations, name="meetings_invitations"),
    path("<int:pk>/invitations/send/", views.invitations_send, name="meetings_invitations_send"),
    path("<int:pk>/giay-moi.pdf", views.invitation_pdf, name="meetings_invitation_pdf"),
    path("<int:pk>/answer/", views.answer, name="meetings_answer"),
    path("<int:pk>/state/", views.meeting_state, name="meetings_state"),
    path("items/<int:pk>/edit/", views.item_edit, name="meetings_item_edit"),
    path("items/<int:pk>/move/", views.item_move, name="meetings_item_move"),
    path("items/<int:pk>/remove/", views.item_remove, name="meetings_item_remove"),
    path("items/<int:pk>/documents/", views.document_add, name="meetings_document_add"),
    path("documents/<int:pk>/", views.document, name="meetings_document"),
    path("documents/<int:pk>/remove/", views.document_remove, name="meetings_document_remove"),
    path("seats/<int:pk>/remove/", views.invitee_remove, name="meetings_invitee_remove"),
    path("seats/<int:pk>/check-in/", views.check_in, name="meetings_check_in"),
    path("<int:pk>/live/", views.live, name="meetings_live"),
    path("<int:pk>/live/follow/", views.live_follow, name="meetings_live_follow"),
    path("<int:pk>/live/move/", views.live_move, name="meetings_live_move"),
    path("<int:pk>/live/speak/", views.live_speak, name="meetings_live_speak"),
    path("speakers/<int:pk>/floor/", views.live_floor, name="meetings_live_floor"),
    path("items/<int:pk>/note/", views.live_note, name="meetings_live_note"),
]

# The minutes and the concluding notice (issue 9, item 7).
urlpatterns += [
    path("<int:pk>/minutes/", minutes_views.minutes_prepare, name="minutes_prepare"),
    path("<int:pk>/conclusions/", minutes_views.minutes_conclusions, name="minutes_conclusions"),
    path("<int:pk>/notice/", minutes_views.minutes_notice, name="minutes_notice"),
    path("<int:pk>/notice/hand-over/", minutes_views.minutes_hand_over, name="minutes_hand_over"),
    path("items/<int:pk>/conclusion/", minutes_views.minutes_conclusion_save, name="minutes_conclusion_save"),
    path("items/<int:pk>/conclusion-tasks/", minutes_views.minutes_task_add, name="minutes_task_add"),
    path("conclusion-tasks/<int:pk>/remove/", minutes_views.minutes_task_remove, name="minutes_task_remove"),
]
