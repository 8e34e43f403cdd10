import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from vanphong.core.models import AuditEvent, Person, Role
from vanphong.core.services import AuditAction
from vanphong.core.tests.factories import make_person

PASSWORD = "matkhau-thu-nghiem"


@pytest.fixture
def clerk_account(tree):
    return make_person(
        organization=tree.office, role=Role.CLERK, username="vanthu", email="vanthu@example.vn"
    )


def _sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_it_signs_in_and_audits_it(client, clerk_account):
    response = _sign_in(client, "vanthu", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert AuditEvent.objects.filter(action=AuditAction.SIGNED_IN, actor=clerk_account).count() == 1
    clerk_account.refresh_from_db()
    assert clerk_account.last_login is not None


def test_a_wrong_password_is_told_in_vietnamese_and_counted(client, clerk_account, settings):
    response = _sign_in(client, "vanthu", "sai-mat-khau")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu." in page
    assert f"Còn {settings.AXES_FAILURE_LIMIT - 1} lần thử" in page
    assert AccessAttempt.objects.get(username="vanthu").failures_since_start == 1
    assert (
        AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED, target_id=str(clerk_account.pk)).count()
        == 1
    )


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, clerk_account, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _sign_in(client, "vanthu", "sai-mat-khau")
    assert response.status_code == 429
    assert "Tài khoản tạm thời bị khóa" in response.content.decode()
    assert f"{settings.LOGIN_COOLOFF_MINUTES} phút" in response.content.decode()
    assert _sign_in(client, "vanthu", PASSWORD).status_code == 429


def test_signing_out_takes_a_post_and_is_audited(client, clerk_account):
    client.force_login(clerk_account)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.SIGNED_OUT).count() == 1
    assert client.get(reverse("dashboard")).status_code == 302


def test_a_password_is_reset_through_the_link_sent_by_email(client, clerk_account):
    response = client.post(reverse("password_reset"), {"email": "vanthu@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "vanthu" in message.body and "Nguyễn Văn Thử" in message.body
    link = re.search(r"http://testserver(/account/password/reset/\S+/)", message.body)
    assert link is not None
    form_url = client.get(link.group(1)).url  # Django swaps the token for a session one
    response = client.post(form_url, {"new_password1": "Hoa-sen-2026!", "new_password2": "Hoa-sen-2026!"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")
    clerk_account.refresh_from_db()
    assert clerk_account.check_password("Hoa-sen-2026!")
    assert (
        AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET, target_id=str(clerk_account.pk)).count()
        == 1
    )


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, clerk_account):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.vn"})
    assert response.status_code == 302 and mail.outbox == []


def test_changing_ones_password_keeps_one_signed_in(client, clerk_account):
    client.force_login(clerk_account)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Sen-hong-2026!", "new_password2": "Sen-hong-2026!"},
    )
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED).count() == 1


def test_admin_is_for_system_administrators_only(client, clerk_account):
    clerk_account.is_staff = True  # even staff status does not open it
    clerk_account.save()
    client.force_login(clerk_account)
    assert client.get("/admin/").status_code == 302
    admin = Person.objects.create_superuser("quantri", "Quan-tri-2026!", full_name="Quản Trị Hệ Thống")
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200


def test_the_session_cookie_is_http_only_and_same_site(client, clerk_account):
    response = _sign_in(client, "vanthu", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
