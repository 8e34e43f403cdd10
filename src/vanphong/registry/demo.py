"""Demo data of the registry: about two years of the city office's incoming and
outgoing documents.

Called by `vanphong demo` after the core demo (the city committee, its people and
its congress terms). Written through `services.incoming_register` and
`services.outgoing_register`, as a clerk would, so numbers, series restarting with
the 17th term, the classified registers and the audit trail are real. Invented text
only.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from vanphong.core.models import Organization, Person, Secrecy
from vanphong.registry.models import DocumentType, IncomingDocument, OutgoingDocument, Urgency
from vanphong.registry.services import incoming_register, outgoing_cancel, outgoing_register

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
    """Register the demo's incoming and outgoing documents, each unless the city
    already has some."""
    documents = IncomingDocument.objects.filter(organization=city)
    if not documents.exists():
        _register_documents(city, out)
    outgoing = OutgoingDocument.objects.filter(organization=city)
    if not outgoing.exists():
        _number_outgoing(city, out)
    return {"incoming_documents": documents.count(), "outgoing_documents": outgoing.count()}


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


# --- Outgoing documents -----------------------------------------------------------------------

# DOMAIN.md §6: what one city office wrote in two years (11 nghị quyết, 19 chỉ thị,
# 18 chương trình, 89 kế hoạch, 340 kết luận, 369 thông báo, 2,471 công văn), a fifth
# of it to keep the demo quick to load, in the same proportions.
OUTGOING_COUNTS = {
    "nghi-quyet": 2,
    "chi-thi": 4,
    "chuong-trinh": 4,
    "ke-hoach": 18,
    "ket-luan": 68,
    "thong-bao": 74,
    "cong-van": 494,
}
OUTGOING_CANCELLED = 3

# Who signs each type, in what capacity (username, title), with a weight.
SIGNERS: dict[str, list[tuple[str, str, int]]] = {
    "nghi-quyet": [("bithu", "T/M THÀNH ỦY / BÍ THƯ", 1)],
    "chi-thi": [("bithu", "T/M BAN THƯỜNG VỤ / BÍ THƯ", 1)],
    "ket-luan": [
        ("bithu", "T/M BAN THƯỜNG VỤ / BÍ THƯ", 3),
        ("phobithu", "T/M BAN THƯỜNG VỤ / PHÓ BÍ THƯ", 1),
    ],
    "chuong-trinh": [("phobithu", "T/M BAN THƯỜNG VỤ / PHÓ BÍ THƯ", 1)],
    "ke-hoach": [("phobithu", "T/M BAN THƯỜNG VỤ / PHÓ BÍ THƯ", 2), ("btv", "T/M BAN THƯỜNG VỤ", 1)],
    "thong-bao": [
        ("phobithu", "T/M BAN THƯỜNG VỤ / PHÓ BÍ THƯ", 1),
        ("chanhvp", "T/L BAN THƯỜNG VỤ / CHÁNH VĂN PHÒNG", 3),
    ],
    "cong-van": [
        ("phobithu", "T/M BAN THƯỜNG VỤ / PHÓ BÍ THƯ", 2),
        ("chanhvp", "T/L BAN THƯỜNG VỤ / CHÁNH VĂN PHÒNG", 3),
    ],
}

OUTGOING_PREFIX = {
    "cong-van": "V/v",
    "thong-bao": "Ý kiến của Thường trực Thành ủy về",
    "ket-luan": "Về",
    "chi-thi": "Về",
    "nghi-quyet": "Về",
    "ke-hoach": "Triển khai",
    "chuong-trinh": "Thực hiện",
}

RECIPIENTS = [
    "Các đảng ủy trực thuộc,\nCác ban, đơn vị của Thành ủy,\nLưu Văn phòng Thành ủy.",
    "Ban Thường vụ Thành ủy,\nĐảng ủy Khối các cơ quan thành phố,\nLưu Văn phòng Thành ủy.",
    "Văn phòng Trung ương Đảng,\nBan Tổ chức Trung ương,\nLưu Văn phòng Thành ủy.",
    "Ban cán sự đảng Ủy ban nhân dân thành phố,\nĐảng đoàn Hội đồng nhân dân thành phố,\n"
    "Lưu Văn phòng Thành ủy.",
    "Các đồng chí Thành ủy viên,\nLưu Văn phòng Thành ủy.",
]


def _number_outgoing(city: Organization, out: Out) -> None:
    rng = random.Random(SEED + 1)
    today = timezone.localdate()
    types = {t.code: t for t in DocumentType.objects.filter(code__in=OUTGOING_COUNTS)}
    people = {
        p.username: p for p in Person.objects.filter(username__in=["vanthu", "chuyenvien", "phochanhvp"])
    }
    signers = {
        username: Person.objects.get(username=username)
        for username in {username for choices in SIGNERS.values() for username, *_rest in choices}
    }
    clerk = people["vanthu"]
    days = _working_days(FIRST_DAY, today)
    plan = sorted((rng.choice(days), code) for code, count in OUTGOING_COUNTS.items() for _ in range(count))
    out(f"Cấp số, vào sổ văn bản đi của Thành ủy từ {FIRST_DAY:%d/%m/%Y} ({len(plan)} văn bản)…")
    documents = []
    for issued_on, code in plan:
        choices = SIGNERS[code]
        username, title, _weight = rng.choices(choices, [weight for *_rest, weight in choices])[0]
        subject = rng.choice(SUBJECTS).format(year=issued_on.year)
        secrecy = Secrecy.CONFIDENTIAL if rng.random() < 0.03 else Secrecy.NONE
        documents.append(
            outgoing_register(
                actor=clerk,
                organization=city,
                issued_on=issued_on,
                document_type=types[code],
                abstract=f"{OUTGOING_PREFIX[code]} {subject}",
                signer=signers[username],
                signer_title=title,
                recipients=rng.choice(RECIPIENTS),
                drafter=people[rng.choice(["chuyenvien", "phochanhvp"])],
                copies=rng.randint(3, 60),
                secrecy=secrecy,
                urgency=Urgency.URGENT if rng.random() < 0.08 else Urgency.NORMAL,
            )
        )
    plain = [
        document
        for document in documents
        if document.document_type.code == "cong-van" and not document.secrecy
    ]
    for document in rng.sample(plain, OUTGOING_CANCELLED):
        outgoing_cancel(
            actor=clerk, document=document, note="Văn bản không phát hành: dự thảo được thay thế."
        )
