from django.urls import path

from vanphong.exchange import views

urlpatterns = [
    path("", views.delivery_queue, name="delivery_queue"),
    path("import/", views.package_import, name="package_import"),
    path("<int:pk>/", views.delivery_detail, name="delivery_detail"),
    path("<int:pk>/document.pdf", views.delivery_pdf, name="delivery_pdf"),
    path("<int:pk>/register/", views.delivery_register, name="delivery_register"),
    path("outgoing/<int:pk>/send/", views.outgoing_send, name="outgoing_send"),
    path("outgoing/<int:pk>/package.zip", views.outgoing_package, name="outgoing_package"),
]
