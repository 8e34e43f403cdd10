from __future__ import annotations

import pytest
from captcha.models import CaptchaStore
from django.urls import reverse

from vanphong.letters.models import Letter
from vanphong.public import views

pytestmark = pytest.mark.django_db

HOME = "/cong-khai/"
CONTACT = "/cong-khai/gui-thu/"


def letter_data(client, **changes):
    client.get(CONTACT)
    store = CaptchaStore.objects.order_by("-id").first()
    data = {
        "name": "Nguyễn Văn An",
        "contact": "0912 345 678",
        "subject": "Đề nghị sửa đường vào thôn",
        "content": "Đường vào thôn Đông bị hư hỏng nặng sau mùa mưa.",
        "website": "",
        "captcha_0": store.hashkey,
        "captcha_1": store.response,
    }
    data.update(changes)
    return data


def test_anonymous_pages_are_cacheable_and_set_no_cookie(client, published):
    for url in (HOME, "/cong-khai/thong-bao/", "/cong-khai/tin-tuc/", f"/cong-khai/bai/{published.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "public" in response["Cache-Control"] and "max-age" in response["Cache-Control"]
        assert response.has_header("ETag")
        assert "Cookie" not in response.get("Vary", "")
        assert not response.cookies, url
        again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code in (200, 304)
    body = client.get(f"/cong-khai/bai/{published.pk}/").content.decode()
    assert "Thông báo lịch tiếp công dân" in body and "Thành ủy Ngọc Sơn" in body
    assert reverse("login") in body


def test_an_unchanged_page_answers_304(client, published, settings):
    settings.VANPHONG_PUBLIC_COUNT_VISITS = False
    first = client.get(HOME)
    assert client.get(HOME, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_letter_sent_gets_its_code_and_its_status(client, tree):
    response = client.post(CONTACT, letter_data(client))
    assert response.status_code == 200
    letter = Letter.objects.get()
    assert letter.sender_name == "Nguyễn Văn An"
    shown = response.content.decode().split('id="tracking-code">')[1].split("<")[0]
    assert "".join(ch for ch in shown if ch.isalnum()) == letter.tracking_code
    assert "no-store" in response["Cache-Control"]
    status = client.get("/cong-khai/tra-cuu/", {"code": shown})
    assert status.status_code == 200
    assert 'id="status"' in status.content.decode()
    missing = client.get("/cong-khai/tra-cuu/", {"code": "KHONGCO123"})
    assert missing.status_code == 404 and 'id="code_error"' in missing.content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"captcha_1": "999"}, "captcha"),
        ({"name": ""}, "name"),
        ({"contact": "không có"}, "contact"),
        ({"content": "x" * 10_001}, "content"),
        ({"content": "Xin chào <script>alert('x')</script>"}, "content"),
        ({"subject": '<img src=x onerror="alert(1)">'}, "subject"),
    ],
)
def test_bad_input_refused_at_its_field_with_the_text_kept(client, tree, changes, field):
    data = letter_data(client, **changes)
    response = client.post(CONTACT, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body
    assert "Đường vào thôn Đông bị hư hỏng nặng" in body or field == "content"
    assert "<script>alert" not in body and 'onerror="alert' not in body
    assert not Letter.objects.exists()


def test_the_honeypot_registers_nothing(client, tree):
    response = client.post(CONTACT, letter_data(client, website="http://spam.example"))
    assert response.status_code == 200 and not Letter.objects.exists()
    assert 'id="tracking-code"' not in response.content.decode()


def test_a_flood_from_one_client_is_refused_while_others_get_through(client, tree, monkeypatch):
    monkeypatch.setattr(views, "LETTER_LIMIT", 3)
    for _ in range(3):
        assert client.post(CONTACT, letter_data(client), REMOTE_ADDR="198.51.100.1").status_code == 200
    refused = client.post(CONTACT, letter_data(client, subject="Lần thứ tư"), REMOTE_ADDR="198.51.100.1")
    assert refused.status_code == 429
    body = refused.content.decode()
    assert 'id="flood"' in body and "Lần thứ tư" in body
    assert str(views.LETTER_FLOOD) in body
    other = client.post(CONTACT, letter_data(client), REMOTE_ADDR="198.51.100.2")
    assert other.status_code == 200
    assert Letter.objects.count() == 4


def test_mistakes_do_not_count_as_letters_sent(client, tree, monkeypatch):
    """A citizen who gets the check wrong a few times still sends their letter."""
    monkeypatch.setattr(views, "LETTER_LIMIT", 2)
    for _ in range(5):
        wrong = client.post(CONTACT, letter_data(client, captcha_1="999"), REMOTE_ADDR="198.51.100.1")
        assert wrong.status_code == 400
    for _ in range(2):
        assert client.post(CONTACT, letter_data(client), REMOTE_ADDR="198.51.100.1").status_code == 200
    assert client.post(CONTACT, letter_data(client), REMOTE_ADDR="198.51.100.1").status_code == 429
    assert Letter.objects.count() == 2


def test_a_flood_of_bad_posts_meets_the_higher_limit(client, tree, monkeypatch):
    monkeypatch.setattr(views, "POST_LIMIT", 4)
    for _ in range(4):
        assert (
            client.post(CONTACT, letter_data(client, name=""), REMOTE_ADDR="198.51.100.1").status_code == 400
        )
    refused = client.post(CONTACT, letter_data(client, subject="Lần thứ năm"), REMOTE_ADDR="198.51.100.1")
    assert refused.status_code == 429
    body = refused.content.decode()
    assert str(views.POST_FLOOD) in body and "Lần thứ năm" in body
    assert not Letter.objects.exists()


def test_the_window_slides_across_a_bucket_boundary(client, tree, monkeypatch):
    """Letters sent at the end of one bucket still count at the start of the next."""
    monkeypatch.setattr(views, "LETTER_LIMIT", 3)
    clock = [views.POST_WINDOW_SECONDS * 1000 + views.POST_WINDOW_SECONDS - 5]
    monkeypatch.setattr(views, "_clock", lambda: clock[0])
    for _ in range(3):
        assert client.post(CONTACT, letter_data(client), REMOTE_ADDR="198.51.100.1").status_code == 200
    clock[0] += 10  # into the next bucket: the previous one still weighs almost whole
    assert client.post(CONTACT, letter_data(client), REMOTE_ADDR="198.51.100.1").status_code == 429
    clock[0] += views.POST_WINDOW_SECONDS  # the window has passed
    assert client.post(CONTACT, letter_data(client), REMOTE_ADDR="198.51.100.1").status_code == 200


def test_head_is_answered_on_every_public_page(client, published):
    for url in (
        HOME,
        "/cong-khai/thong-bao/",
        "/cong-khai/tin-tuc/",
        f"/cong-khai/bai/{published.pk}/",
        CONTACT,
        "/cong-khai/tra-cuu/",
    ):
        response = client.head(url)
        assert response.status_code == 200, url
        assert response.content == b"", url


@pytest.mark.parametrize("url", ["/cong-khai/khong-co/", "/cong-khai/bai/999999/"])
def test_a_missing_public_page_is_the_public_sites_own(client, tree, url):
    response = client.get(url)
    assert response.status_code == 404
    body = response.content.decode()
    assert 'href="/cong-khai/"' in body
    assert "vp-public" in body or "public.css" in body
    assert "đồng chí" not in body.lower()


def test_a_missing_internal_page_is_still_the_internal_one(client, tree):
    response = client.get("/letters/khong-co/")
    assert response.status_code == 404
    assert "public.css" not in response.content.decode()


def test_counts_change_as_visits_come_in(client, tree):
    client.get(HOME, REMOTE_ADDR="10.1.1.1")
    client.get(HOME, REMOTE_ADDR="10.1.1.2")
    from vanphong.public.visits import counts

    assert counts().today == 2 and counts().online == 2


def test_the_captcha_image_and_its_words(client, tree):
    page = client.get(CONTACT)
    store = CaptchaStore.objects.order_by("-id").first()
    body = page.content.decode()
    assert "bằng mấy?" in body
    assert client.get(f"/cong-khai/kiem-tra/image/{store.hashkey}/").status_code == 200


def test_the_code_is_shown_with_its_dash_everywhere(client, tree):
    response = client.post(CONTACT, letter_data(client))
    letter = Letter.objects.get()
    shown = response.content.decode().split('id="tracking-code">')[1].split("<")[0]
    assert shown == letter.display_code and "-" in shown
    status = client.get("/cong-khai/tra-cuu/", {"code": shown}).content.decode()
    assert letter.display_code in status


def test_a_too_long_code_gets_the_fields_own_message(client, tree):
    response = client.get("/cong-khai/tra-cuu/", {"code": "A" * 41})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="code_error"' in body
    assert "kí tự" not in body  # Django's own message, in its spelling


def test_the_lookup_button_keeps_to_one_line(client, tree):
    body = client.get("/cong-khai/tra-cuu/").content.decode()
    assert "text-nowrap" in body.split('type="submit"')[1].split(">")[0]
