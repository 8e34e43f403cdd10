"""The registers' search (registry/search.py) on whichever database the run uses:
the terms a document is indexed by, the tiers that put the accents as typed first,
paging across tiers, the capped count, and the index the database keeps in step
with every write. CI runs this file on SQLite (FTS5) and on PostgreSQL (GIN)."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vanphong.core.models import Person, Role, Secrecy
from vanphong.core.tests.factories import make_person
from vanphong.registry import search
from vanphong.registry.models import IncomingDocument, OutgoingDocument
from vanphong.registry.search import Condition, Query, terms, words
from vanphong.registry.selectors import (
    IncomingFilters,
    Order,
    OutgoingFilters,
    incoming_list,
    incoming_results,
    outgoing_list,
)

TODAY = timezone.localdate()


def _days_ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def _received(days_ago: int) -> dict[str, dt.date]:
    """Received `days_ago`, dated two days before."""
    return {"received_on": _days_ago(days_ago), "document_date": _days_ago(days_ago + 2)}


# --- Terms and queries, without a database ---------------------------------------------------


def test_words_split_at_punctuation_and_compose_what_was_decomposed():
    decomposed = unicodedata.normalize("NFD", "Số 12-CV/TU, ngày 30/4")
    assert words(decomposed) == ["số", "12", "cv", "tu", "ngày", "30", "4"]
    assert words("a_b%c 'd' \"e\" f*") == ["a", "b", "c", "d", "e", "f"]


def test_a_document_is_indexed_by_its_words_folded_as_written_and_in_pairs():
    assert terms("Đảng ủy") == "dang dang_uy uy đảng ủy"
    # Letters with two marks, and đ/Đ, fold like the rest (the FTS5 traps).
    indexed = set(terms("Tổ chức Đại hội Đảng bộ cấp trên").split())
    assert {"to", "chuc", "dai", "hoi", "dang", "bo", "cap", "tren"} <= indexed
    assert {"tổ", "chức", "đại", "hội", "đảng", "bộ", "cấp", "trên"} <= indexed
    assert {"to_chuc", "dang_bo", "cap_tren"} <= indexed and "chuc_to" not in indexed
    # Words without marks are indexed once; pairs do not cross from one text to the next.
    assert terms("12-CV/TU", "Ban Tổ chức") == "12 12_cv ban ban_to chuc chức cv cv_tu to to_chuc tu tổ"


def test_a_query_is_tiered_by_accents_then_by_words_side_by_side():
    query = Query.parse("Đảng ủy khối")
    assert query.folded == ("dang", "uy", "khoi")
    assert query.accented == ("đảng", "ủy", "khối")
    assert query.pairs == ("dang_uy", "uy_khoi")
    base, accents, pairs = query.folded, query.accented, query.pairs
    assert query.tiers() == [
        Condition(base + accents + pairs),
        Condition(base + accents, (pairs,)),
        Condition(base + pairs, (accents,)),
        Condition(base, (accents, pairs)),
    ]
    assert Query.parse("dang").tiers() == [Condition(("dang",))]
    assert Query.parse("đảng").tiers() == [Condition(("dang", "đảng")), Condition(("dang",), (("đảng",),))]
    assert not Query.parse("% -- !")


def test_conditions_quote_every_term_for_both_engines():
    condition = Condition(("dang", "uy"), (("đảng",), ("dang_uy", "x")))
    assert condition.fts5() == '(("dang" AND "uy") NOT ("đảng")) NOT ("dang_uy" AND "x")'
    assert condition.tsquery() == "'dang' & 'uy' & !('đảng') & !('dang_uy' & 'x')"


# --- On the database -------------------------------------------------------------------------


@pytest.fixture
def found(clerk):
    def found(text: str, **filters: object) -> list[str]:
        results = incoming_results(clerk, IncomingFilters(query=text, **filters))  # type: ignore[arg-type]
        return [document.abstract for document in results]

    return found


def test_without_accents_it_finds_every_spelling_and_with_them_puts_the_exact_first(incoming, found):
    incoming(abstract="Đăng ký ủy viên dự hội nghị", **_received(1))  # "dang … uy" apart
    incoming(abstract="Dạng uy tín của tổ chức", **_received(2))  # dang uy, other accents
    incoming(abstract="Đảng ủy khối doanh nghiệp", **_received(3))  # the exact phrase
    incoming(abstract="Ủy ban kiểm tra Đảng", **_received(4))  # exact words, apart
    incoming(abstract="Kế hoạch tuyên truyền", **_received(0))  # neither
    assert found("Đảng ủy") == [
        "Đảng ủy khối doanh nghiệp",  # accents as typed, side by side
        "Ủy ban kiểm tra Đảng",  # accents as typed, apart
        "Dạng uy tín của tổ chức",  # side by side, other accents
        "Đăng ký ủy viên dự hội nghị",  # the rest, newest first
    ]
    # Without accents, side by side first, then newest first.
    assert found("dang uy") == [
        "Dạng uy tín của tổ chức",
        "Đảng ủy khối doanh nghiệp",
        "Đăng ký ủy viên dự hội nghị",
        "Ủy ban kiểm tra Đảng",
    ]
    assert found("DANG UY", order=Order.DATE) == [
        "Đăng ký ủy viên dự hội nghị",
        "Dạng uy tín của tổ chức",
        "Đảng ủy khối doanh nghiệp",
        "Ủy ban kiểm tra Đảng",
    ]
    # đ is folded both ways: a query with đ finds the d, and the other way round.
    assert found("đang uy", order=Order.DATE) == found("dang uy", order=Order.DATE)
    assert found(unicodedata.normalize("NFD", "đảng ủy")) == found("Đảng ủy")


def test_the_symbol_is_found_by_its_parts_and_as_read_aloud(incoming, found):
    incoming(symbol="45-BC/ĐU", abstract="Báo cáo quý", **_received(1))
    incoming(symbol="12-CV/TU", abstract="Công văn về đoàn ra", **_received(2))
    assert found("45-BC/ĐU") == found("45 bc du") == found("bc/đu") == ["Báo cáo quý"]
    assert found("cong van so 12-cv/tu") == ["Công văn về đoàn ra"]
    assert found("46-BC/ĐU") == []


def test_filters_apply_to_the_search(incoming, found, report_type):
    incoming(abstract="Báo cáo tổng kết năm", document_type=report_type, **_received(40))
    incoming(abstract="Công văn tổng kết năm", issuer="Huyện ủy Bình An", **_received(5))
    assert found("tong ket", document_type=report_type) == ["Báo cáo tổng kết năm"]
    assert found("tong ket", issuer="HUYEN UY binh an") == ["Công văn tổng kết năm"]
    assert found("tong ket", received_from=_days_ago(10)) == ["Công văn tổng kết năm"]
    assert found("tong ket", received_to=_days_ago(10)) == ["Báo cáo tổng kết năm"]


def test_the_uncleared_find_nothing_classified_not_even_as_a_count(tree, incoming, office_chief):
    incoming(abstract="Kế hoạch Hoa Sen năm nay")
    incoming(actor=office_chief, secrecy=Secrecy.SECRET, abstract="Kế hoạch Hoa Sen bảo vệ nội bộ")
    uncleared = make_person(organization=tree.city, role=Role.COMMITTEE_MEMBER)
    for order in (Order.RELEVANCE, Order.DATE):
        results = incoming_results(uncleared, IncomingFilters(query="hoa sen", order=order))
        assert results.count() == 1 and [d.abstract for d in results] == ["Kế hoạch Hoa Sen năm nay"]
        assert len(incoming_results(office_chief, IncomingFilters(query="hoa sen", order=order))) == 2
    assert incoming_list(uncleared, IncomingFilters(query="bao ve noi bo")).count() == 0


def test_the_count_stops_at_its_limit_and_says_so(incoming, clerk, monkeypatch):
    for day in range(5):
        incoming(abstract=f"Thông báo số {day}", **_received(day))
    monkeypatch.setattr(search, "COUNT_LIMIT", 3)
    results = incoming_results(clerk, IncomingFilters(query="thong bao"))
    assert (results.count(), results.count_is_capped) == (3, True)
    assert len(results[0:3]) == 3
    monkeypatch.setattr(search, "COUNT_LIMIT", 5)
    results = incoming_results(clerk, IncomingFilters(query="thong bao"))
    assert (results.count(), results.count_is_capped) == (5, False)
    # Printed registers and the API are not capped.
    monkeypatch.setattr(search, "COUNT_LIMIT", 3)
    assert incoming_list(clerk, IncomingFilters(query="thong bao")).count() == 5


SPELLINGS = ["Đảng ủy", "dang uy", "Đăng ủy", "đảng uy", "Dạng ủy", "uy đảng", "Đảng", "ủy"]


@pytest.fixture
def tiered(incoming, clerk) -> Person:
    """Fourteen entries spread over the four tiers of "Đảng ủy", some on one day (from
    an issuer without either word, which would count)."""
    for n in range(14):
        spelling = SPELLINGS[n % len(SPELLINGS)]
        incoming(abstract=f"{spelling} lần {n}", issuer="Văn phòng Trung ương", **_received(n // 3))
    return clerk


# The examples only read the entries the fixture wrote once.
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.integers(0, 16), size=st.integers(1, 16), by_date=st.booleans())
def test_any_page_is_the_same_slice_of_the_whole_order(tiered, start, size, by_date):
    filters = IncomingFilters(query="Đảng ủy", order=Order.DATE if by_date else Order.RELEVANCE)
    results = incoming_results(tiered, filters)
    whole = results[0:100]
    # All but "Đảng lần 6" and "ủy lần 7", which lack the other word.
    assert len(whole) == results.count() == 12
    assert len({d.pk for d in whole}) == 12
    assert results[start : start + size] == whole[start : start + size]


@pytest.mark.parametrize("by_date", [False, True])
def test_a_page_beyond_the_newest_window_comes_from_the_whole_index(tiered, monkeypatch, by_date):
    """PostgreSQL reads the newest rows first and the GIN bitmap when the page is not
    among them: both give the same order (on SQLite the window does not exist)."""
    filters = IncomingFilters(query="Đảng ủy", order=Order.DATE if by_date else Order.RELEVANCE)
    whole = incoming_results(tiered, filters)[0:100]
    monkeypatch.setattr(search.PostgresBackend, "WINDOW", 3)
    results = incoming_results(tiered, filters)
    assert results.count() == len(whole) == 12
    for start in range(0, 12, 2):
        for size in (1, 2, 5):
            assert results[start : start + size] == whole[start : start + size], (start, size)


def test_each_tier_is_newest_first_and_the_date_order_is_the_registers(tiered):
    ranked = incoming_results(tiered, IncomingFilters(query="Đảng ủy"))[0:14]
    by_date = incoming_results(tiered, IncomingFilters(query="Đảng ủy", order=Order.DATE))[0:14]
    assert [d.pk for d in by_date] == [
        d.pk for d in sorted(ranked, key=lambda d: (d.received_on, d.pk), reverse=True)
    ]
    exact_first = [d for d in ranked if "Đảng ủy" in d.abstract]
    assert ranked[: len(exact_first)] == exact_first


# --- The index the database keeps ------------------------------------------------------------


def _index_rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


def test_the_index_machinery_is_in_place_after_every_migration(db):
    """Django rebuilds an SQLite table for some schema changes and drops its
    triggers: a later migration of the documents' tables must recreate them."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
            names = {row[0] for row in cursor.fetchall()}
            for index in ("registry_incoming_fts", "registry_outgoing_fts"):
                assert {f"{index}_insert", f"{index}_update", f"{index}_delete"} <= names
        else:
            cursor.execute(
                "SELECT table_name FROM information_schema.columns "
                "WHERE column_name = 'search_vector' AND is_generated = 'ALWAYS' "
                "AND table_name LIKE 'registry_%%' ORDER BY table_name"
            )
            assert [row[0] for row in cursor.fetchall()] == [
                "registry_incomingdocument",
                "registry_outgoingdocument",
            ]


def test_the_index_follows_updates_and_deletes_however_they_are_made(incoming, clerk):
    document = incoming(abstract="Hội nghị cán bộ chủ chốt", **_received(3))
    other = incoming(abstract="Hội nghị tổng kết", **_received(1))

    def found(text: str) -> list[int]:
        return [d.pk for d in incoming_results(clerk, IncomingFilters(query=text, order=Order.DATE))]

    assert found("hoi nghi") == [other.pk, document.pk]
    # A correction of the date received moves it in the newest-first order.
    IncomingDocument.objects.filter(pk=document.pk).update(received_on=TODAY)
    assert found("hoi nghi") == [document.pk, other.pk]
    IncomingDocument.objects.filter(pk=document.pk).update(
        search_terms=terms("Hội nghị Ban Chấp hành mở rộng")
    )
    assert found("can bo chu chot") == [] and found("mo rong") == [document.pk]
    IncomingDocument.objects.filter(pk=other.pk).delete()
    assert found("hoi nghi") == [document.pk]
    if connection.vendor == "sqlite":
        assert _index_rows("registry_incoming_fts") == IncomingDocument.objects.count()


def test_outgoing_documents_are_searched_the_same_way(outgoing, clerk):
    first = outgoing(abstract="Chương trình công tác năm", recipients="Các đảng ủy trực thuộc")
    second = outgoing(abstract="Kế hoạch kiểm tra", recipients="Chi bộ Văn phòng")
    assert [d.pk for d in outgoing_list(clerk, OutgoingFilters(query="dang uy truc thuoc"))] == [first.pk]
    assert [d.pk for d in outgoing_list(clerk, OutgoingFilters(query="02-CV/TU"))] == [second.pk]
    assert OutgoingDocument.objects.count() == 2
