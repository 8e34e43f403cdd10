"""The server-drawn SVG bar chart (`core.templatetags.charts`), shared by the
membership statistics and the reports' sums."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.utils import translation

from vanphong.core.templatetags.charts import Bar, layout


@pytest.mark.parametrize("count", [0, 1, 5])
def test_the_chart_draws_one_bar_per_item(count):
    drawn, _height, compare = layout([Bar(f"Đơn vị {i}", (i + 1) * 1000, i) for i in range(count)])
    assert len(drawn) == count and compare == (count > 0)
    assert all("." not in bar.label_y or bar.label_y.replace(".", "").isdigit() for bar in drawn)
    if count:
        assert drawn[-1].width == "416"  # the highest value fills the room
        assert f"{count}.000" in drawn[-1].title  # displayed numbers group thousands (vi)


@pytest.mark.parametrize(("value", "written"), [(45.0, "45"), (0, "0"), (1234.0, "1.234"), (12.5, "12,5")])
def test_a_whole_number_is_written_without_a_decimal_part(value, written):
    with translation.override("vi"):
        html = Template("{% load charts %}{% bar_chart series %}").render(
            Context({"series": [("Chi bộ", value)]})
        )
    assert f'fill="currentColor">{written}</text>' in html


def test_past_the_limit_the_chart_keeps_the_highest_bars_and_says_so():
    series = [(f"Chi bộ {i}", i) for i in range(30)]
    with translation.override("vi"):
        html = Template("{% load charts %}{% bar_chart series limit=5 %}").render(Context({"series": series}))
        whole = Template("{% load charts %}{% bar_chart series limit=30 %}").render(
            Context({"series": series})
        )
    assert html.count('class="bar"') == 5 and 'data-bars="5"' in html
    values = re.findall(r'fill="currentColor">(\d+)</text>', html)
    assert values == ["29", "28", "27", "26", "25"]
    assert 'data-cut="1"' in html and "5" in html and "30" in html
    assert whole.count('class="bar"') == 30 and 'data-cut="1"' not in whole
