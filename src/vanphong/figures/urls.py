from django.urls import path, re_path

from vanphong.figures import views

urlpatterns = [
    path("", views.figures_page, name="figures_home"),
    re_path(r"^export\.(?P<extension>xlsx|docx)$", views.figures_export, name="figures_export"),
]
