from django.urls import path

from vanphong.api.endpoints import api

urlpatterns = [path("v1/", api.urls)]
