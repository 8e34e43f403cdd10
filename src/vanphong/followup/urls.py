from django.urls import path

from vanphong.followup import views

urlpatterns = [
    path("", views.home, name="followup_home"),
    path("conclusions/new/", views.conclusion_create, name="conclusion_create"),
    path("conclusions/<int:pk>/", views.conclusion_detail, name="conclusion_detail"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("board/", views.board, name="followup_board"),
]
