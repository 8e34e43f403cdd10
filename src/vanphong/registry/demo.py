"""Demo data of the registry: about two years of the city office's incoming documents.

Called by `vanphong demo` after the core demo (the city committee and its people).
Written through `services.incoming_register`, as a clerk would, so numbers, the
classified register and the audit trail are real. Invented text only.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from vanphong.core.models import Organization, Person, Secrecy
from vanphong.registry.models import DocumentType, IncomingDocument, Urgency
from vanphong.registry.services import incoming_register

SEED = 2026
FIRST_DAY = dt.date(2025, 1, 2)

# Issuer, the issuer's symbol, and the types it sends, with a weight.
ISSUERS: list[tuple[str, str, list[str], int]] = [
    ("Ban Bí thư Trung ương Đảng", "TW", ["chi-thi", "ket-luan", "thong-bao", "quy-dinh"], 3),
    ("Bộ Chính trị", "TW", ["nghi-quyet", "ket-luan", "quy-dinh"], 2),
    ("Văn phòng Trung ương Đảng", "VPTW", ["cong-van", "huong-dan", "thong-bao"], 6),
    ("Ban Tổ chức Trung ương", "BTCTW", ["huong-dan", "cong-van", "ke-hoach"], 5),
    ("Ban Tuyên giáo và Dân vận Trung ương", "BTGDVTW", ["huong-dan", "cong-van", "ke-hoach"], 5),
    ("Ủy ban Kiểm tra Trung ương", "UBKTTW", ["thong-bao", "cong-van", "huong-dan"], 3),
    ("Đảng ủy Khối các cơ quan thành phố", "ĐUK", ["bao-cao", "to-trinh", "cong-van"], 6),
    ("Ban cán sự đảng Ủy ban nhân dân thành phố", "BCSĐ", ["to-trinh", "bao-cao", "cong-van"], 5),
    ("Đảng ủy phường Hồng Hà", "ĐU", ["bao-cao", "to-trinh"], 3),
    ("Đảng ủy xã Yên Phú", "ĐU", ["bao-cao", "to-trinh"], 2),
    ("Mặt trận Tổ quốc Việt Nam thành phố Ngọc Sơn", "MTTQ", ["cong-van", "bao-cao", "giay-moi"], 3),
]

SUBJECTS = [
    "công tác chuẩn bị đại hội đảng bộ các cấp nhiệm kỳ 2025–2030",
    "tổng kết công tác xây dựng Đảng năm {year}",
    "triển khai thực hiện Nghị quyết số 18-NQ/TW về sắp xếp tổ chức bộ máy",
    "kiểm tra, giám sát việc thực hiện quy chế làm việc của cấp ủy",
    "công tác phát triển đảng viên trong doanh nghiệp ngoài khu vực nhà nước",
    "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "thu, nộp, quản lý và sử dụng đảng phí",
    "công tác bảo vệ chính trị nội bộ",
    "đánh giá, xếp loại chất lượng tổ chức cơ sở đảng và đảng viên năm {year}",
    "chuyển đổi số trong các cơ quan đảng",
    "công tác tiếp công dân và giải quyết khiếu nại, tố cáo",
    "phòng, chống tham nhũng, lãng phí, tiêu cực",
    "tổ chức các hoạt động kỷ niệm ngày thành lập Đảng Cộng sản Việt Nam",
    "công tác cán bộ và quy hoạch cán bộ nhiệm kỳ 2026–2031",
    "sơ kết 6 tháng đầu năm {year} thực hiện nhiệm vụ chính trị",
    "công tác văn thư, lưu trữ trong các cơ quan đảng",
]

# A trích yếu does not repeat the type's name, which has its own column: a công văn
# reads "V/v …", most others start straight with their subject.
PREFIX = {
    "cong-van": "V/v",
    "giay-moi": "Mời dự hội nghị về",
    "chi-thi": "Về",
    "ket-luan": "Về",
    "nghi-quyet": "Về",
    "quy-dinh": "Về",
    "to-trinh": "Về",
}

Out = Callable[[str], None]


def _abstract(rng: random.Random, type_code: str, year: int) -> str:
    subject = rng.choice(SUBJECTS).format(year=year)
    prefix = PREFIX.get(type_code)
    return f"{prefix} {subject}" if prefix else subject[0].upper() + subject[1:]


def _working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def load_demo(*, city: Organization, out: Out) -> dict[str, int]:
    """Register the demo's incoming documents unless the city already has some."""
    documents = IncomingDocument.objects.filter(organization=city)
    if not documents.exists():
        _register_documents(city, out)
    return {"incoming_documents": documents.count()}


def _register_documents(city: Organization, out: Out) -> None:
    rng = random.Random(SEED)
    today = timezone.localdate()
    clerk = Person.objects.get(username="vanthu")
    types = {t.code: t for t in DocumentType.objects.all()}
    units = list(
        Organization.objects.filter(path__startswith=city.path, depth=city.depth + 1, closed_on__isnull=True)
    )
    weights = [weight for *_rest, weight in ISSUERS]
    days = _working_days(FIRST_DAY, today)
    out(f"Vào sổ văn bản đến của Thành ủy từ {FIRST_DAY:%d/%m/%Y} (khoảng {len(days) * 6 // 5} văn bản)…")
    serial: dict[tuple[str, str, int], int] = {}
    for received in days:
        for _ in range(rng.choice([0, 1, 1, 1, 2, 2])):
            issuer, issuer_symbol, type_codes, _weight = rng.choices(ISSUERS, weights)[0]
            type_code = rng.choice(type_codes)
            document_type = types[type_code]
            document_date = max(received - dt.timedelta(days=rng.randint(0, 6)), FIRST_DAY)
            key = (issuer, type_code, document_date.year)
            serial[key] = serial.get(key, rng.randint(1, 40)) + rng.randint(1, 4)
            roll = rng.random()
            secrecy = Secrecy.SECRET if roll < 0.01 else Secrecy.CONFIDENTIAL if roll < 0.05 else Secrecy.NONE
            urgency = Urgency.URGENT if rng.random() < 0.12 else Urgency.NORMAL
            deadline = received + dt.timedelta(days=rng.randint(5, 20)) if rng.random() < 0.4 else None
            incoming_register(
                actor=clerk if secrecy <= clerk.clearance else None,
                organization=city,
                received_on=received,
                issuer=issuer,
                symbol=f"{serial[key]}-{document_type.abbreviation}/{issuer_symbol}",
                document_date=document_date,
                document_type=document_type,
                abstract=_abstract(rng, type_code, document_date.year),
                secrecy=secrecy,
                urgency=urgency,
                handler_unit=rng.choice(units),
                deadline=deadline,
            )
