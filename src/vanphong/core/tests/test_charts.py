"""The server-drawn SVG bar chart (`core.templatetags.charts`), shared by the
membership statistics and the reports' sums."""

from __future__ import annotations

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
