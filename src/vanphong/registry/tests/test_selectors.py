"""Reading the registry: a classified entry does not exist for whoever is not cleared
for it (not in lists, counts or search), another branch sees nothing, duplicates are
found whatever the case and spacing, and the register's filters and accent-free
search (DOMAIN.md §2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from vanphong.core.models import Person, Role, Secrecy
from vanphong.core.tests.factories import Tree, make_person
from vanphong.registry.models import DocumentType, IncomingDocument
from vanphong.registry.selectors import (
    IncomingFilters,
    incoming_duplicates,
    incoming_list,
    incoming_visible_to,
)

TODAY = timezone.localdate()


def _days_ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def _listed(person: Person, **filters: object) -> list[IncomingDocument]:
    return list(incoming_list(person, IncomingFilters(**filters)))  # type: ignore[arg-type]


# --- Who sees what ---------------------------------------------------------------------------


@dataclass
class Secret:
    plain: IncomingDocument
    secret: IncomingDocument


@pytest.fixture
def secret(incoming, office_chief) -> Secret:
    plain = incoming(abstract="V/v tổ chức hội nghị sơ kết")
    secret = incoming(
        actor=office_chief,
        secrecy=Secrecy.SECRET,
        issuer="Ban Nội chính Thành ủy",
        symbol="7-CV/BNCTU",
        abstract="Về kế hoạch Hoa Sen bảo vệ chính trị nội bộ",
    )
    return Secret(plain, secret)


def _uncleared(tree: Tree) -> Person:
    """A committee member who sees the whole committee's registers, but is cleared
    for nothing classified."""
    return make_person(organization=tree.city, role=Role.COMMITTEE_MEMBER)


def test_a_classified_entry_does_not_exist_for_the_uncleared(tree, secret, clerk):
    # The clerk is cleared for Mật only: a Tối mật entry is as hidden from them as
    # from someone cleared for nothing.
    for person in (_uncleared(tree), clerk):
        assert list(incoming_visible_to(person)) == [secret.plain]
        assert incoming_visible_to(person).count() == 1
        assert incoming_list(person, IncomingFilters()).count() == 1
        assert _listed(person, query="hoa sen") == []
        assert _listed(person, query="Kế hoạch Hoa Sen") == []
        assert _listed(person, query="7-CV/BNCTU") == []
        assert _listed(person, classified=True) == []
        assert not incoming_visible_to(person).filter(pk=secret.secret.pk).exists()
        duplicates = incoming_duplicates(
            person,
            organization=tree.city,
            issuer=secret.secret.issuer,
            symbol=secret.secret.symbol,
            document_date=secret.secret.document_date,
        )
        assert not duplicates.exists()


def test_those_cleared_for_it_see_and_find_the_classified_entry(tree, secret, office_chief, secretary):
    for person in (office_chief, secretary):
        assert set(incoming_visible_to(person)) == {secret.plain, secret.secret}
        assert incoming_visible_to(person).count() == 2
        assert _listed(person, query="hoa sen") == [secret.secret]
        assert _listed(person, classified=True) == [secret.secret]


def test_another_branch_sees_nothing_of_the_committees_registers(tree, secret, incoming, outsider):
    incoming(organization=tree.grassroots, abstract="V/v hội nghị sơ kết của Đảng ủy Sở")
    # Cleared for everything, Chief of Office of another province: still nothing here.
    assert outsider.clearance == Secrecy.TOP_SECRET
    assert list(incoming_visible_to(outsider)) == []
    assert incoming_visible_to(outsider).count() == 0
    assert _listed(outsider, query="so ket") == []
    assert _listed(outsider, query="hoa sen") == []
    # Its own register it does see.
    own = incoming(organization=tree.other_province)
    assert list(incoming_visible_to(outsider)) == [own]


def test_the_committee_sees_the_registers_below_it_and_not_above(tree, incoming, clerk, member):
    city = incoming(abstract="V/v của Thành ủy")
    below = incoming(organization=tree.grassroots, abstract="V/v của Đảng ủy Sở")
    above = incoming(organization=tree.central, abstract="V/v của Trung ương")
    assert set(incoming_visible_to(clerk)) == {city, below}
    assert above not in set(incoming_visible_to(clerk))
    # A member of a cell sees only their own cell's papers: none of these.
    assert list(incoming_visible_to(member)) == []


# --- Duplicates ---------------------------------------------------------------------------------


@pytest.fixture
def original(incoming) -> IncomingDocument:
    return incoming(
        issuer="Ban Tổ chức Thành ủy",
        symbol="127-QĐ/BTCTU",
        document_date=_days_ago(3),
        abstract="Quyết định điều động cán bộ",
    )


@pytest.mark.parametrize(
    ("issuer", "symbol"),
    [
        ("Ban Tổ chức Thành ủy", "127-QĐ/BTCTU"),
        ("  ban tổ  chức thành ủy ", " 127-qđ/btctu "),
        ("BAN TỔ CHỨC THÀNH ỦY", "127-QĐ/BTCTU"),  # as printed in the document's header
        ("Ban Tổ chức Thành ủy", "127 - QĐ / BTCTU"),
    ],
)
def test_the_same_issuer_symbol_and_date_is_a_duplicate(tree, clerk, original, issuer, symbol):
    found = incoming_duplicates(
        clerk, organization=tree.city, issuer=issuer, symbol=symbol, document_date=original.document_date
    )
    assert list(found) == [original]


@pytest.mark.parametrize(
    ("issuer", "symbol", "days_ago"),
    [
        ("Ban Tổ chức Thành ủy", "127-QĐ/BTCTU", 4),  # another date
        ("Ban Tổ chức Thành ủy", "128-QĐ/BTCTU", 3),  # another number
        ("Ban Tuyên giáo Thành ủy", "127-QĐ/BTCTU", 3),  # another issuer
        ("Ban Tổ chức Thành ủy", "", 3),  # no symbol to compare
    ],
)
def test_another_document_is_not_a_duplicate(tree, clerk, original, issuer, symbol, days_ago):
    found = incoming_duplicates(
        clerk, organization=tree.city, issuer=issuer, symbol=symbol, document_date=_days_ago(days_ago)
    )
    assert list(found) == []


def test_a_duplicate_is_looked_for_in_the_committees_own_register_only(tree, clerk, original, incoming):
    elsewhere = incoming(
        organization=tree.grassroots,
        issuer=original.issuer,
        symbol=original.symbol,
        document_date=original.document_date,
    )
    for organization, expected in ((tree.city, [original]), (tree.grassroots, [elsewhere])):
        found = incoming_duplicates(
            clerk,
            organization=organization,
            issuer=original.issuer,
            symbol=original.symbol,
            document_date=original.document_date,
        )
        assert list(found) == expected


# --- The register's filters and search -----------------------------------------------------------


@dataclass
class Book:
    circular: IncomingDocument  # Công văn, 10 days ago
    report: IncomingDocument  # Báo cáo, 5 days ago
    classified: IncomingDocument  # Công văn, Mật, yesterday


@pytest.fixture
def book(incoming, report_type) -> Book:
    circular = incoming(
        received_on=_days_ago(10),
        document_date=_days_ago(12),
        issuer="Ban Tổ chức Thành ủy",
        symbol="12-CV/BTCTU",
        abstract="V/v cử cán bộ dự lớp bồi dưỡng",
    )
    report = incoming(
        received_on=_days_ago(5),
        document_date=_days_ago(6),
        document_type=report_type,
        issuer="Đảng ủy Sở Tư pháp",
        symbol="45-BC/ĐU",
        abstract="Kết quả công tác quý III năm 2026",
    )
    classified = incoming(
        received_on=_days_ago(1),
        document_date=_days_ago(2),
        secrecy=Secrecy.CONFIDENTIAL,
        issuer="Ủy ban Kiểm tra Thành ủy",
        symbol="7-CV/UBKTTU",
        abstract="V/v xác minh đơn thư",
    )
    return Book(circular, report, classified)


def test_the_register_lists_the_newest_receipt_first(clerk, book):
    assert _listed(clerk) == [book.classified, book.report, book.circular]


def test_it_filters_by_document_type(clerk, book, document_type, report_type):
    assert _listed(clerk, document_type=document_type) == [book.classified, book.circular]
    assert _listed(clerk, document_type=report_type) == [book.report]
    assert _listed(clerk, document_type=DocumentType.objects.get(code="nghi-quyet")) == []


def test_it_filters_by_date_received_both_ends_included(clerk, book):
    assert _listed(clerk, received_from=_days_ago(5)) == [book.classified, book.report]
    assert _listed(clerk, received_to=_days_ago(5)) == [book.report, book.circular]
    assert _listed(clerk, received_from=_days_ago(5), received_to=_days_ago(5)) == [book.report]
    assert _listed(clerk, received_from=_days_ago(9), received_to=_days_ago(6)) == []


def test_it_filters_by_the_classified_register(clerk, book):
    assert _listed(clerk, classified=True) == [book.classified]
    assert _listed(clerk, classified=False) == [book.report, book.circular]
    assert _listed(clerk, classified=None) == [book.classified, book.report, book.circular]


def test_the_filters_combine(clerk, book, document_type):
    assert _listed(clerk, document_type=document_type, classified=False) == [book.circular]
    assert _listed(clerk, query="thanh uy", received_from=_days_ago(3)) == [book.classified]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("12-CV", ["circular"]),  # the symbol
        ("btctu", ["circular"]),  # the symbol's issuer part
        ("dang uy", ["report"]),  # the issuer, without accents
        ("ĐẢNG ỦY", ["report"]),  # … in capitals
        ("boi duong", ["circular"]),  # the abstract
        ("quý iii", ["report"]),
        ("thanh uy", ["classified", "circular"]),  # two issuers
        ("cong van so 12", ["circular"]),  # as a clerk says it: type, number
        ("Công văn số 12-CV/BTCTU", ["circular"]),
        ("bao cao 45", ["report"]),
        ("cong van", ["classified", "circular"]),  # the type's name
        ("12 to chuc boi duong", ["circular"]),  # symbol, issuer and abstract at once
        ("tu phap 2026 ket qua", ["report"]),
        ("to chuc don thu", []),  # every word must match the same entry
        ("khong co van ban nay", []),
        ("   ", ["classified", "report", "circular"]),
    ],
)
def test_the_search_ignores_accents_and_case_across_the_columns(clerk, book, query, expected):
    assert _listed(clerk, query=query) == [getattr(book, name) for name in expected]


def test_the_search_reads_words_and_no_query_syntax(clerk, book, incoming):
    percent = incoming(abstract="Tỷ lệ đảng viên đạt 100% chỉ tiêu (theo Chỉ thị 05-CT/TW)")
    assert _listed(clerk, query="100%") == [percent]
    # Punctuation separates words and is never a pattern or an operator of the engines.
    for query in ("%", "_", '"', "'", "*", "-", ":", "()", "!", "&|"):
        assert _listed(clerk, query=query) == [], query
    assert _listed(clerk, query='chỉ thị "05-CT/TW" NOT đảng') == []  # NOT is a word here
    assert _listed(clerk, query="chi thi 05-ct/tw") == [percent]
    assert _listed(clerk, query="'ty le' & (dang | vien)") == [percent]
