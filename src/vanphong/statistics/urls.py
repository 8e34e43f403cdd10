from django.urls import path

from vanphong.statistics import views

urlpatterns = [
    path("members/", views.members_page, name="statistics_members"),
    path("members/export.xlsx", views.members_export, name="statistics_members_export"),
]
