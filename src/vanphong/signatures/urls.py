from django.urls import path

from vanphong.signatures import views

urlpatterns = [
    path("", views.signature_home, name="signature_home"),
    path("certificates/add/", views.credential_add, name="credential_add"),
    path("certificates/add-token/", views.credential_add_token, name="credential_add_token"),
    path("verify/", views.verify, name="signature_verify"),
    path("trust/add/", views.trust_add, name="trust_add"),
    path("trust/<int:pk>/crl/", views.crl_upload, name="crl_upload"),
]
