"""Demo data of document handling: recent incoming documents sent to the city's
leaders on transfer slips, most directed, some already done.

Called by `vanphong demo` after the registry's demo; written through the services as
the clerk, the leaders and the handlers would. None are overdue: a leader cannot set
a deadline in the past, and the demo does not travel in time.
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
        IncomingDocument.objects.filter(organization=city, secrecy=Secrecy.NONE).order_by(
            "-received_on", "-number"
        )[:SLIPS]
    )
    out(f"Chuyển {len(documents)} văn bản đến gần đây cho lãnh đạo cho ý kiến chỉ đạo…")
    for n, document in enumerate(documents):
        leader = secretary if n % 3 else deputy
        slip = services.slip_send(
            actor=clerk, document=document, leaders=[leader], note="Kính chuyển đồng chí."
        )
        if n % 4 == 0:
            continue  # still awaiting direction
        handler = rng.choice(handlers)
        slip = services.slip_direct(
            actor=leader,
            slip=slip,
            instruction=rng.choice(INSTRUCTIONS),
            lead_person=handler,
            deadline=max(document.deadline or today, today) + dt.timedelta(days=rng.randint(0, 10)),
        )
        if n % 3 == 0:
            services.slip_progress(actor=handler, slip=slip, note="Đang lấy ý kiến các ban tham mưu.")
        if n % 5 == 1:
            services.slip_complete(actor=handler, slip=slip, note=rng.choice(RESULTS))
