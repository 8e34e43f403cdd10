"""The demo's public site: a few announcements and news of the city committee,
written and published by its office through the services (so audited like real
ones), and a few weeks of visitor counts so that the counters are not empty."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from vanphong.core.models import Organization, Person
from vanphong.core.permissions import Action, can
from vanphong.public import selectors, services
from vanphong.public.models import Announcement, VisitDay

Out = Callable[[str], None]
SEED = 10

ITEMS = [
    (
        "announcement",
        "Thông báo lịch tiếp công dân của Thường trực Thành ủy tháng 12",
        "Thường trực Thành ủy tiếp công dân định kỳ vào ngày 15 hằng tháng tại Trụ sở tiếp công dân "
        "của Thành ủy.\n\nCông dân đến trình bày mang theo giấy tờ tùy thân và các tài liệu liên quan. "
        "Công dân cũng có thể gửi thư qua mục Gửi thư của trang này và theo dõi bằng mã tra cứu.",
    ),
    (
        "announcement",
        "Thông báo về việc tiếp nhận thư, đơn qua Cổng thông tin",
        "Văn phòng Thành ủy tiếp nhận thư, đơn khiếu nại, tố cáo, kiến nghị, phản ánh của công dân "
        "qua mục Gửi thư. Mỗi thư được vào sổ, chuyển cơ quan có thẩm quyền giải quyết theo quy định.\n\n"
        "Thư không ghi rõ họ tên, địa chỉ được xử lý theo quy định của pháp luật.",
    ),
    (
        "news",
        "Hội nghị Ban Chấp hành Đảng bộ thành phố lần thứ 5",
        "Ngày 28/11, Ban Chấp hành Đảng bộ thành phố tổ chức Hội nghị lần thứ 5 để đánh giá kết quả "
        "thực hiện nhiệm vụ chính trị năm 2026 và quyết định phương hướng, nhiệm vụ năm 2027.\n\n"
        "Hội nghị thống nhất các chỉ tiêu chủ yếu và giao các cấp ủy trực thuộc cụ thể hóa thực hiện.",
    ),
    (
        "news",
        "Tổng kết công tác văn phòng cấp ủy năm 2026",
        "Văn phòng Thành ủy tổ chức hội nghị tổng kết công tác văn phòng cấp ủy năm 2026. Năm qua, "
        "công tác tham mưu, phục vụ được triển khai kịp thời; việc chuyển đổi số trong tiếp nhận, "
        "xử lý văn bản đạt kết quả rõ nét.",
    ),
    (
        "news",
        "Trao Huy hiệu Đảng đợt 7/11 cho đảng viên lão thành",
        "Nhân kỷ niệm Cách mạng Tháng Mười Nga, các đảng bộ trực thuộc đã tổ chức trao Huy hiệu 30, "
        "40, 50, 60 năm tuổi Đảng cho các đồng chí đảng viên.",
    ),
]


def _writer(committee: Organization) -> Person | None:
    for person in Person.objects.filter(is_active=True, username__in=["chuyenvien", "chanhvp"]).order_by(
        "username"
    ):
        if can(person, Action.DRAFT, committee):
            return person
    return None


def load_demo(*, city: Organization, out: Out) -> dict[str, int]:
    committee = selectors.find_site_committee()
    if committee is None or committee.pk != city.pk:
        return {}
    if Announcement.objects.filter(organization=committee).exists():
        return {"public_announcements": Announcement.objects.filter(organization=committee).count()}
    writer = _writer(committee)
    if writer is None:
        return {}
    rng = random.Random(SEED)
    with transaction.atomic():
        for kind, title, body in ITEMS:
            item = services.announcement_create(
                actor=writer, organization=committee, kind=kind, title=title, body=body
            )
            services.announcement_publish(actor=writer, announcement=item)
        # Past days' counts only (no salt: the days are over); today's come from visits.
        today = timezone.localdate()
        for back in range(1, 43):
            VisitDay.objects.get_or_create(
                day=today - dt.timedelta(days=back), defaults={"visitors": rng.randint(80, 260)}
            )
    out(f"Trang công khai: {len(ITEMS)} thông báo, tin tức; số lượt truy cập 6 tuần.")
    return {"public_announcements": len(ITEMS)}
