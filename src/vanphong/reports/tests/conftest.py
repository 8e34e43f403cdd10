# ruff: noqa: F401, F811  (fixtures imported from other apps, used as arguments)
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from vanphong.core import services as core_services
from vanphong.core.models import Organization, Person, Role
from vanphong.core.tests.conftest import member, office_chief, outsider, secretary, tree
from vanphong.core.tests.factories import Tree, kind, make_person
from vanphong.reports import services
from vanphong.reports.models import ReportForm, ReportPeriod

FIELDS: list[dict[str, Any]] = [
    {"key": "members", "label": "Tổng số đảng viên", "kind": "number", "required": True, "min": 0},
    {"key": "men", "label": "Nam", "kind": "number", "required": True, "min": 0},
    {"key": "women", "label": "Nữ", "kind": "number", "required": True, "min": 0},
    {"key": "summary", "label": "Tình hình chung", "kind": "text", "required": True, "min_words": 20},
    {"key": "rating", "label": "Tự đánh giá", "kind": "choice", "choices": ["Tốt", "Khá", "Trung bình"]},
    {"key": "held_on", "label": "Ngày họp chi bộ", "kind": "date"},
    {
        "key": "cells",
        "label": "Các chi bộ",
        "kind": "table",
        "columns": [
            {"key": "members", "label": "Số đảng viên", "kind": "number"},
            {"key": "note", "label": "Ghi chú", "kind": "text"},
        ],
        "rows": ["Chi bộ 1", "Chi bộ 2"],
    },
    {"key": "minutes", "label": "Biên bản", "kind": "file"},
]
CHECKS = [{"kind": "sum", "total": "members", "parts": ["men", "women"]}]
LONG = " ".join(["Chi bộ tổ chức sinh hoạt đều đặn, đúng nội dung hướng dẫn của cấp trên."] * 3)


@dataclass
class Khoi:
    """The bloc's office and three grassroots organizations under it, each with its
    part-time office clerk."""

    office: Person
    units: list[Organization]
    clerks: list[Person]


@pytest.fixture
def khoi(tree: Tree) -> Khoi:
    office = make_person(organization=tree.bloc, role=Role.SPECIALIST, full_name="Phạm Thu Hà")
    units = [tree.grassroots]
    for name, code in [
        ("Đảng ủy Sở Y tế", "grassroots-committee"),
        ("Chi bộ Sở Xây dựng", "grassroots-cell"),
    ]:
        units.append(
            core_services.organization_create(
                actor=None, parent=tree.bloc, name=name, abbreviation="ĐU", kind=kind(code)
            )
        )
    clerks = [
        make_person(organization=unit, role=Role.CLERK, email=f"vanthu{i}@example.vn")
        for i, unit in enumerate(units)
    ]
    return Khoi(office=office, units=units, clerks=clerks)


@pytest.fixture
def form(tree: Tree, khoi: Khoi) -> ReportForm:
    report_form = services.form_create(
        actor=khoi.office,
        organization=tree.bloc,
        title="Báo cáo quý về công tác xây dựng Đảng",
        periodicity="quarter",
        due_day=20,
        recipients_root=tree.bloc,
        fields=FIELDS,
        checks=CHECKS,
    )
    services.version_publish(actor=khoi.office, version=report_form.versions.get())
    return report_form


@pytest.fixture
def period(form: ReportForm, khoi: Khoi) -> ReportPeriod:
    return services.period_open(actor=khoi.office, form=form, year=2026, number=3)


def good_values(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "members": "45",
        "men": "25",
        "women": "20",
        "summary": LONG,
        "rating": "Tốt",
        "held_on": "15/09/2026",
        "cells": [{"members": "20", "note": ""}, {"members": "25", "note": "Tốt"}],
    }
    values.update(changes)
    return values


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
