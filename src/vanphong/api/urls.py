from django.urls import path
from django.views.generic import RedirectView

from vanphong.api import views
from vanphong.api.endpoints import api

urlpatterns = [
    # The API's root is its documentation.
    path("v1/", RedirectView.as_view(pattern_name="api:openapi-view")),
    path("v1/", api.urls),
    path("tokens/", views.token_list, name="apitoken_list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="apitoken_revoke"),
]
