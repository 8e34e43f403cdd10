"""The public site's own URL map: nothing internal is reachable through it.

It is mounted at /cong-khai/ beside the internal site in the root map
(`vanphong.urls`), and it is also a complete URL configuration on its own: with
VANPHONG_PUBLIC_HOSTS set, requests for those host names are answered from this
map alone (`vanphong.public.middleware.PublicHostMiddleware`), so the internal
pages do not exist there at all. It holds the public views and the captcha's images,
nothing else (a test checks every view it resolves to).
"""

from django.urls import include, path

from vanphong.public import views
from vanphong.public.models import AnnouncementKind

urlpatterns = [
    path("", views.home, name="public_home"),
    path(
        "thong-bao/",
        views.announcement_list,
        {"kind": AnnouncementKind.ANNOUNCEMENT},
        name="public_announcements",
    ),
    path("tin-tuc/", views.announcement_list, {"kind": AnnouncementKind.NEWS}, name="public_news"),
    path("bai/<int:pk>/", views.announcement_detail, name="public_detail"),
    path("anh/<int:pk>/", views.image, name="public_image"),
    path("gui-thu/", views.contact, name="public_contact"),
    path("tra-cuu/", views.lookup, name="public_lookup"),
    path("kiem-tra/", include("captcha.urls")),
]

handler404 = "vanphong.public.views.not_found"
