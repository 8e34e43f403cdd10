"""The registry at a million documents: the register's first page, a filtered page,
searches for a common and a rare word (with and without diacritics), and registering
one document, each against the naive Django way in the same run.

    uv run python bench/registry.py                       # SQLite, 1,000,000 rows
    DATABASE_URL=postgres://… uv run python bench/registry.py
    uv run python bench/registry.py --rows 100000 --keep var/bench   # smaller, reusable

Every timing is what the page does for one request: the paginator's count and the
50 rows of page 1 (through `selectors.incoming_results`, so with the permission
filter of a real clerk), or one `services.incoming_register` call (number drawn
under the register's lock, audit event). The naive baselines are what a first
version would do: `icontains` on the columns and `order_by` with an exact count, and
`objects.create` with max()+1 for the number, no lock, no audit.

The documents are generated: twenty years of an office receiving 50,000 a year, with
abstracts built from the office's real vocabulary (DOMAIN.md), 150 issuers, 1 % in
the classified register; the rare words ("quần đảo Trường Sa") are in 1 document of
20,000; "Phú Lâm" is a district abolished in 2009, so its word is only in old
documents (the trap of newest-first searches, ../shared/MEASURED.md).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pgfresh import fresh_postgres

ROOT = Path(__file__).resolve().parent.parent
PAGE = 50

PREFIXES = [
    "V/v ",
    "Về việc ",
    "Báo cáo kết quả ",
    "Kế hoạch triển khai ",
    "Hướng dẫn thực hiện ",
    "Thông báo kết luận của Ban Thường vụ về ",
    "Tổng kết ",
    "Sơ kết ",
    "Đề nghị góp ý dự thảo về ",
    "Tăng cường ",
    "Chương trình hành động thực hiện ",
    "Triệu tập hội nghị về ",
]
TOPICS = [
    "công tác xây dựng Đảng và hệ thống chính trị",
    "công tác kiểm tra, giám sát của Đảng",
    "công tác dân vận",
    "phòng, chống tham nhũng, lãng phí, tiêu cực",
    "chuyển đổi số trong các cơ quan Đảng",
    "cải cách hành chính trong Đảng",
    "tổ chức đại hội chi bộ nhiệm kỳ {term}",
    "kết nạp đảng viên mới",
    "học tập, quán triệt Nghị quyết Hội nghị lần thứ {n} Ban Chấp hành Trung ương khóa {k}",
    "thực hiện Chỉ thị số {n}-CT/TW của Ban Bí thư",
    "công tác phát triển đảng viên",
    "bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác các quan điểm sai trái",
    "công tác thi đua, khen thưởng",
    "xây dựng nông thôn mới",
    "quản lý tài chính, tài sản của Đảng",
    "tuyên truyền kỷ niệm {n} năm Ngày thành lập Đảng Cộng sản Việt Nam",
    "giải quyết đơn thư khiếu nại, tố cáo",
    "công tác cán bộ",
    "quy hoạch cán bộ nhiệm kỳ {term}",
    "bồi dưỡng lý luận chính trị cho đảng viên",
    "thu, nộp, quản lý và sử dụng đảng phí",
    "đánh giá, xếp loại chất lượng tổ chức cơ sở đảng và đảng viên",
    "công tác bảo vệ chính trị nội bộ",
    "đăng ký lịch công tác của Thường trực Thành ủy",
    "công tác văn thư, lưu trữ của Đảng",
    "cử cán bộ tham dự lớp bồi dưỡng",
]
PLACES = ["", "", "", " trên địa bàn thành phố", " tại các chi bộ trực thuộc", " trong Đảng bộ Khối"]
RARE = " gắn với bảo vệ chủ quyền biển, đảo, quần đảo Trường Sa"
ISSUER_KINDS = [
    ("Ban Tổ chức Trung ương", "BTCTW"),
    ("Ban Tuyên giáo Trung ương", "BTGTW"),
    ("Ủy ban Kiểm tra Trung ương", "UBKTTW"),
    ("Văn phòng Trung ương Đảng", "VPTW"),
    ("Ban Tổ chức Thành ủy", "BTCTU"),
    ("Ban Tuyên giáo Thành ủy", "BTGTU"),
    ("Ban Dân vận Thành ủy", "BDVTU"),
    ("Ủy ban Kiểm tra Thành ủy", "UBKTTU"),
    ("Ủy ban nhân dân thành phố", "UBND"),
    ("Sở Nội vụ", "SNV"),
]
WARDS = [
    "Ngọc Hà", "Tân Phong", "Bình An", "Đông Xuyên", "Hòa Lạc", "Thạch Bàn", "Yên Phụ", "Kim Liên",
    "Phước Long", "Trung Hòa", "Mỹ Đình", "Đồng Tâm", "Quang Trung", "Lê Lợi", "Hưng Đạo",
]  # fmt: skip


def _issuers() -> list[tuple[str, str]]:
    issuers = list(ISSUER_KINDS)
    for n, ward in enumerate(WARDS * 9):
        kind = "Đảng ủy phường" if n % 3 else "Đảng ủy xã"
        suffix = f" {n // len(WARDS) + 1}" if n >= len(WARDS) else ""
        issuers.append((f"{kind} {ward}{suffix}", "ĐU"))
    return issuers[:150]


def _child(rows: int, repeat: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanphong.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    clerk, city = _office()
    _generate(city, rows)
    print(json.dumps(_measure(clerk, city, repeat)))


def _office() -> tuple[Any, Any]:
    from vanphong.core.models import Organization, Person, Role
    from vanphong.core.tests.factories import make_person, make_tree

    if not Organization.objects.exists():
        tree = make_tree()
        make_person(organization=tree.office, role=Role.CLERK, full_name="Văn thư Đo Đạc")
    clerk = Person.objects.get(full_name="Văn thư Đo Đạc")
    city = Organization.objects.get(name="Thành ủy Ngọc Sơn")
    return clerk, city


def _generate(city: Any, rows: int) -> None:
    """Add documents until there are `rows`, oldest first, in bulk: the terms made
    by the same function as the service's, the database indexing them itself."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from vanphong.core.models import Secrecy
    from vanphong.registry.models import Direction, DocumentType, IncomingDocument, Register, duplicate_key
    from vanphong.registry.search import incoming_terms

    have = IncomingDocument.objects.count()
    if have >= rows:
        return
    rng = random.Random(20261125 + have)
    types = list(DocumentType.objects.all())
    weights = {"cong-van": 50, "bao-cao": 12, "thong-bao": 10, "ke-hoach": 8, "quyet-dinh": 6, "to-trinh": 3}
    type_weights = [weights.get(t.code, 1) for t in types]
    issuers = _issuers()
    today = timezone.localdate()
    first = today - dt.timedelta(days=20 * 365)
    span = (today - first).days
    registers: dict[tuple[int, bool], Register] = {}
    numbers: dict[tuple[int, bool], int] = {}
    started = time.perf_counter()
    batch: list[IncomingDocument] = []
    for i in range(have, rows):
        received = first + dt.timedelta(days=span * i // rows)
        classified = rng.random() < 0.01
        key = (received.year, classified)
        if key not in registers:
            registers[key], _ = Register.objects.get_or_create(
                organization=city, direction=Direction.INCOMING, year=received.year, is_classified=classified
            )
            numbers[key] = registers[key].last_number
        numbers[key] += 1
        kind = rng.choices(types, type_weights)[0]
        if received.year <= 2009 and rng.random() < 0.15:
            issuer, abbreviation = "Huyện ủy Phú Lâm", "HU"
        else:
            issuer, abbreviation = rng.choice(issuers)
        topic = rng.choice(TOPICS).format(
            term=f"{received.year}-{received.year + 5}",
            n=rng.randint(1, 12),
            k=rng.choice(["XI", "XII", "XIII"]),
        )
        abstract = f"{rng.choice(PREFIXES)}{topic}{rng.choice(PLACES)}"
        if rng.random() < 1 / 20000:
            abstract += RARE
        abstract += f" năm {received.year}" if rng.random() < 0.5 else ""
        symbol = f"{rng.randint(1, 999)}-{kind.abbreviation}/{abbreviation}"
        batch.append(
            IncomingDocument(
                register=registers[key],
                organization=city,
                number=numbers[key],
                received_on=received,
                issuer=issuer,
                symbol=symbol,
                document_date=received - dt.timedelta(days=rng.randint(0, 5)),
                document_type=kind,
                abstract=abstract,
                secrecy=Secrecy.SECRET if classified else Secrecy.NONE,
                search_terms=incoming_terms(
                    type_name=kind.name, symbol=symbol, issuer=issuer, abstract=abstract
                ),
                duplicate_key=duplicate_key(issuer, symbol),
            )
        )
        if len(batch) == 10_000 or i == rows - 1:
            with transaction.atomic():
                IncomingDocument.objects.bulk_create(batch)
                for key, register in registers.items():
                    Register.objects.filter(pk=register.pk).update(last_number=numbers[key])
            batch = []
            done = i + 1 - have
            rate = done / (time.perf_counter() - started)
            print(f"  {i + 1:,} documents ({rate:,.0f}/s)", file=sys.stderr, flush=True)
    _analyze()


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _timed(run: Callable[[], object], repeat: int) -> dict[str, float]:
    for _ in range(2):
        run()  # warm the caches, as a clerk's second search is
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"p50": statistics.median(times), "p95": p95, "n": len(times)}


def _measure(clerk: Any, city: Any, repeat: int) -> dict[str, Any]:
    import datetime as dt

    from django.core.paginator import Paginator
    from django.db import connection
    from django.db.models import Max, Q
    from django.utils import timezone

    from vanphong.core.models import Organization
    from vanphong.registry import services
    from vanphong.registry.models import DocumentType, IncomingDocument, Register, duplicate_key
    from vanphong.registry.selectors import IncomingFilters, Order, incoming_results

    def page(filters: IncomingFilters) -> Callable[[], object]:
        def run() -> object:
            shown = Paginator(incoming_results(clerk, filters), PAGE).get_page(1)
            return shown.paginator.count, list(shown.object_list)

        return run

    def naive(query: str = "", **filters: Any) -> Callable[[], object]:
        def run() -> object:
            documents = IncomingDocument.objects.select_related("document_type", "register", "handler_unit")
            if query:
                documents = documents.filter(
                    Q(abstract__icontains=query) | Q(issuer__icontains=query) | Q(symbol__icontains=query)
                )
            documents = documents.filter(**filters).order_by("-received_on", "-number")
            shown = Paginator(documents, PAGE).get_page(1)
            return shown.paginator.count, list(shown.object_list)

        return run

    resolution = DocumentType.objects.get(code="nghi-quyet")
    year = timezone.localdate().year - 7
    span = {"received_from": dt.date(year, 1, 1), "received_to": dt.date(year, 12, 31)}
    slow = max(3, repeat // 6)  # the naive scans take seconds at a million rows
    cases: list[tuple[str, Callable[[], object], Callable[[], object], int]] = [
        ("register, first page", page(IncomingFilters()), naive(), repeat),
        (
            f"filtered: Nghị quyết received in {year}",
            page(IncomingFilters(document_type=resolution, **span)),
            naive(document_type=resolution, received_on__range=(span["received_from"], span["received_to"])),
            repeat,
        ),
    ]
    for label, text in [
        ("common word, accents", "Đảng"),
        ("common word, no accents", "dang"),
        ("common phrase, accents", "công tác cán bộ"),
        ("rare words, accents", "Trường Sa"),
        ("rare words, no accents", "truong sa"),
        ("symbol", "12-CV/BTCTW"),
        ("old-only word (trap), no accents", "phu lam"),
    ]:
        cases.append((f"search “{text}”: {label}", page(IncomingFilters(query=text)), naive(text), slow))
    cases.append(
        (
            "search “dang”, newest first",
            page(IncomingFilters(query="dang", order=Order.DATE)),
            naive("dang"),
            slow,
        )
    )
    results: dict[str, Any] = {
        "database": connection.vendor,
        "documents": IncomingDocument.objects.count(),
        "cases": [],
    }
    for label, ours, baseline, times in cases:
        found = ours()
        counted = found[0] if isinstance(found, tuple) else None
        naive_found = baseline()
        mine, theirs = _timed(ours, repeat), _timed(baseline, times)
        results["cases"].append(
            {
                "case": label,
                "ours": mine,
                "naive": theirs,
                "found": counted,
                "naive_found": naive_found[0] if isinstance(naive_found, tuple) else None,
            }
        )
        print(f"  {label}: {mine['p95']:.1f} ms p95 / naive {theirs['p95']:.1f} ms", file=sys.stderr)

    report = DocumentType.objects.get(code="bao-cao")
    today = timezone.localdate()
    counter = iter(range(10**6))

    def register() -> object:
        n = next(counter)
        return services.incoming_register(
            actor=clerk,
            organization=city,
            received_on=today,
            issuer="Ban Tổ chức Trung ương",
            symbol=f"{n}-BC/BENCH",
            document_date=today,
            document_type=report,
            abstract=f"Báo cáo đo tốc độ vào sổ lần {n}",
        )

    # The naive entries go in another committee's register, which the service never
    # numbers: a max()+1 there and a counter here would collide.
    other = Organization.objects.get(name="Tỉnh ủy Hà Bắc")
    book, _ = Register.objects.get_or_create(organization=other, direction="in", year=today.year)

    def register_naive() -> object:
        n = next(counter)
        last = IncomingDocument.objects.filter(register=book).aggregate(Max("number"))["number__max"] or 0
        return IncomingDocument.objects.create(
            register=book,
            organization=other,
            number=last + 1,
            received_on=today,
            issuer="Ban Tổ chức Trung ương",
            symbol=f"{n}-BC/NAIVE",
            document_date=today,
            document_type=report,
            abstract=f"Báo cáo đo tốc độ vào sổ lần {n}",
            duplicate_key=duplicate_key("Ban Tổ chức Trung ương", f"{n}-BC/NAIVE"),
        )

    register()
    results["cases"].append(
        {
            "case": "register one document",
            "ours": _timed(register, repeat),
            "naive": _timed(register_naive, repeat),
        }
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=40, help="timed runs of each case (p50/p95 of these)")
    parser.add_argument("--keep", help="directory for the SQLite file, kept and reused (default: a temp dir)")
    parser.add_argument(
        "--fresh", action="store_true", help="PostgreSQL: drop and recreate the database first"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.rows, args.repeat)
        return
    postgres = bool(os.environ.get("DATABASE_URL"))
    if postgres and args.fresh:
        fresh_postgres(os.environ["DATABASE_URL"])
    with tempfile.TemporaryDirectory() as scratch:
        var = args.keep or scratch
        Path(var).mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "VANPHONG_VAR_DIR": str(Path(var).resolve()), "PYTHONPATH": str(ROOT / "src")}
        child = [sys.executable, __file__, "--child", "--rows", str(args.rows), "--repeat", str(args.repeat)]
        out = subprocess.run(child, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
    results = json.loads(out.strip().splitlines()[-1])
    print(
        f"\n{results['database']}, {results['documents']:,} incoming documents, {args.repeat} runs a case\n"
    )
    print("| case | found | p50 | p95 | naive p50 | naive p95 | naive found | p95 ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for case in results["cases"]:
        ours, naive = case["ours"], case["naive"]
        found = "" if case.get("found") is None else f"{case['found']:,}"
        naive_found = "" if case.get("naive_found") is None else f"{case['naive_found']:,}"
        print(
            f"| {case['case']} | {found} | {ours['p50']:.1f} ms | {ours['p95']:.1f} ms "
            f"| {naive['p50']:.1f} ms | {naive['p95']:.1f} ms | {naive_found} "
            f"| {naive['p95'] / ours['p95']:.1f}× |"
        )


if __name__ == "__main__":
    main()
