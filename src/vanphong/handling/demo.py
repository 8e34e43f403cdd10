"""Demo data of document handling: the incoming documents of the last weeks sent to
the city's leaders on transfer slips, as an office's board looks on an ordinary day.

Called by `vanphong demo` after the registry's demo; written through the services as
the clerk, the leaders and the handlers would. Each slip is sent on (about) the day
its document came in and directed a few days later, entered on those days as the
office does from the paper slip (`sent_on`, `directed_on`), so its deadline may have
passed already: the recent slips still await direction; of the older ones, some are
overdue (deadline passed, not done), some were done late, some on time, and the
rest run towards a deadline to come.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from vanphong.core.models import Organization, Person, Secrecy
from vanphong.handling import services
from vanphong.handling.models import TransferSlip
from vanphong.registry.models import IncomingDocument

SEED = 2026
SLIPS = 60

INSTRUCTIONS = [
    "Giao Văn phòng Thành ủy chủ trì, phối hợp các ban tham mưu, báo cáo Thường trực.",
    "Đồng ý. Giao chủ trì nghiên cứu, đề xuất triển khai trong toàn Đảng bộ.",
    "Giao tham mưu kế hoạch thực hiện, trình Ban Thường vụ xem xét.",
    "Sao gửi các đồng chí Ủy viên Ban Thường vụ; giao theo dõi, đôn đốc thực hiện.",
    "Giao tổng hợp ý kiến các cơ quan liên quan, báo cáo trước hạn.",
]
RESULTS = [
    "Đã tham mưu văn bản triển khai, trình Thường trực ký ban hành.",
    "Đã tổng hợp, báo cáo Thường trực Thành ủy.",
    "Đã sao gửi các đơn vị và theo dõi thực hiện.",
]

Out = Callable[[str], None]


def load_demo(*, city: Organization, out: Out) -> dict[str, int]:
    slips = TransferSlip.objects.filter(organization=city)
    if not slips.exists():
        _send_and_handle(city, out)
    return {"transfer_slips": slips.count()}


def _send_and_handle(city: Organization, out: Out) -> None:
    rng = random.Random(SEED)
    today = timezone.localdate()
    clerk, secretary, deputy = (Person.objects.get(username=u) for u in ("vanthu", "bithu", "phobithu"))
    handlers = [Person.objects.get(username=u) for u in ("chanhvp", "phochanhvp", "chuyenvien")]
    documents = list(
        IncomingDocument.objects.filter(organization=city, secrecy=Secrecy.NONE)
        .select_related("handler_unit")
        .order_by("-received_on", "-number")[:SLIPS]
    )
    out(f"Chuyển {len(documents)} văn bản đến gần đây cho lãnh đạo cho ý kiến chỉ đạo…")
    for n, document in enumerate(documents):
        leader = secretary if n % 3 else deputy
        sent_on = min(document.received_on + dt.timedelta(days=rng.randint(0, 1)), today)
        slip = services.slip_send(
            actor=clerk, document=document, leaders=[leader], note="Kính chuyển đồng chí.", sent_on=sent_on
        )
        age = (today - sent_on).days
        if age <= 2 or (age <= 14 and n % 4 == 0):
            continue  # still awaiting direction
        directed_on = min(sent_on + dt.timedelta(days=rng.randint(0, 3)), today)
        deadline: dt.date | None
        if n % 7 == 3:
            deadline = None  # for information and follow-up: no deadline
        elif document.deadline is not None and document.deadline >= directed_on:
            deadline = document.deadline
        else:
            deadline = directed_on + dt.timedelta(days=rng.randint(5, 20))
        handler = rng.choice(handlers)
        unit = document.handler_unit
        slip = services.slip_direct(
            actor=leader,
            slip=slip,
            instruction=rng.choice(INSTRUCTIONS),
            lead_unit=unit if unit is not None and unit.is_open and n % 5 == 2 else None,
            lead_person=handler,
            directed_on=directed_on,
            deadline=deadline,
        )
        late = deadline is not None and deadline < today
        # Past the deadline: two in three done (late), the rest overdue. Otherwise
        # half done (on time), the rest running towards their deadline.
        done = n % 7 not in (1, 4) if late else n % 2 == 1
        if done or n % 4 == 0:
            services.slip_progress(actor=handler, slip=slip, note="Đang lấy ý kiến các ban tham mưu.")
        if done:
            services.slip_complete(actor=handler, slip=slip, note=rng.choice(RESULTS))
