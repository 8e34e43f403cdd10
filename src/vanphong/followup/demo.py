"""The demo's follow-up, written through the services: the tasks of two conclusions
(KL) and a notice (TB) of the city's outgoing register, given by the Chief of Office
(`chanhvp`) to the units of the city (the Đảng ủy Sở Tư pháp, whose văn thư
`vanthu.coso` signs in, and the boards, whose heads `truongban.*` and deputies
`phoban.*` sign in), the leader in charge the Secretary or a Deputy; some done on
time, one done late, some in progress, some overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from vanphong.core import selectors as core_selectors
from vanphong.core.models import Organization, Person, Secrecy
from vanphong.followup import selectors, services
from vanphong.followup.models import Conclusion
from vanphong.registry.models import OutgoingDocument

TASKS = [
    # content, days from today to the deadline, what the unit reports (None: nothing),
    # days ago it reported, whether it is done
    (
        "Quán triệt kết luận đến toàn thể cán bộ, đảng viên; báo cáo kết quả về Ban Thường vụ.",
        -20,
        "done",
        25,
    ),
    ("Xây dựng kế hoạch thực hiện, phân công cụ thể cho từng chi bộ trực thuộc.", 10, "progress", 3),
    ("Rà soát, bổ sung quy chế làm việc; gửi Văn phòng Thành ủy thẩm định.", -5, None, 0),
    ("Tổ chức sơ kết việc thực hiện; đề xuất khen thưởng tập thể, cá nhân tiêu biểu.", 30, None, 0),
    ("Kiểm tra việc thực hiện tại các chi bộ; báo cáo Thường trực Thành ủy.", -12, "late", 2),
    ("Báo cáo tình hình tư tưởng của cán bộ, đảng viên trong việc sắp xếp tổ chức bộ máy.", 2, "progress", 1),
]


def load_demo(*, city: Organization, out: Callable[[str], None]) -> dict[str, int]:
    chief = Person.objects.filter(username="chanhvp").first()
    leaders = [p for p in Person.objects.filter(username__in=["bithu", "phobithu"]).order_by("username")]
    if chief is None or not leaders:
        return {}
    if Conclusion.objects.filter(organization=city).exists():
        return {"conclusions": Conclusion.objects.filter(organization=city).count()}
    # The register's latest two KL and one TB, issued a month or more ago so that some
    # deadlines have passed since, unclassified so that every unit's head reads them.
    registered = OutgoingDocument.objects.filter(
        organization=city,
        cancelled_at__isnull=True,
        secrecy=Secrecy.NONE,
        issued_on__lte=timezone.localdate() - dt.timedelta(days=30),
    ).order_by("-issued_on", "-pk")
    documents = [
        *registered.filter(document_type__abbreviation="KL")[:2],
        *registered.filter(document_type__abbreviation="TB")[:1],
    ]
    coso = Person.objects.filter(username="vanthu.coso").first()
    units = [
        unit
        for unit in core_selectors.subtree(city)
        .filter(depth=city.depth + 1, kind__is_office=False)
        .order_by("path")
    ][:4]
    if coso is not None:
        home = coso.memberships.select_related("organization").first()
        if home is not None:
            units = [home.organization, *units[:3]]
    today = timezone.localdate()
    with transaction.atomic():
        for n, document in enumerate(documents):
            conclusion = services.conclusion_create(actor=chief, outgoing=document)
            for m in range(3):
                content, due, report, ago = TASKS[(2 * n + m) % len(TASKS)]
                unit = units[(n + m) % len(units)]
                deadline = max(today + dt.timedelta(days=due), conclusion.issued_on)
                task = services.task_add(
                    actor=chief,
                    conclusion=conclusion,
                    content=content,
                    lead_unit=unit,
                    leader=leaders[(n + m) % len(leaders)],
                    deadline=deadline,
                )
                if report is None:
                    continue
                reporter = next(iter(selectors.unit_heads(unit)), chief)
                if selectors.reporting_unit(reporter, task) is None:
                    reporter = chief
                on = today - dt.timedelta(days=ago)
                if report == "done":
                    on = min(on, deadline)
                services.task_report(
                    actor=reporter,
                    task=task,
                    note="Đơn vị đã triển khai; gửi kèm báo cáo kết quả.",
                    done=report in {"done", "late"},
                    today=on,
                )
        services.reminders_send(today=today)
    out(f"follow-up: {len(documents)} conclusions, {3 * len(documents)} tasks")
    return {"conclusions": len(documents)}
