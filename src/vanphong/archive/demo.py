"""The demo's archive, written through the archive's services by the demo archivist
(`luutru`): the city committee's fonds, a few boxes, dossiers over the years (some
permanent, some kept ten years and now due for review), and registry documents of
this year filed into an open dossier."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction

from vanphong.archive import services
from vanphong.archive.models import Dossier, Fonds, RetentionRule
from vanphong.core.models import Organization, Person
from vanphong.registry.models import IncomingDocument

DOSSIERS = [
    # title, start, end, sheets, retention rule code (None: permanent), box
    (
        "Hồ sơ Đại hội đại biểu Đảng bộ thành phố lần thứ XV, nhiệm kỳ 2015–2020",
        (2015, 1, 5),
        (2015, 10, 20),
        412,
        "1",
        "1",
    ),
    (
        "Hồ sơ các hội nghị Ban Chấp hành Đảng bộ thành phố năm 2016",
        (2016, 1, 8),
        (2016, 12, 28),
        236,
        "2",
        "1",
    ),
    (
        "Nghị quyết, chỉ thị, kết luận của Ban Thường vụ Thành ủy năm 2016",
        (2016, 1, 4),
        (2016, 12, 30),
        158,
        "3",
        "2",
    ),
    ("Báo cáo tháng, quý của các đảng ủy trực thuộc năm 2012", (2012, 1, 15), (2012, 12, 20), 310, "5", "3"),
    ("Báo cáo tháng, quý của các đảng ủy trực thuộc năm 2013", (2013, 1, 14), (2013, 12, 19), 295, "5", "3"),
    ("Công văn trao đổi về công tác văn phòng năm 2014", (2014, 1, 6), (2014, 12, 29), 188, "6", "4"),
    ("Hồ sơ chứng từ thu, nộp đảng phí năm 2019", (2019, 1, 2), (2019, 12, 31), 140, "8", "5"),
]


def load_demo(*, city: Organization, out: Callable[[str], None]) -> dict[str, int]:
    archivist = Person.objects.filter(username="luutru").first()
    if archivist is None:
        return {}
    fonds = Fonds.objects.filter(organization=city).first()
    if fonds is not None:
        return {"dossiers": Dossier.objects.filter(fonds=fonds).count()}
    rules = {rule.code: rule for rule in RetentionRule.objects.all()}
    with transaction.atomic():
        fonds = services.fonds_create(actor=archivist, organization=city, number="01", name=city.name)
        boxes = {
            number: services.box_create(
                actor=archivist, fonds=fonds, number=number, location=f"Kho 1, giá {number}"
            )
            for number in ("1", "2", "3", "4", "5")
        }
        for title, start, end, sheets, rule, box in DOSSIERS:
            dossier = services.dossier_create(
                actor=archivist,
                fonds=fonds,
                title=title,
                started_on=dt.date(*start),
                ended_on=dt.date(*end),
                sheets=sheets,
                retention_rule=rules.get(rule),
                box=boxes[box],
            )
            services.dossier_close(actor=archivist, dossier=dossier)
        current = services.dossier_create(
            actor=archivist,
            fonds=fonds,
            title="Văn bản của Trung ương gửi Thành ủy năm nay",
            retention_rule=rules.get("3"),
        )
        for document in IncomingDocument.objects.filter(organization=city, secrecy=0).order_by(
            "-received_on"
        )[:5]:
            services.dossier_file(actor=archivist, dossier=current, incoming=document, sheets=2)
    count = Dossier.objects.filter(fonds=fonds).count()
    out(f"Phông lưu trữ số 01 với {count} hồ sơ.")
    return {"dossiers": count}
