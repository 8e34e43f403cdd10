from django.urls import path

from vanphong.voting import views

urlpatterns = [
    path("", views.home, name="voting_home"),
    path("meetings/<int:pk>/", views.meeting_votes, name="voting_meeting"),
    path("meetings/<int:pk>/panel/", views.meeting_panel, name="voting_meeting_panel"),
    path("meetings/<int:pk>/open/", views.vote_open, name="voting_open"),
    path("votes/<int:pk>/", views.vote_page, name="voting_vote"),
    path("votes/<int:pk>/ballot/", views.ballot, name="voting_ballot"),
    path("votes/<int:pk>/hands/", views.hands, name="voting_hands"),
    path("votes/<int:pk>/paper/", views.paper, name="voting_paper"),
    path("votes/<int:pk>/close/", views.vote_close, name="voting_close"),
    path("consultations/", views.consultations, name="voting_consultations"),
    path("consultations/new/", views.consultation_create, name="voting_consultation_create"),
    path("consultations/<int:pk>/", views.consultation_page, name="voting_consultation"),
    path("consultations/<int:pk>/remind/", views.consultation_remind, name="voting_consultation_remind"),
    path("consultations/<int:pk>/close/", views.consultation_close, name="voting_consultation_close"),
    path("documents/<int:pk>/", views.consultation_document, name="voting_document"),
]
