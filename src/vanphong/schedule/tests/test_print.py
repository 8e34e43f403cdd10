"""The printed week, from the user test of issue 7: when it was printed and published
is in every page's footer (alone after the table it took a near-empty page of its
own), and the week is issued as an office issues it: the place and date under the
Party's name, the recipients and the signature T/L BAN THƯỜNG VỤ / CHÁNH VĂN PHÒNG
with the Chief of Office's name."""

from __future__ import annotations

import datetime as dt
import io

import pdfplumber
from django.urls import reverse
from django.utils import timezone

from vanphong.core.tests.conftest import office_chief, secretary, tree  # noqa: F401
from vanphong.schedule import services
from vanphong.schedule.models import ScheduleWeek
from vanphong.schedule.tests.test_services import MONDAY, add, specialist, standing  # noqa: F401

PRINTED = "In lúc "


def _pages(client, tree):  # noqa: F811
    answer = client.get(reverse("schedule_week_pdf", args=[tree.city.pk, MONDAY.isoformat()]))
    assert answer["Content-Type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(answer.content)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def _pages_of_words(client, tree):  # noqa: F811
    """Each page's words, one string each."""
    answer = client.get(reverse("schedule_week_pdf", args=[tree.city.pk, MONDAY.isoformat()]))
    with pdfplumber.open(io.BytesIO(answer.content)) as pdf:
        return [{word["text"] for word in page.extract_words()} for page in pdf.pages]


def test_a_long_week_prints_the_printed_line_in_each_footer_and_the_signature(
    client,
    specialist,  # noqa: F811
    office_chief,  # noqa: F811
    secretary,  # noqa: F811
    standing,  # noqa: F811
    tree,  # noqa: F811
):
    for offset in range(6):
        for hour in (8, 14):
            add(
                specialist,
                tree,
                day=MONDAY + dt.timedelta(days=offset),
                starts_at=dt.time(hour, 0),
                ends_at=dt.time(hour + 2, 0),
                title=f"Làm việc với các ban xây dựng Đảng về nội dung số {offset}-{hour}",
                presiding=secretary,
                attendees=[standing],
                attendees_text="Các đồng chí Ủy viên Ban Thường vụ; lãnh đạo các ban đảng, "
                "Văn phòng Thành ủy; các đồng chí được mời",
                place="Phòng họp Ban Thường vụ",
            )
    services.week_publish(actor=specialist, organization=tree.city, day=MONDAY)
    client.force_login(secretary)
    pages = _pages(client, tree)
    assert len(pages) >= 2
    for text in pages:
        lines = [line for line in text.splitlines() if line.strip()]
        # The footer's line on every page, at its foot; never a page with nothing else.
        assert sum(PRINTED in line for line in lines) == 1
        assert PRINTED in lines[-1] or PRINTED in lines[-2]
        assert len(lines) > 3
    first, last = pages[0], pages[-1]
    published = timezone.localtime(ScheduleWeek.objects.get().published_at)
    place_date = f"Ngọc Sơn, ngày {published:%d} tháng {published:%m} năm {published:%Y}"
    assert place_date in first
    assert "T/L BAN THƯỜNG VỤ" in last and "CHÁNH VĂN PHÒNG" in last and "Nơi nhận:" in last
    assert office_chief.full_name in last
    assert "Chủ nhật" in last  # the closing follows the table's last row
    # A day's events are on one page, with the day's name: never a day cut in two,
    # its second part on a page of its own with no day in its cell.
    words = _pages_of_words(client, tree)
    for offset in range(6):
        pages_of_day = {n for n, page in enumerate(words) for hour in (8, 14) if f"{offset}-{hour}" in page}
        assert len(pages_of_day) == 1, (offset, pages_of_day)


def test_a_draft_week_leaves_the_day_blank(client, specialist, tree):  # noqa: F811
    add(specialist, tree)
    client.force_login(specialist)
    (text,) = _pages(client, tree)
    assert "D Ự T H Ả O" in text and "Ngọc Sơn, ngày tháng năm 2026" in " ".join(text.split())
    assert "công bố" not in text and PRINTED in text
    assert "T/L BAN THƯỜNG VỤ" in text
