from django.urls import path

from vanphong.api import views
from vanphong.api.endpoints import api

urlpatterns = [
    path("v1/", api.urls),
    path("tokens/", views.token_list, name="apitoken_list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="apitoken_revoke"),
]
