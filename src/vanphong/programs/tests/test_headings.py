"""Headings, titles and breadcrumbs start with a capital letter in Vietnamese, also
where they start from a model's verbose name (the API tokens page read "mã truy cập
API")."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils.translation import override

from vanphong.programs.tests.test_services import add


def _headings(html: str) -> list[str]:
    found = re.findall(r'<(?:title|h1|h2|li class="breadcrumb-item[^"]*")[^>]*>(.*?)</', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", text).split()) for text in found]


def test_the_pages_headings_start_with_a_capital(client, specialist, tree, yearly):
    item = add(specialist, yearly, tree)
    client.force_login(specialist)
    with override("vi"):
        for url in (
            reverse("program_list"),
            reverse("program_detail", args=[yearly.pk]),
            reverse("program_item_detail", args=[item.pk]),
            reverse("program_item_edit", args=[item.pk]),
            reverse("apitoken_list"),
            reverse("schedule_home"),
        ):
            answer = client.get(url, HTTP_ACCEPT_LANGUAGE="vi", follow=True)
            assert answer.status_code == 200
            headings = _headings(answer.content.decode())
            assert headings, url
            for heading in headings:
                assert heading[:1] == heading[:1].upper(), (url, heading)
