"""Vietnamese first, English one click away; dates dd/mm/yyyy, numbers 1.234,5."""

import datetime as dt

from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from vanphong.core.forms import DateField


def _render(source: str, **context: object) -> str:
    return Template("{% load humanize %}" + source).render(Context(context))


def test_numbers_and_dates_read_the_vietnamese_way():
    with translation.override("vi"):
        assert _render("{{ x|floatformat:1 }}", x=1234.5) == "1.234,5"
        assert _render("{{ n|intcomma }}", n=6929) == "6.929"
        assert _render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=dt.date(2026, 2, 3)) == "03/02/2026"
        assert _render('{{ d|date:"DATE_FORMAT" }}', d=dt.date(2018, 2, 20)) == "ngày 20 tháng 02 năm 2018"


def test_a_date_is_typed_day_first():
    with translation.override("vi"):
        assert DateField().clean("03/02/2026") == dt.date(2026, 2, 3)


def test_the_interface_switches_to_english_and_back(client, tree, clerk):
    client.force_login(clerk)
    assert "Xin chào" in client.get(reverse("dashboard")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("dashboard")).content.decode()
    assert "Hello" in page and '<html lang="en">' in page
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Xin chào" in client.get(reverse("dashboard")).content.decode()


def test_each_language_is_offered_in_its_own_name(client, tree, clerk):
    client.force_login(clerk)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'lang="vi" selected>Tiếng Việt</option>' in page and 'lang="en">English</option>' in page
