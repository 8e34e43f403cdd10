from django.urls import path

from vanphong.followup import views

urlpatterns = [
    path("", views.home, name="followup_home"),
    path("conclusions/new/", views.conclusion_create, name="conclusion_create"),
    path("conclusions/<int:pk>/", views.conclusion_detail, name="conclusion_detail"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task_delete"),
    path("files/<int:pk>/", views.task_file, name="task_file"),
    path("board/", views.board, name="followup_board"),
]
