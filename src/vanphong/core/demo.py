"""The demo: an invented city committee, Thành ủy Ngọc Sơn, with its office, its
Đảng ủy Khối of 117 grassroots organizations and about 7,000 members, the wards
formed in July 2025, and one sign-in per role.

Everything is written through `vanphong.core.services`, so the demo's audit trail
is the one a real office would have after entering the same records. Names are
generated from a seeded random generator: the same day gives the same data.
Nothing here is a real city, unit or person.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from vanphong.core import services
from vanphong.core.models import (
    AuditEvent,
    CongressTerm,
    Membership,
    Organization,
    OrganizationKind,
    Person,
    Role,
    Secrecy,
)

DEMO_PASSWORD = "vanphong"
SEED = 2026

CENTRAL_NAME = "Ban Chấp hành Trung ương"
CITY_NAME = "Thành ủy Ngọc Sơn"
BLOC_NAME = "Đảng ủy Khối các cơ quan thành phố"
OFFICE_NAME = "Văn phòng Thành ủy"

BLOC_MEMBERS = 6_929  # DOMAIN.md §6: one Đảng ủy Khối, 117 grassroots organizations
BLOC_GRASSROOTS = 117

# Congresses: the city committee's 16th and 17th terms, the Khối's 6th and 7th.
CITY_TERM_16 = (dt.date(2020, 10, 15), dt.date(2025, 10, 14))
CITY_TERM_17_START = dt.date(2025, 10, 15)
BLOC_TERM_6 = (dt.date(2020, 7, 16), dt.date(2025, 8, 20))
BLOC_TERM_7_START = dt.date(2025, 8, 21)
REFORM_DAY = dt.date(2025, 7, 1)  # district level ended; new wards and communes
MERGER_DAY = dt.date(2025, 3, 1)  # departments merged under the 2025 restructuring

Out = Callable[[str], None]


# --- Result ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str  # in Vietnamese, as the login table shows it
    full_name: str
    organization: str
    password: str | None = DEMO_PASSWORD  # None: the account existed before the demo


@dataclass(frozen=True)
class DemoResult:
    created: bool  # False when the demo was already there
    logins: list[DemoLogin]
    counts: dict[str, int] = field(default_factory=dict)


# --- The sign-ins, one per role ---------------------------------------------------------


@dataclass(frozen=True)
class _LoginSpec:
    username: str
    full_name: str
    gender: str
    role: Role
    label: str
    clearance: Secrecy
    home: str  # "city", "office", "cell", "grassroots", "" (no organization)
    birth: dt.date
    joined: dt.date


LOGINS = [
    _LoginSpec(
        "bithu",
        "Trần Quốc Hưng",
        "M",
        Role.SECRETARY,
        "Bí thư Thành ủy",
        Secrecy.TOP_SECRET,
        "city",
        dt.date(1968, 3, 12),
        dt.date(1990, 5, 19),
    ),
    _LoginSpec(
        "phobithu",
        "Nguyễn Thị Thanh Hà",
        "F",
        Role.DEPUTY_SECRETARY,
        "Phó Bí thư Thành ủy",
        Secrecy.TOP_SECRET,
        "city",
        dt.date(1971, 9, 2),
        dt.date(1994, 2, 3),
    ),
    _LoginSpec(
        "btv",
        "Lê Văn Thắng",
        "M",
        Role.STANDING_MEMBER,
        "Ủy viên Ban Thường vụ Thành ủy",
        Secrecy.SECRET,
        "city",
        dt.date(1970, 11, 20),
        dt.date(1993, 12, 22),
    ),
    _LoginSpec(
        "capuy",
        "Phạm Minh Tuấn",
        "M",
        Role.COMMITTEE_MEMBER,
        "Thành ủy viên",
        Secrecy.CONFIDENTIAL,
        "city",
        dt.date(1975, 6, 8),
        dt.date(1998, 3, 26),
    ),
    _LoginSpec(
        "chanhvp",
        "Hoàng Văn Bình",
        "M",
        Role.OFFICE_CHIEF,
        "Chánh Văn phòng Thành ủy",
        Secrecy.SECRET,
        "office",
        dt.date(1972, 4, 27),
        dt.date(1995, 9, 2),
    ),
    _LoginSpec(
        "phochanhvp",
        "Đỗ Thị Thu Hằng",
        "F",
        Role.OFFICE_DEPUTY_CHIEF,
        "Phó Chánh Văn phòng",
        Secrecy.SECRET,
        "office",
        dt.date(1978, 8, 15),
        dt.date(2001, 6, 11),
    ),
    _LoginSpec(
        "chuyenvien",
        "Vũ Đức Anh",
        "M",
        Role.SPECIALIST,
        "Chuyên viên Văn phòng",
        Secrecy.CONFIDENTIAL,
        "office",
        dt.date(1988, 1, 30),
        dt.date(2012, 10, 14),
    ),
    _LoginSpec(
        "vanthu",
        "Nguyễn Thị Lan",
        "F",
        Role.CLERK,
        "Văn thư Văn phòng Thành ủy",
        Secrecy.CONFIDENTIAL,
        "office",
        dt.date(1985, 5, 5),
        dt.date(2009, 3, 8),
    ),
    _LoginSpec(
        "luutru",
        "Bùi Thị Minh Phương",
        "F",
        Role.ARCHIVIST,
        "Lưu trữ Văn phòng Thành ủy",
        Secrecy.CONFIDENTIAL,
        "office",
        dt.date(1983, 12, 1),
        dt.date(2008, 7, 1),
    ),
    _LoginSpec(
        "ketoan",
        "Đặng Thị Hồng Nhung",
        "F",
        Role.ACCOUNTANT,
        "Kế toán Văn phòng Thành ủy",
        Secrecy.NONE,
        "office",
        dt.date(1986, 2, 18),
        dt.date(2011, 5, 19),
    ),
    # The heads of the city's boards and their deputies, so that a board signs in and
    # reports on the follow-up tasks most conclusions give it. A Trưởng ban holds the
    # board's Standing Committee seat (STANDING).
    _LoginSpec(
        "truongban.tc",
        "Phan Văn Khải",
        "M",
        Role.UNIT_HEAD,
        "Trưởng Ban Tổ chức Thành ủy",
        Secrecy.SECRET,
        "BTCTU",
        dt.date(1969, 7, 14),
        dt.date(1992, 11, 5),
    ),
    _LoginSpec(
        "phoban.tc",
        "Lê Thị Hồng Vân",
        "F",
        Role.UNIT_DEPUTY_HEAD,
        "Phó Trưởng Ban Tổ chức Thành ủy",
        Secrecy.CONFIDENTIAL,
        "BTCTU",
        dt.date(1979, 3, 8),
        dt.date(2003, 5, 19),
    ),
    _LoginSpec(
        "truongban.tgdv",
        "Trịnh Minh Đức",
        "M",
        Role.UNIT_HEAD,
        "Trưởng Ban Tuyên giáo và Dân vận Thành ủy",
        Secrecy.SECRET,
        "BTGDVTU",
        dt.date(1970, 1, 25),
        dt.date(1993, 6, 16),
    ),
    _LoginSpec(
        "phoban.tgdv",
        "Võ Thị Thu Trang",
        "F",
        Role.UNIT_DEPUTY_HEAD,
        "Phó Trưởng Ban Tuyên giáo và Dân vận Thành ủy",
        Secrecy.CONFIDENTIAL,
        "BTGDVTU",
        dt.date(1981, 10, 2),
        dt.date(2005, 3, 26),
    ),
    _LoginSpec(
        "truongban.nc",
        "Đinh Quốc Toàn",
        "M",
        Role.UNIT_HEAD,
        "Trưởng Ban Nội chính Thành ủy",
        Secrecy.SECRET,
        "BNCTU",
        dt.date(1968, 12, 19),
        dt.date(1991, 9, 2),
    ),
    _LoginSpec(
        "phoban.nc",
        "Huỳnh Văn Lộc",
        "M",
        Role.UNIT_DEPUTY_HEAD,
        "Phó Trưởng Ban Nội chính Thành ủy",
        Secrecy.CONFIDENTIAL,
        "BNCTU",
        dt.date(1977, 5, 30),
        dt.date(2000, 12, 22),
    ),
    _LoginSpec(
        "dangvien",
        "Ngô Quang Huy",
        "M",
        Role.MEMBER,
        "Đảng viên (chi bộ)",
        Secrecy.NONE,
        "cell",
        dt.date(1992, 7, 21),
        dt.date(2016, 9, 2),
    ),
    _LoginSpec(
        "vanthu.coso",
        "Dương Thị Mai",
        "F",
        Role.CLERK,
        "Văn thư Đảng ủy cơ sở (kiêm nhiệm)",
        Secrecy.NONE,
        "grassroots",
        dt.date(1990, 10, 10),
        dt.date(2015, 3, 26),
    ),
    _LoginSpec(
        "admin",
        "Lý Minh Khoa",
        "M",
        Role.MEMBER,
        "Quản trị hệ thống",
        Secrecy.NONE,
        "",
        dt.date(1987, 4, 4),
        dt.date(2010, 1, 1),
    ),
]

# The sign-ins' e-mail (username@EMAIL_DOMAIN, a reserved domain: nothing is delivered),
# so that notifications reach them by mail too once the demo is loaded.
EMAIL_DOMAIN = "ngocson.example"
# The city's boards, by abbreviation (a sign-in's `home`), and the Standing Committee
# seat their head holds.
BOARDS = {
    "BTCTU": "Ban Tổ chức Thành ủy",
    "BTGDVTU": "Ban Tuyên giáo và Dân vận Thành ủy",
    "BNCTU": "Ban Nội chính Thành ủy",
}

# Where the sign-ins are Party members (their chi bộ), besides their role.
LOGIN_CELL = "Chi bộ Văn phòng Thành ủy"
LOGIN_GRASSROOTS = "Đảng ủy Sở Tư pháp"  # vanthu.coso is its clerk; dangvien a member below it
LOGIN_GRASSROOTS_CELL = "Chi bộ Văn phòng Sở"


# --- The organizations --------------------------------------------------------------------

# The city committee's own units: name, abbreviation, kind code.
CITY_UNITS = [
    (OFFICE_NAME, "VPTU", "office"),
    ("Ban Tổ chức Thành ủy", "BTCTU", "board"),
    ("Ban Tuyên giáo và Dân vận Thành ủy", "BTGDVTU", "board"),
    ("Ban Nội chính Thành ủy", "BNCTU", "board"),
    ("Ủy ban Kiểm tra Thành ủy", "UBKTTU", "inspection"),
]

# The abbreviation a committee signs with, by kind: its level, not its name.
COMMITTEE_ABBREVIATIONS = {
    "grassroots-committee": "ĐU",
    "commune": "ĐU",
    "grassroots-cell": "CB",
    "cell": "CB",
}

# The Khối's 117 grassroots organizations, in the order of the Khối's own list.
# Category: the kind of body, which sets its size, its chi bộ and its leaders' titles;
# "cb" is a chi bộ cơ sở (no chi bộ under it). A "25" suffix: formed by the 2025
# mergers, so everyone's membership starts then.
BLOC_UNITS: list[tuple[str, str]] = [
    ("Đảng ủy các cơ quan Đảng Thành ủy", "dang"),
    ("Chi bộ Cơ quan Đảng ủy Khối các cơ quan thành phố", "cb"),
    ("Đảng ủy Cơ quan Ủy ban Mặt trận Tổ quốc Việt Nam thành phố", "doan"),
    ("Đảng ủy Văn phòng Ủy ban nhân dân thành phố", "so"),
    ("Đảng ủy Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân thành phố", "so"),
    ("Đảng ủy Sở Tài chính", "so"),
    ("Đảng ủy Sở Nội vụ", "so25"),
    ("Đảng ủy Sở Xây dựng", "so25"),
    ("Đảng ủy Sở Nông nghiệp và Môi trường", "so25"),
    ("Đảng ủy Sở Khoa học và Công nghệ", "so25"),
    ("Đảng ủy Sở Công Thương", "so"),
    ("Đảng ủy Sở Giáo dục và Đào tạo", "so"),
    ("Đảng ủy Sở Y tế", "so"),
    ("Đảng ủy Sở Văn hóa, Thể thao và Du lịch", "so25"),
    ("Đảng ủy Sở Tư pháp", "so"),
    ("Đảng ủy Thanh tra thành phố", "so"),
    ("Chi bộ Sở Ngoại vụ", "cb"),
    ("Chi bộ Sở Dân tộc và Tôn giáo", "cb25"),
    ("Đảng ủy Báo và Phát thanh, Truyền hình Ngọc Sơn", "media25"),
    ("Đảng ủy Ban Quản lý các khu công nghiệp", "bql"),
    ("Đảng ủy Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp", "bql"),
    ("Đảng ủy Ban Quản lý dự án đầu tư xây dựng các công trình giao thông", "bql"),
    ("Đảng ủy Ban Quản lý Khu kinh tế Ngọc Sơn", "bql"),
    ("Chi bộ Ban Quản lý dự án đầu tư xây dựng các công trình nông nghiệp", "cb"),
    ("Chi bộ Ban Quản lý di tích và danh thắng", "cb"),
    ("Chi bộ Ban Quản lý Cảng cá", "cb"),
    ("Chi bộ Ban Quản lý Khu bảo tồn thiên nhiên Núi Ngọc", "cb"),
    ("Đảng ủy Bệnh viện Đa khoa thành phố", "bv"),
    ("Đảng ủy Bệnh viện Đa khoa khu vực Bắc Ngọc Sơn", "bv"),
    ("Đảng ủy Bệnh viện Phụ sản – Nhi", "bv"),
    ("Đảng ủy Bệnh viện Y học cổ truyền", "bv"),
    ("Đảng ủy Bệnh viện Phổi", "bv"),
    ("Đảng ủy Bệnh viện Tâm thần", "bv"),
    ("Đảng ủy Bệnh viện Ung bướu", "bv"),
    ("Đảng ủy Bệnh viện Mắt", "bv"),
    ("Đảng ủy Trung tâm Kiểm soát bệnh tật", "bv"),
    ("Chi bộ Bệnh viện Da liễu", "cb"),
    ("Chi bộ Bệnh viện Phục hồi chức năng", "cb"),
    ("Chi bộ Trung tâm Pháp y", "cb"),
    ("Chi bộ Trung tâm Giám định y khoa", "cb"),
    ("Chi bộ Trung tâm Cấp cứu 115", "cb"),
    ("Chi bộ Trung tâm Kiểm nghiệm thuốc, mỹ phẩm, thực phẩm", "cb"),
    ("Đảng ủy Trường Đại học Ngọc Sơn", "truong"),
    ("Đảng ủy Trường Chính trị thành phố", "truong"),
    ("Đảng ủy Trường Cao đẳng Y tế", "truong"),
    ("Đảng ủy Trường Cao đẳng Sư phạm", "truong"),
    ("Đảng ủy Trường Cao đẳng Kỹ thuật – Công nghệ", "truong"),
    ("Chi bộ Trường Cao đẳng Du lịch", "cb"),
    ("Chi bộ Trường Trung cấp Kinh tế – Kỹ thuật", "cb"),
    ("Chi bộ Trường Trung cấp Văn hóa Nghệ thuật", "cb"),
    ("Chi bộ Trường Trung học phổ thông chuyên Ngọc Sơn", "cb"),
    ("Chi bộ Trường Trung học phổ thông Nguyễn Trãi", "cb"),
    ("Chi bộ Trường Trung học phổ thông Lê Quý Đôn", "cb"),
    ("Chi bộ Trường Trung học phổ thông Trần Phú", "cb"),
    ("Chi bộ Trường Trung học phổ thông Chu Văn An", "cb"),
    ("Chi bộ Trường Trung học phổ thông Nguyễn Du", "cb"),
    ("Chi bộ Trường Trung học phổ thông Phan Bội Châu", "cb"),
    ("Chi bộ Trường Trung học phổ thông Hoàng Hoa Thám", "cb"),
    ("Chi bộ Trường Phổ thông Dân tộc nội trú thành phố", "cb"),
    ("Chi bộ Trung tâm Giáo dục thường xuyên thành phố", "cb"),
    ("Chi bộ Trung tâm Hỗ trợ phát triển giáo dục hòa nhập", "cb"),
    ("Đảng ủy Thuế thành phố", "nganh"),
    ("Đảng ủy Bảo hiểm xã hội thành phố", "nganh"),
    ("Đảng ủy Kho bạc Nhà nước thành phố", "nganh"),
    ("Đảng ủy Hải quan Ngọc Sơn", "nganh"),
    ("Đảng ủy Ngân hàng Nhà nước chi nhánh Ngọc Sơn", "nganh"),
    ("Chi bộ Thống kê thành phố", "cb"),
    ("Chi bộ Ngân hàng Chính sách xã hội chi nhánh Ngọc Sơn", "cb"),
    ("Chi bộ Ngân hàng Phát triển chi nhánh khu vực Ngọc Sơn", "cb"),
    ("Chi bộ Quỹ Đầu tư phát triển thành phố", "cb"),
    ("Chi bộ Quỹ Bảo lãnh tín dụng cho doanh nghiệp nhỏ và vừa", "cb"),
    ("Chi bộ Đài Khí tượng Thủy văn thành phố", "cb"),
    ("Chi bộ Chi cục Quản lý thị trường", "cb"),
    ("Chi bộ Chi cục Tiêu chuẩn Đo lường Chất lượng", "cb"),
    ("Chi bộ Chi cục Biển và Hải đảo", "cb"),
    ("Chi bộ Trung tâm Phục vụ hành chính công", "cb25"),
    ("Chi bộ Trung tâm Lưu trữ lịch sử", "cb"),
    ("Chi bộ Trung tâm Thông tin và Xúc tiến thương mại", "cb"),
    ("Chi bộ Trung tâm Xúc tiến Du lịch", "cb"),
    ("Chi bộ Trung tâm Khuyến nông", "cb"),
    ("Chi bộ Trung tâm Nước sạch và Vệ sinh môi trường nông thôn", "cb"),
    ("Chi bộ Trung tâm Quy hoạch và Kiểm định xây dựng", "cb"),
    ("Chi bộ Trung tâm Đăng kiểm xe cơ giới", "cb"),
    ("Chi bộ Trung tâm Bảo trợ xã hội", "cb"),
    ("Chi bộ Trung tâm Dịch vụ việc làm", "cb"),
    ("Chi bộ Cơ sở Cai nghiện ma túy thành phố", "cb"),
    ("Chi bộ Văn phòng Ban An toàn giao thông", "cb"),
    ("Chi bộ Văn phòng Điều phối chương trình nông thôn mới", "cb"),
    ("Chi bộ Liên minh Hợp tác xã thành phố", "cb"),
    ("Chi bộ Liên hiệp các Hội Khoa học và Kỹ thuật", "cb"),
    ("Chi bộ Liên hiệp các tổ chức hữu nghị", "cb"),
    ("Chi bộ Hội Văn học Nghệ thuật", "cb"),
    ("Chi bộ Hội Nhà báo thành phố", "cb"),
    ("Chi bộ Hội Luật gia thành phố", "cb"),
    ("Chi bộ Hội Chữ thập đỏ thành phố", "cb"),
    ("Chi bộ Nhà xuất bản Ngọc Sơn", "cb"),
    ("Chi bộ Thư viện thành phố", "cb"),
    ("Chi bộ Bảo tàng thành phố", "cb"),
    ("Chi bộ Nhà hát Nghệ thuật truyền thống", "cb"),
    ("Chi bộ Trung tâm Văn hóa – Điện ảnh", "cb"),
    ("Chi bộ Trung tâm Huấn luyện và Thi đấu thể dục thể thao", "cb"),
    ("Đảng ủy Công ty TNHH Một thành viên Cấp nước Ngọc Sơn", "dn"),
    ("Đảng ủy Công ty Cổ phần Môi trường đô thị Ngọc Sơn", "dn"),
    ("Đảng ủy Công ty Điện lực Ngọc Sơn", "dn"),
    ("Đảng ủy Viễn thông Ngọc Sơn", "dn"),
    ("Đảng ủy Bưu điện thành phố Ngọc Sơn", "dn"),
    ("Đảng ủy Công ty Cổ phần Cảng Ngọc Sơn", "dn"),
    ("Đảng ủy Ngân hàng Nông nghiệp và Phát triển nông thôn chi nhánh Ngọc Sơn", "dn"),
    ("Đảng ủy Ngân hàng Thương mại cổ phần Công Thương chi nhánh Ngọc Sơn", "dn"),
    ("Chi bộ Ngân hàng Thương mại cổ phần Ngoại thương chi nhánh Ngọc Sơn", "cb"),
    ("Chi bộ Ngân hàng Thương mại cổ phần Đầu tư và Phát triển chi nhánh Ngọc Sơn", "cb"),
    ("Chi bộ Công ty Xổ số kiến thiết Ngọc Sơn", "cb"),
    ("Chi bộ Công ty Cổ phần Xe khách Ngọc Sơn", "cb"),
    ("Chi bộ Công ty Cổ phần Công viên cây xanh Ngọc Sơn", "cb"),
    ("Chi bộ Công ty TNHH Một thành viên Khai thác công trình thủy lợi", "cb"),
    ("Chi bộ Công ty Cổ phần Dược phẩm Ngọc Sơn", "cb"),
    ("Chi bộ Công ty Cổ phần Sách và Thiết bị trường học", "cb"),
]

# The chi bộ under each kind of Đảng ủy cơ sở (a unit takes as many as its size needs).
CELLS: dict[str, list[str]] = {
    "dang": [
        "Văn phòng Thành ủy",
        "Ban Tổ chức Thành ủy",
        "Ban Tuyên giáo và Dân vận Thành ủy",
        "Ban Nội chính Thành ủy",
        "Cơ quan Ủy ban Kiểm tra Thành ủy",
    ],
    "so": [
        "Văn phòng Sở",
        "Thanh tra Sở",
        "Phòng Kế hoạch – Tài chính",
        "Phòng Tổ chức cán bộ",
        "Phòng Pháp chế",
        "Phòng Quản lý chuyên ngành",
        "Phòng Nghiệp vụ 1",
        "Phòng Nghiệp vụ 2",
        "Trung tâm Công nghệ thông tin",
        "Trung tâm Dịch vụ",
        "Đơn vị sự nghiệp",
        "Chi cục trực thuộc",
    ],
    "bv": [
        "Khoa Khám bệnh",
        "Khoa Cấp cứu",
        "Khoa Hồi sức tích cực – Chống độc",
        "Khoa Nội tổng hợp",
        "Khoa Nội tim mạch",
        "Khoa Ngoại tổng hợp",
        "Khoa Chấn thương chỉnh hình",
        "Khoa Gây mê hồi sức",
        "Khoa Xét nghiệm",
        "Khoa Chẩn đoán hình ảnh",
        "Khoa Dược",
        "Phòng Kế hoạch tổng hợp",
        "Phòng Điều dưỡng",
        "Phòng Tổ chức cán bộ",
        "Phòng Tài chính – Kế toán",
        "Phòng Hành chính quản trị",
    ],
    "truong": [
        "Phòng Đào tạo",
        "Phòng Tổ chức – Hành chính",
        "Phòng Công tác sinh viên",
        "Khoa Khoa học cơ bản",
        "Khoa Kinh tế",
        "Khoa Công nghệ thông tin",
        "Khoa Kỹ thuật",
        "Khoa Ngoại ngữ",
        "Khoa Lý luận chính trị",
        "Trung tâm Thông tin – Thư viện",
        "Sinh viên",
    ],
    "bql": [
        "Văn phòng",
        "Phòng Kế hoạch – Tổng hợp",
        "Phòng Quản lý đầu tư",
        "Phòng Quản lý quy hoạch và xây dựng",
        "Phòng Quản lý doanh nghiệp",
        "Phòng Quản lý môi trường",
        "Phòng Kỹ thuật",
        "Phòng Điều hành dự án 1",
        "Phòng Điều hành dự án 2",
    ],
    "dn": [
        "Văn phòng Công ty",
        "Phòng Kỹ thuật",
        "Phòng Kinh doanh",
        "Phòng Tài chính – Kế toán",
        "Phòng Tổ chức – Lao động",
        "Xí nghiệp số 1",
        "Xí nghiệp số 2",
        "Xí nghiệp số 3",
        "Đội Quản lý vận hành",
        "Phân xưởng Sửa chữa",
        "Chi nhánh khu vực Bắc",
        "Chi nhánh khu vực Nam",
    ],
    "nganh": [
        "Văn phòng",
        "Phòng Tổ chức cán bộ",
        "Phòng Nghiệp vụ 1",
        "Phòng Nghiệp vụ 2",
        "Phòng Kiểm tra",
        "Phòng Kế hoạch – Tài chính",
        "Phòng Công nghệ thông tin",
        "Khu vực 1",
        "Khu vực 2",
        "Khu vực 3",
    ],
    "doan": [
        "Văn phòng",
        "Ban Tổ chức – Kiểm tra",
        "Ban Dân chủ – Pháp luật",
        "Ban Phong trào",
        "Hội Liên hiệp Phụ nữ",
        "Hội Nông dân",
        "Hội Cựu chiến binh",
        "Thành Đoàn",
        "Liên đoàn Lao động",
    ],
    "media": [
        "Ban Thời sự",
        "Ban Chuyên đề",
        "Ban Biên tập báo in",
        "Ban Báo điện tử",
        "Phòng Kỹ thuật",
        "Phòng Hành chính – Trị sự",
    ],
}
# Units whose chi bộ are their own.
UNIT_CELLS: dict[str, list[str]] = {
    "Đảng ủy Sở Tài chính": [
        "Văn phòng Sở",
        "Thanh tra Sở",
        "Phòng Quản lý ngân sách",
        "Phòng Quản lý giá và công sản",
        "Phòng Tài chính đầu tư",
        "Phòng Kế hoạch tổng hợp",
        "Phòng Doanh nghiệp, kinh tế tập thể và hợp tác xã",
        "Trung tâm Dịch vụ tài chính công",
    ],
    "Đảng ủy Sở Y tế": [
        "Văn phòng Sở",
        "Thanh tra Sở",
        "Phòng Nghiệp vụ Y",
        "Phòng Nghiệp vụ Dược",
        "Chi cục Dân số",
        "Chi cục An toàn vệ sinh thực phẩm",
    ],
    "Đảng ủy Sở Giáo dục và Đào tạo": [
        "Văn phòng Sở",
        "Thanh tra Sở",
        "Phòng Giáo dục phổ thông",
        "Phòng Giáo dục thường xuyên",
        "Phòng Khảo thí và Quản lý chất lượng",
        "Phòng Tổ chức cán bộ",
    ],
    "Đảng ủy Sở Nông nghiệp và Môi trường": [
        "Văn phòng Sở",
        "Thanh tra Sở",
        "Chi cục Kiểm lâm",
        "Chi cục Thủy lợi",
        "Chi cục Trồng trọt và Bảo vệ thực vật",
        "Chi cục Chăn nuôi và Thú y",
        "Văn phòng Đăng ký đất đai",
        "Trung tâm Quan trắc môi trường",
        "Phòng Quản lý đất đai",
        "Chi cục Thủy sản",
    ],
}

# The chi bộ merged away in 2025 (closed, so the history shows a closed unit).
MERGED_UNIT = "Đảng ủy Sở Tài chính"
MERGED_CELL = "Chi bộ Trung tâm Xúc tiến đầu tư và Hỗ trợ doanh nghiệp"
MERGED_INTO = "Chi bộ Phòng Doanh nghiệp, kinh tế tập thể và hợp tác xã"
MERGED_CLOSED_ON = dt.date(2025, 2, 28)
MERGED_NOTE = (
    "Sáp nhập vào Chi bộ Phòng Doanh nghiệp, kinh tế tập thể và hợp tác xã từ ngày 01/3/2025, "
    "khi Sở Kế hoạch và Đầu tư hợp nhất vào Sở Tài chính theo đề án sắp xếp tổ chức bộ máy."
)

# Wards and communes straight under the city committee since 1 July 2025.
WARDS: list[tuple[str, list[str]]] = [
    ("Đảng ủy phường Hồng Hà", ["Khu phố 1", "Khu phố 2", "Khu phố 3", "Cơ quan Ủy ban nhân dân phường"]),
    ("Đảng ủy phường Đông Thành", ["Khu phố Đông", "Khu phố Tây", "Cơ quan Ủy ban nhân dân phường"]),
    ("Đảng ủy phường Ngọc Lâm", ["Tổ dân phố 1", "Tổ dân phố 2", "Tổ dân phố 3"]),
    ("Đảng ủy phường Bình Minh", ["Khu phố Bình An", "Khu phố Bình Yên", "Trường Tiểu học Bình Minh"]),
    ("Đảng ủy xã Yên Phú", ["Thôn Đông", "Thôn Trung", "Thôn Đoài", "Cơ quan Ủy ban nhân dân xã"]),
    ("Đảng ủy xã Tân Lập", ["Thôn Tân Thành", "Thôn Tân Hòa", "Trường Trung học cơ sở Tân Lập"]),
]

# Grassroots units left without a current Bí thư, for the office to follow up:
# (unit, the secretary's end date or None if there never was one, note).
WITHOUT_SECRETARY: list[tuple[str, dt.date | None, str]] = [
    ("Đảng ủy Bệnh viện Phổi", dt.date(2026, 9, 30), "Nghỉ hưu theo chế độ từ ngày 01/10/2026"),
    ("Chi bộ Trung tâm Đăng kiểm xe cơ giới", dt.date(2026, 8, 14), "Chuyển công tác"),
    ("Chi bộ Trung tâm Phục vụ hành chính công", None, ""),
]

# The Standing Committee of the 17th term, besides the sign-ins: (title, unit or
# chi bộ the person is drawn from). With bithu, phobithu and btv: 13 in all.
STANDING: list[tuple[str, Role, str]] = [
    ("Phó Bí thư Thường trực Thành ủy", Role.DEPUTY_SECRETARY, "Chi bộ Văn phòng Thành ủy"),
    ("Trưởng Ban Tổ chức Thành ủy", Role.STANDING_MEMBER, "Chi bộ Ban Tổ chức Thành ủy"),
    (
        "Trưởng Ban Tuyên giáo và Dân vận Thành ủy",
        Role.STANDING_MEMBER,
        "Chi bộ Ban Tuyên giáo và Dân vận Thành ủy",
    ),
    ("Trưởng Ban Nội chính Thành ủy", Role.STANDING_MEMBER, "Chi bộ Ban Nội chính Thành ủy"),
    ("Chủ nhiệm Ủy ban Kiểm tra Thành ủy", Role.STANDING_MEMBER, "Chi bộ Cơ quan Ủy ban Kiểm tra Thành ủy"),
    (
        "Bí thư Đảng ủy Khối các cơ quan thành phố",
        Role.STANDING_MEMBER,
        "Chi bộ Cơ quan Đảng ủy Khối các cơ quan thành phố",
    ),
    (
        "Chủ tịch Ủy ban nhân dân thành phố",
        Role.STANDING_MEMBER,
        "Đảng ủy Văn phòng Ủy ban nhân dân thành phố",
    ),
    (
        "Phó Chủ tịch Thường trực Ủy ban nhân dân thành phố",
        Role.STANDING_MEMBER,
        "Đảng ủy Văn phòng Ủy ban nhân dân thành phố",
    ),
    (
        "Phó Chủ tịch Thường trực Hội đồng nhân dân thành phố",
        Role.STANDING_MEMBER,
        "Đảng ủy Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân thành phố",
    ),
    (
        "Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam thành phố",
        Role.STANDING_MEMBER,
        "Đảng ủy Cơ quan Ủy ban Mặt trận Tổ quốc Việt Nam thành phố",
    ),
]
COMMITTEE_SIZE = 45  # Thành ủy viên in all, the Standing Committee included

# Title of a unit's head, by category, for the committee members' notes.
HEAD_TITLES = {
    "so": "Giám đốc",
    "so25": "Giám đốc",
    "bv": "Giám đốc",
    "truong": "Hiệu trưởng",
    "bql": "Trưởng",
}


# --- Names ----------------------------------------------------------------------------------

FAMILY_NAMES = [
    ("Nguyễn", 38.0),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.0),
    ("Hoàng", 3.6),
    ("Huỳnh", 1.6),
    ("Phan", 4.5),
    ("Vũ", 2.6),
    ("Võ", 2.4),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
    ("Đinh", 1.0),
    ("Trương", 0.9),
    ("Trịnh", 0.7),
    ("Mai", 0.7),
    ("Đoàn", 0.7),
    ("Hà", 0.6),
    ("Lương", 0.5),
    ("Cao", 0.5),
    ("Lâm", 0.4),
    ("Tạ", 0.3),
    ("Tô", 0.3),
    ("Chu", 0.3),
    ("Lưu", 0.3),
    ("Thái", 0.2),
    ("Kiều", 0.2),
    ("Vương", 0.2),
]
MIDDLE_NAMES = {
    "M": [
        ("Văn", 30),
        ("Đức", 8),
        ("Minh", 9),
        ("Hữu", 6),
        ("Quang", 6),
        ("Đình", 6),
        ("Công", 5),
        ("Thanh", 5),
        ("Quốc", 5),
        ("Xuân", 4),
        ("Ngọc", 3),
        ("Trọng", 3),
        ("Hoàng", 3),
        ("Duy", 3),
        ("Thế", 3),
        ("Mạnh", 2),
        ("Tuấn", 2),
        ("Tiến", 2),
        ("Bá", 2),
        ("Anh", 2),
        ("Việt", 2),
        ("Trung", 2),
        ("Hải", 2),
        ("Văn Minh", 1),
        ("Đức Anh", 1),
    ],
    "F": [
        ("Thị", 45),
        ("Thu", 6),
        ("Ngọc", 6),
        ("Thanh", 6),
        ("Minh", 4),
        ("Hồng", 4),
        ("Thúy", 3),
        ("Thùy", 3),
        ("Kim", 3),
        ("Phương", 2),
        ("Mai", 2),
        ("Bích", 2),
        ("Khánh", 2),
        ("Hoài", 2),
        ("Mỹ", 2),
        ("Hải", 2),
        ("Diệu", 1),
        ("Quỳnh", 1),
        ("Thị Thu", 3),
        ("Thị Thanh", 3),
        ("Thị Minh", 2),
        ("Thị Ngọc", 2),
        ("Thị Hồng", 2),
        ("Thị Kim", 1),
    ],
}
_MALE_GIVEN = (
    "An Anh Bảo Bình Cường Chiến Chính Công Dũng Duy Dương Đạt Điệp Định Đông Đức Giang Hải Hào "
    "Hậu Hiếu Hiển Hiệp Hòa Hoàng Hùng Huy Hưng Khải Khang Khánh Khoa Kiên Lâm Linh Lộc Long Lợi "
    "Luân Mạnh Minh Nam Nghĩa Ngọc Nhân Phong Phú Phúc Phương Quân Quang Quý Sơn Tài Tâm Tân Thái "
    "Thắng Thanh Thành Thịnh Thông Tiến Toàn Trí Trung Trường Tú Tuấn Tùng Việt Vinh Vũ Xuân"
)
_FEMALE_GIVEN = (
    "An Anh Ánh Bích Châu Chi Diệp Dung Duyên Giang Hà Hạnh Hằng Hậu Hiền Hoa Hòa Hồng Huệ Hương "
    "Hường Huyền Lan Liên Liễu Linh Loan Ly Mai My Nga Ngân Ngọc Nguyệt Nhàn Nhi Nhung Oanh Phượng "
    "Phương Quyên Quỳnh Sen Tâm Thảo Thắm Thanh Thoa Thơm Thu Thúy Thủy Trang Trinh Tuyết Uyên Vân "
    "Xuân Yến"
)
GIVEN_NAMES = {"M": _MALE_GIVEN.split(), "F": _FEMALE_GIVEN.split()}


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._family = [name for name, _ in FAMILY_NAMES]
        self._family_weights = [w for _, w in FAMILY_NAMES]
        self._middle = {
            g: ([n for n, _ in pairs], [w for _, w in pairs]) for g, pairs in MIDDLE_NAMES.items()
        }

    def full_name(self, gender: str) -> str:
        family = self.rng.choices(self._family, self._family_weights)[0]
        names, weights = self._middle[gender]
        middle = self.rng.choices(names, weights)[0]
        given = self.rng.choice(GIVEN_NAMES[gender])
        while given == middle.split()[-1]:
            given = self.rng.choice(GIVEN_NAMES[gender])
        return f"{family} {middle} {given}"


# --- Helpers ---------------------------------------------------------------------------------


def number(n: int) -> str:
    """6929 -> "6.929", the Vietnamese way."""
    return f"{n:,}".replace(",", ".")


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _years_before(day: dt.date, years: float) -> dt.date:
    return day - dt.timedelta(days=round(years * 365.25))


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _split(rng: random.Random, total: int, parts: int, minimum: int) -> list[int]:
    """`total` split into `parts` random sizes of at least `minimum`."""
    minimum = min(minimum, total // parts)
    weights = [rng.uniform(0.6, 1.6) for _ in range(parts)]
    spare = total - minimum * parts
    sizes = [minimum + int(spare * w / sum(weights)) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % parts] += 1
    return sizes


@dataclass
class _Member:
    username: str
    full_name: str
    gender: str
    birth: dt.date
    joined: dt.date
    started: dt.date
    cell: Organization  # the chi bộ (or chi bộ cơ sở) of the membership


@dataclass
class _Unit:
    name: str
    category: str
    org: Organization
    cells: list[Organization]
    congress: dt.date
    members: list[_Member] = field(default_factory=list)

    def members_of(self, cell: Organization) -> list[_Member]:
        return [m for m in self.members if m.cell.pk == cell.pk]

    def cell_named(self, name: str) -> Organization:
        return next(c for c in self.cells if c.name == name)


class DemoError(Exception):
    """The demo cannot be loaded into this database."""


class _Builder:
    """Builds the demo in order; every write goes through `services`."""

    def __init__(self, out: Out) -> None:
        self.out = out
        self.rng = random.Random(SEED)
        self.names = _Names(self.rng)
        self.today = timezone.localdate()
        self.kinds = {k.code: k for k in OrganizationKind.objects.all()}
        self.serial = 0
        self.units: dict[str, _Unit] = {}
        self.used: set[str] = set()  # usernames already given a leading role
        self.people: dict[str, Person] = {}
        self.secretary_of: dict[str, _Member] = {}  # unit name -> its Bí thư, chosen early
        self.merged_cell: Organization | None = None
        self.merged_members: list[_Member] = []

    # Organizations -------------------------------------------------------------------------

    def organization(
        self,
        parent: Organization | None,
        name: str,
        kind: str,
        opened_on: dt.date | None,
        abbreviation: str | None = None,
    ) -> Organization:
        # Committees sign with their level, as real symbols do (12-NQ/ĐU, 05-NQ/CB).
        abbreviation = abbreviation or COMMITTEE_ABBREVIATIONS[kind]
        return services.organization_create(
            actor=None,
            parent=parent,
            name=name,
            abbreviation=abbreviation,
            kind=self.kinds[kind],
            opened_on=opened_on,
        )

    # People --------------------------------------------------------------------------------

    def member(
        self,
        cell: Organization,
        *,
        ages: tuple[float, float, float] = (23, 62, 41),
        female_share: float = 0.48,
        not_after: dt.date | None = None,
    ) -> _Member:
        """One generated member of `cell`: 22–65 years old, admitted to the Party after
        18 (a few this year), in this chi bộ since a transfer, their admission or the
        unit's founding, whichever is latest."""
        rng, today = self.rng, self.today
        latest = min(not_after or today, today)
        gender = "F" if rng.random() < female_share else "M"
        low, high, mode = ages
        age = min(max(rng.triangular(low, high, mode), 22.0), 65.9)
        birth = _years_before(today, age)
        adult = _years_before(today, age - 18) + dt.timedelta(days=1)
        if not_after is None and rng.random() < 0.025:
            joined = _date_between(rng, dt.date(today.year, 1, 1), today)  # admitted this year
        else:
            years = rng.triangular(0, 20, 4)
            if adult + dt.timedelta(days=round(years * 365.25)) > latest:
                years = rng.uniform(0, (latest - adult).days / 365.25)
            joined = adult + dt.timedelta(days=round(years * 365.25))
        transfer = _years_before(today, rng.uniform(0, 25))
        started = min(max(joined, transfer, cell.opened_on or joined), latest)
        self.serial += 1
        return _Member(
            username=f"dv{self.serial:05d}",
            full_name=self.names.full_name(gender),
            gender=gender,
            birth=birth,
            joined=joined,
            started=started,
            cell=cell,
        )

    def import_members(self, organization: Organization, members: Sequence[tuple[_Member, Role]]) -> None:
        """One roll, one event: the members of one unit with their memberships."""
        services.people_import(
            actor=None,
            organization=organization,
            records=[
                services.PersonRecord(
                    username=m.username,
                    full_name=m.full_name,
                    gender=m.gender,
                    birth_date=m.birth,
                    joined_party_on=m.joined,
                    organization_id=m.cell.pk,
                    role=role,
                    started_on=m.started,
                )
                for m, role in members
            ],
        )

    def pick(
        self, members: Iterable[_Member], min_age: int = 35, max_age: int = 60, female_share: float = 0.3
    ) -> _Member:
        """A member not yet given a leading role, of a leader's age when possible; fewer
        women than men hold these posts."""
        free = [m for m in members if m.username not in self.used]
        fitting = [m for m in free if min_age <= _age(m.birth, self.today) <= max_age] or free
        gender = "F" if self.rng.random() < female_share else "M"
        chosen = self.rng.choice([m for m in fitting if m.gender == gender] or fitting)
        self.used.add(chosen.username)
        return chosen

    def load_people(self, usernames: Iterable[str]) -> None:
        wanted = [u for u in usernames if u not in self.people]
        self.people.update(Person.objects.in_bulk(wanted, field_name="username"))

    def role(
        self,
        member: _Member | Person,
        organization: Organization,
        role: Role,
        started_on: dt.date,
        ended_on: dt.date | None = None,
        note: str = "",
    ) -> None:
        person = self.people[member.username] if isinstance(member, _Member) else member
        services.membership_add(
            actor=None,
            person=person,
            organization=organization,
            role=role,
            started_on=started_on,
            ended_on=ended_on,
            note=note,
        )

    # The tree ------------------------------------------------------------------------------

    def tree(self) -> None:
        self.out(f"Tạo {CITY_NAME}: Văn phòng, các ban, {BLOC_NAME}…")
        roots = Organization.objects.get_root_nodes()
        central = roots.filter(name=CENTRAL_NAME, closed_on__isnull=True).first()
        if central is None:
            central = self.organization(None, CENTRAL_NAME, "central", dt.date(1930, 2, 3), "TW")
        self.city = self.organization(central, CITY_NAME, "provincial", dt.date(1946, 3, 19), "TU")
        services.term_add(
            actor=None,
            organization=self.city,
            number=16,
            started_on=CITY_TERM_16[0],
            ended_on=CITY_TERM_16[1],
        )
        services.term_add(actor=None, organization=self.city, number=17, started_on=CITY_TERM_17_START)
        self.boards: dict[str, Organization] = {}
        for name, abbreviation, kind in CITY_UNITS:
            unit = self.organization(self.city, name, kind, dt.date(1946, 3, 19), abbreviation)
            if name == OFFICE_NAME:
                self.office = unit
            if abbreviation in BOARDS:
                self.boards[abbreviation] = unit
        self.bloc = self.organization(self.city, BLOC_NAME, "provincial-party", dt.date(2008, 3, 1), "ĐUK")
        services.term_add(
            actor=None, organization=self.bloc, number=6, started_on=BLOC_TERM_6[0], ended_on=BLOC_TERM_6[1]
        )
        services.term_add(actor=None, organization=self.bloc, number=7, started_on=BLOC_TERM_7_START)

        self.out(
            f"Tạo {BLOC_GRASSROOTS} tổ chức cơ sở đảng của Đảng bộ Khối "
            f"và nhập {number(BLOC_MEMBERS)} đảng viên…"
        )
        for (name, category), size in zip(BLOC_UNITS, self.bloc_sizes(), strict=True):
            self.grassroots(name, category, size)
        self.out(f"Tạo {len(WARDS)} đảng bộ phường, xã trực thuộc Thành ủy (từ 01/7/2025)…")
        for name, cells in WARDS:
            self.ward(name, cells)

    def bloc_sizes(self) -> list[int]:
        """Members per grassroots unit of the Khối, adding up to its total less the
        sign-ins, who are members there too. A chi bộ cơ sở has fewer than 30."""
        rng = self.rng
        target = BLOC_MEMBERS - sum(1 for spec in LOGINS if spec.home)
        ranges = {
            "dang": (110, 140),
            "so": (45, 150),
            "so25": (70, 180),
            "bv": (120, 380),
            "truong": (80, 300),
            "bql": (35, 90),
            "dn": (50, 220),
            "nganh": (70, 190),
            "doan": (40, 70),
            "media25": (70, 120),
        }
        sizes = [
            rng.randint(9, 29) if category.startswith("cb") else rng.randint(*ranges[category])
            for _, category in BLOC_UNITS
        ]
        committees = [i for i, (_, category) in enumerate(BLOC_UNITS) if not category.startswith("cb")]
        fixed = sum(sizes) - sum(sizes[i] for i in committees)
        scale = (target - fixed) / sum(sizes[i] for i in committees)
        for i in committees:
            sizes[i] = max(30, round(sizes[i] * scale))
        difference = target - sum(sizes)
        biggest = sorted(committees, key=lambda i: -sizes[i])
        for n in range(abs(difference)):
            sizes[biggest[n % len(biggest)]] += 1 if difference > 0 else -1
        return sizes

    def grassroots(self, name: str, category: str, size: int) -> None:
        rng = self.rng
        formed_2025 = category.endswith("25")  # formed by the 2025 mergers
        opened = MERGER_DAY if formed_2025 else _date_between(rng, dt.date(1976, 1, 1), dt.date(2015, 12, 31))
        is_cell = category.startswith("cb")
        kind = "grassroots-cell" if is_cell else "grassroots-committee"
        org = self.organization(self.bloc, name, kind, opened)
        congress = _date_between(rng, dt.date(2025, 4, 5), dt.date(2025, 6, 28))
        number = 1 if formed_2025 else (congress.year - opened.year) // 5 + 1
        services.term_add(actor=None, organization=org, number=number, started_on=congress)
        female = 0.46
        if any(word in name for word in ("Bệnh viện", "Trường", "Y tế", "Giáo dục", "y khoa", "Cấp cứu")):
            female = 0.62
        elif "Công ty" in name or category == "dn":
            female = 0.34
        unit = _Unit(name, category, org, [], congress)
        self.units[name] = unit
        if is_cell:
            unit.cells = [org]
            unit.members = [self.member(org, female_share=female) for _ in range(size)]
        else:
            if name in UNIT_CELLS or category == "dang":
                cell_names = UNIT_CELLS.get(name) or CELLS["dang"]
            else:
                pool = CELLS[category.removesuffix("25")]
                count = min(len(pool), max(3, round(size / 22)))
                # The first of each list (the office's chi bộ) is always there.
                cell_names = [pool[0]] + [pool[i] for i in sorted(rng.sample(range(1, len(pool)), count - 1))]
            for cell_name in cell_names:
                cell_opened = _date_between(rng, opened, max(opened, dt.date(2018, 12, 31)))
                unit.cells.append(self.organization(org, f"Chi bộ {cell_name}", "cell", cell_opened))
            merged: list[_Member] = []
            if name == MERGED_UNIT:
                closing = self.organization(org, MERGED_CELL, "cell", dt.date(2010, 6, 1))
                before = MERGED_CLOSED_ON - dt.timedelta(days=30)
                merged = [self.member(closing, female_share=female, not_after=before) for _ in range(9)]
                self.merged_cell, self.merged_members = closing, merged
            split = _split(rng, size - len(merged), len(unit.cells), 3)
            for cell, n in zip(unit.cells, split, strict=True):
                unit.members.extend(self.member(cell, female_share=female) for _ in range(n))
            unit.members.extend(merged)
        self.import_members(org, [(m, Role.MEMBER) for m in unit.members])

    def ward(self, name: str, cells: list[str]) -> None:
        rng = self.rng
        org = self.organization(self.city, name, "commune", REFORM_DAY)
        congress = _date_between(rng, dt.date(2025, 8, 5), dt.date(2025, 8, 28))
        services.term_add(actor=None, organization=org, number=1, started_on=congress)
        unit = _Unit(name, "ward", org, [], congress)
        self.units[name] = unit
        for cell_name in cells:
            cell = self.organization(org, f"Chi bộ {cell_name}", "cell", REFORM_DAY)
            unit.cells.append(cell)
            # Everyone's membership starts with the new ward (the cell opened then).
            unit.members.extend(
                self.member(cell, ages=(25, 65, 56), female_share=0.5) for _ in range(rng.randint(6, 11))
            )
        self.import_members(org, [(m, Role.MEMBER) for m in unit.members])

    # The office ------------------------------------------------------------------------------

    def office_staff(self) -> None:
        """The office's staff beyond the sign-ins: deputy chiefs, specialists, a clerk."""
        staff: list[tuple[_Member, Role]] = []
        for role, n in ((Role.OFFICE_DEPUTY_CHIEF, 2), (Role.SPECIALIST, 12), (Role.CLERK, 1)):
            for _ in range(n):
                member = self.member(self.office, ages=(25, 58, 40), female_share=0.5)
                member.started = max(member.started, dt.date(2015, 1, 1))
                staff.append((member, role))
        self.import_members(self.office, staff)

    def logins(self) -> None:
        self.out(f"Tạo {len(LOGINS)} tài khoản đăng nhập thử (mật khẩu chung: {DEMO_PASSWORD})…")
        party = self.units["Đảng ủy các cơ quan Đảng Thành ủy"]
        grassroots = self.units[LOGIN_GRASSROOTS]
        grassroots_cell = grassroots.cell_named(LOGIN_GRASSROOTS_CELL)
        homes = {
            "city": self.city,
            "office": self.office,
            "cell": grassroots_cell,
            "grassroots": grassroots.org,
            **self.boards,
        }
        # Every sign-in but the administrator is a Party member of a chi bộ in the Khối.
        cells = {
            "bithu": party.cell_named(LOGIN_CELL),
            "phobithu": party.cell_named(LOGIN_CELL),
            "btv": party.cell_named("Chi bộ Ban Tuyên giáo và Dân vận Thành ủy"),
            "capuy": self.units["Đảng ủy Sở Giáo dục và Đào tạo"].cells[0],
            "vanthu.coso": grassroots_cell,
        }
        for spec in LOGINS:
            if not spec.home:
                continue
            started = {
                "city": CITY_TERM_17_START,
                "office": dt.date(2019, 8, 1),
                "cell": dt.date(2018, 5, 1),
                "grassroots": dt.date(2021, 1, 4),
            }.get(spec.home, dt.date(2020, 11, 2))  # a board's head and deputy
            person = services.person_create(
                actor=None,
                username=spec.username,
                full_name=spec.full_name,
                gender=spec.gender,
                birth_date=spec.birth,
                joined_party_on=spec.joined,
                clearance=spec.clearance,
                password=DEMO_PASSWORD,
                organization=homes[spec.home],
                role=spec.role,
                started_on=started,
            )
            self.people[spec.username] = person
            cell = cells.get(spec.username)
            if spec.home == "office":
                cell = party.cell_named(LOGIN_CELL)
            elif spec.home in BOARDS:
                cell = party.cell_named(f"Chi bộ {BOARDS[spec.home]}")
            if cell is not None:
                self.role(person, cell, Role.MEMBER, max(spec.joined, cell.opened_on or spec.joined))
        # Some history for the leaders: their seats in the 16th term.
        self.role(
            self.people["bithu"],
            self.city,
            Role.STANDING_MEMBER,
            CITY_TERM_16[0],
            CITY_TERM_16[1],
            "Ủy viên Ban Thường vụ Thành ủy khóa XVI",
        )
        self.role(
            self.people["btv"],
            self.city,
            Role.COMMITTEE_MEMBER,
            CITY_TERM_16[0],
            CITY_TERM_16[1],
            "Thành ủy viên khóa XVI",
        )

    # Leaders ------------------------------------------------------------------------------------

    def leaders(self) -> None:
        """The 17th-term city committee (45, of whom 13 in the Standing Committee), the
        16th term's two leaders now retired, and the Khối's committee."""
        self.out("Bầu Ban Chấp hành, Ban Thường vụ Thành ủy khóa XVII và Đảng ủy Khối…")
        rng = self.rng
        cells: dict[str, tuple[_Unit, Organization]] = {}
        for unit in self.units.values():
            for cell in unit.cells:
                cells.setdefault(cell.name, (unit, cell))

        def from_place(place: str) -> _Member:
            if place in self.units:
                return self.pick(self.units[place].members, 42, 60)
            unit, cell = cells[place]
            return self.pick(unit.members_of(cell), 42, 60)

        # A board's Trưởng ban signs in (LOGINS): their seat is theirs.
        board_heads = {spec.label: self.people[spec.username] for spec in LOGINS if spec.home in BOARDS}
        standing = [
            (title, role, board_heads.get(title) or from_place(place)) for title, role, place in STANDING
        ]
        places = {place for _, _, place in STANDING}
        wards = [unit for unit in self.units.values() if unit.category == "ward"]
        bloc_members = [m for unit in self.units.values() if unit.category != "ward" for m in unit.members]
        committee: list[tuple[str, _Member]] = []
        for ward in wards[:3]:
            secretary = self.pick(ward.members, 40, 60)
            self.secretary_of[ward.name] = secretary
            committee.append((f"Bí thư {ward.name}", secretary))
        heads = [
            unit
            for unit in self.units.values()
            if unit.category in HEAD_TITLES and unit.name not in places and unit.name != LOGIN_GRASSROOTS
        ]
        rng.shuffle(heads)
        wanted = COMMITTEE_SIZE - len(STANDING) - 4  # less bithu, phobithu, btv, capuy
        for unit in heads[: wanted - len(committee)]:
            host = unit.name.removeprefix("Đảng ủy ")
            title = HEAD_TITLES[unit.category]
            if host.startswith(("Văn phòng", "Thanh tra")):
                title = "Chánh"
            elif "dự án" in host:
                title = "Giám đốc"
            committee.append((f"{title} {host}", self.pick(unit.members, 42, 60)))
        while len(committee) < wanted:
            committee.append(("", self.pick(bloc_members, 40, 60)))
        retirees = [m for ward in wards for m in ward.members]
        former = [
            ("Bí thư Thành ủy khóa XVI", Role.SECRETARY, self.pick(retirees, 60, 66)),
            ("Phó Bí thư Thường trực Thành ủy khóa XVI", Role.DEPUTY_SECRETARY, self.pick(retirees, 60, 66)),
        ]
        bloc_leaders = [
            ("Phó Bí thư Thường trực Đảng ủy Khối", Role.DEPUTY_SECRETARY, self.pick(bloc_members, 40, 58)),
            ("Phó Bí thư Đảng ủy Khối", Role.DEPUTY_SECRETARY, self.pick(bloc_members, 40, 58)),
        ]
        bloc_leaders += [("", Role.STANDING_MEMBER, self.pick(bloc_members, 38, 58)) for _ in range(4)]
        bloc_leaders += [("", Role.COMMITTEE_MEMBER, self.pick(bloc_members, 35, 58)) for _ in range(8)]
        self.load_people(
            [m.username for _, _, m in standing]
            + [m.username for _, m in committee]
            + [m.username for _, _, m in former + bloc_leaders]
        )
        for title, role, member in standing:
            self.role(member, self.city, role, CITY_TERM_17_START, note=title)
            clearance = Secrecy.TOP_SECRET if role is Role.DEPUTY_SECRETARY else Secrecy.SECRET
            services.person_set_clearance(
                actor=None, person=self.people[member.username], clearance=clearance
            )
            if title == f"Bí thư {BLOC_NAME}":
                self.role(member, self.bloc, Role.SECRETARY, BLOC_TERM_7_START)
        for title, member in committee:
            self.role(member, self.city, Role.COMMITTEE_MEMBER, CITY_TERM_17_START, note=title)
            services.person_set_clearance(
                actor=None, person=self.people[member.username], clearance=Secrecy.CONFIDENTIAL
            )
        for title, role, member in former:
            self.role(member, self.city, role, CITY_TERM_16[0], CITY_TERM_16[1], note=title)
        for title, role, member in bloc_leaders:
            self.role(member, self.bloc, role, BLOC_TERM_7_START, note=title)

    def secretaries(self) -> None:
        """A Bí thư for every grassroots unit and chi bộ, but for three units the office
        has to follow up (one never had one, two lost theirs this year)."""
        self.out("Phân công bí thư các tổ chức cơ sở đảng và chi bộ…")
        rng, today = self.rng, self.today
        missing = {name: (ended, note) for name, ended, note in WITHOUT_SECRETARY}
        merged = {m.username for m in self.merged_members}
        plan: list[tuple[Organization, _Member, dt.date, dt.date | None, str]] = []
        for unit in self.units.values():
            chosen = self.secretary_of.get(unit.name) or self.pick(
                [m for m in unit.members if m.username not in merged], 35, 60
            )
            if unit.name not in missing:
                plan.append((unit.org, chosen, max(unit.congress, chosen.started), None, ""))
            elif missing[unit.name][0] is not None:
                ended, note = missing[unit.name]
                plan.append((unit.org, chosen, max(unit.congress, chosen.started), ended, note))
            if unit.org.kind.code == "grassroots-cell":
                continue  # the chi bộ cơ sở is its own chi bộ
            for cell in unit.cells:
                congress = (
                    REFORM_DAY
                    if unit.category == "ward"
                    else _date_between(rng, dt.date(2025, 2, 10), dt.date(2025, 3, 31))
                )
                chosen = self.pick(unit.members_of(cell), 28, 62, female_share=0.45)
                plan.append((cell, chosen, min(max(chosen.started, congress), today), None, ""))
        self.load_people(member.username for _, member, _, _, _ in plan)
        for org, member, started, ended, note in plan:
            self.role(member, org, Role.SECRETARY, started, ended, note)

    def merge(self) -> None:
        """The 2025 merger: the chi bộ closes (which ends its memberships still open:
        its Bí thư's and members'), then its members join the successor's roll the
        next day (a member is on one cell's roll at a time)."""
        closing, members = self.merged_cell, self.merged_members
        assert closing is not None
        successor = self.units[MERGED_UNIT].cell_named(MERGED_INTO)
        secretary = self.pick(members, 30, 62)
        self.load_people(m.username for m in members)
        self.role(secretary, closing, Role.SECRETARY, dt.date(2022, 9, 1))
        services.organization_close(
            actor=None, organization=closing, closed_on=MERGED_CLOSED_ON, note=MERGED_NOTE
        )
        for member in members:
            self.role(member, successor, Role.MEMBER, MERGED_CLOSED_ON + dt.timedelta(days=1))

    def emails(self) -> None:
        """The sign-ins' e-mail addresses, given once the apps' demos are loaded: what
        happens from then on (the daily reminders) is mailed too, not the hundreds of
        notifications the load itself writes."""
        for spec in LOGINS:
            person = self.people.get(spec.username)
            if person is None:
                continue
            person.refresh_from_db()
            services.person_update(
                actor=None,
                person=person,
                full_name=person.full_name,
                given_name=person.given_name,
                gender=person.gender,
                birth_date=person.birth_date,
                joined_party_on=person.joined_party_on,
                email=f"{spec.username}@{EMAIL_DOMAIN}",
                phone=person.phone,
            )

    def admin(self) -> None:
        """The system administrator: a superuser outside the tree (Django's own
        manager, as `createsuperuser` makes one). An existing `admin` is kept."""
        spec = LOGINS[-1]
        if not Person.objects.filter(username=spec.username).exists():
            Person.objects.create_superuser(
                spec.username, DEMO_PASSWORD, full_name=spec.full_name, gender=spec.gender
            )


# --- Public API ----------------------------------------------------------------------------------


def find_demo() -> Organization | None:
    """The demo's city committee, if the demo was loaded."""
    for root in Organization.objects.get_root_nodes().filter(name=CENTRAL_NAME):
        city = Organization.objects.get_children(root).filter(name=CITY_NAME).first()
        if city is not None:
            return city
    return None


def demo_logins() -> list[DemoLogin]:
    """The sign-ins as the database has them."""
    people = Person.objects.in_bulk([spec.username for spec in LOGINS], field_name="username")
    logins = []
    for spec in LOGINS:
        person = people.get(spec.username)
        if person is None:
            continue
        organization = ""
        if spec.home:
            membership = (
                Membership.objects.current()
                .filter(person=person, role=spec.role)
                .select_related("organization")
                .order_by("started_on")
                .first()
            )
            organization = membership.organization.name if membership else ""
        # Only the administrator may have been there before the demo (createsuperuser).
        known = bool(spec.home) or person.full_name == spec.full_name
        logins.append(
            DemoLogin(
                spec.username, spec.label, person.full_name, organization, DEMO_PASSWORD if known else None
            )
        )
    return logins


def demo_counts(city: Organization) -> dict[str, int]:
    central = Organization.objects.get_parent(city) or city
    units = Organization.objects.filter(path__startswith=central.path)
    bloc = Organization.objects.get_children(city).filter(name=BLOC_NAME).first()
    bloc_members = bloc_grassroots = 0
    if bloc is not None:
        bloc_grassroots = Organization.objects.get_children(bloc).filter(kind__is_grassroots=True).count()
        bloc_members = (
            Membership.objects.current()
            .filter(role=Role.MEMBER, organization__path__startswith=bloc.path)
            .values("person")
            .distinct()
            .count()
        )
    return {
        "organizations": units.count(),
        "closed_organizations": units.filter(closed_on__isnull=False).count(),
        "grassroots": units.filter(kind__is_grassroots=True, closed_on__isnull=True).count(),
        "bloc_grassroots": bloc_grassroots,
        "bloc_members": bloc_members,
        "people": Person.objects.count(),
        "memberships": Membership.objects.filter(organization__path__startswith=central.path).count(),
        "terms": CongressTerm.objects.filter(organization__path__startswith=central.path).count(),
        "audit_events": AuditEvent.objects.count(),
    }


COUNT_LABELS = {
    "organizations": "Tổ chức (kể cả đã sáp nhập)",
    "closed_organizations": "Tổ chức đã sáp nhập, giải thể",
    "incoming_documents": "Văn bản đến đã vào sổ",
    "outgoing_documents": "Văn bản đi đã cấp số",
    "transfer_slips": "Phiếu chuyển lãnh đạo",
    "grassroots": "Tổ chức cơ sở đảng",
    "bloc_grassroots": "Tổ chức cơ sở đảng trực thuộc Đảng ủy Khối",
    "bloc_members": "Đảng viên Đảng bộ Khối",
    "people": "Người trong hệ thống",
    "memberships": "Chức vụ, sinh hoạt đảng (kể cả đã kết thúc)",
    "terms": "Nhiệm kỳ đại hội",
    "signing_credentials": "Chứng thư số DEMO của người ký",
    "drafts": "Dự thảo văn bản",
    "dossiers": "Hồ sơ lưu trữ",
    "conclusions": "Kết luận đang theo dõi thực hiện",
    "work_programs": "Chương trình công tác",
    "schedule_events": "Sự kiện lịch công tác tuần",
    "audit_events": "Sự kiện nhật ký",
}


def load_demo(*, out: Out) -> DemoResult:
    """Create the demo city committee, unless it is already there (then nothing is
    written and the sign-ins are returned as they are)."""
    city = find_demo()
    if city is not None:
        out("Dữ liệu mẫu đã có; không tạo thêm.")
        counts = demo_counts(city)
        with transaction.atomic():
            _hold_off_autovacuum()
            for app_demo in _app_demos():
                counts.update(app_demo.load_demo(city=city, out=out))
                _analyze()
        return DemoResult(created=False, logins=demo_logins(), counts=counts)
    taken = sorted(
        Person.objects.filter(username__in=[spec.username for spec in LOGINS if spec.home]).values_list(
            "username", flat=True
        )
    )
    if taken:
        raise DemoError("Không tạo được dữ liệu mẫu: đã có tài khoản " + ", ".join(taken) + ".")
    builder = _Builder(out)
    with transaction.atomic():
        _hold_off_autovacuum()
        builder.tree()
        _analyze()  # ~7,000 people and their memberships: what every later check reads
        builder.office_staff()
        builder.logins()
        builder.leaders()
        builder.secretaries()
        builder.merge()
        builder.admin()
        _analyze()
        city = find_demo()
        assert city is not None
        for app_demo in _app_demos():
            app_demo.load_demo(city=city, out=out)
            _analyze()
        builder.emails()
        # Counted once every app has loaded, as a second run counts them: an app's
        # count may include what a later app adds (a meeting's entry in the schedule).
        counts = demo_counts(city)
        for app_demo in _app_demos():
            counts.update(app_demo.load_demo(city=city, out=lambda _line: None))
    return DemoResult(created=True, logins=demo_logins(), counts=counts)


# --- Planner statistics (PostgreSQL) ---------------------------------------------------------
#
# The demo is written in one transaction, and every service call in it plans its queries
# from the statistics in pg_class. Autovacuum cannot see rows that are not committed yet:
# when it vacuums a table during the load (the dead rows of an earlier load that was
# rolled back are enough to start it: a failed `vanphong demo`, or the previous test), it
# records the table as holding 0 rows on all its pages. The planner then takes the
# thousands of members for none and joins them by nested loops over whole tables: each
# permission check (`grants_of`, once per document registered) went from milliseconds to
# 1–2 seconds, and the demo test from 40 s to 5–10 minutes in CI. So the load keeps
# autovacuum off its tables until it commits, and runs ANALYZE itself after each bulk
# step: inside the transaction, ANALYZE counts the transaction's own rows.


def _demo_tables() -> list[str]:
    """The tables of the vanphong apps, many-to-many tables included."""
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.app_config.name.startswith("vanphong.")
            and model._meta.managed
            and not model._meta.proxy
        }
    )


def _hold_off_autovacuum() -> None:
    """Take SHARE UPDATE EXCLUSIVE on the demo's tables until the transaction ends.
    Reads and writes go on (that lock does not conflict with them); autovacuum skips
    a table it cannot lock, and one already at work is cancelled by PostgreSQL after
    `deadlock_timeout`, as for any lock request it blocks (unless it is preventing
    wraparound: then this waits for it). A second demo load into the same database
    waits here for the first."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(table) for table in _demo_tables())
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN SHARE UPDATE EXCLUSIVE MODE")


def _analyze() -> None:
    """Refresh the planner statistics of the demo's tables from what this transaction
    has written so far (a fraction of a second)."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(table) for table in _demo_tables())
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def _app_demos() -> list[Any]:
    """The `demo` module of every other vanphong app, in INSTALLED_APPS order: each
    adds its own records to the city (core imports none of them directly). Each
    `load_demo(city=…, out=…)` writes only what is missing and returns its counts."""
    modules = []
    for config in apps.get_app_configs():
        if config.name.startswith("vanphong.") and config.name != "vanphong.core":
            try:
                modules.append(importlib.import_module(f"{config.name}.demo"))
            except ModuleNotFoundError:
                continue
    return modules
