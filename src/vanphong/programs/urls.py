from django.urls import path, re_path

from vanphong.programs import views

urlpatterns = [
    path("", views.program_list, name="program_list"),
    path("<int:pk>/", views.program_detail, name="program_detail"),
    path("<int:pk>/edit/", views.program_edit, name="program_edit"),
    path("<int:pk>/issue/", views.program_issue, name="program_issue"),
    path("<int:pk>/close/", views.program_close, name="program_close"),
    path("<int:pk>/items/add/", views.item_add, name="program_item_add"),
    re_path(r"^(?P<pk>\d+)/print\.(?P<extension>pdf|docx)$", views.program_export, name="program_export"),
    path("items/<int:pk>/", views.program_item_detail, name="program_item_detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="program_item_edit"),
    path("items/<int:pk>/state/", views.item_state, name="program_item_state"),
    path("items/<int:pk>/move/", views.item_move, name="program_item_move"),
]
