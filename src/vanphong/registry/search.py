"""Searching the registers: one box over the type, number and symbol, issuer,
abstract (and recipients, or the text of attachments), insensitive to diacritics
including đ, the documents with the accents as typed first.

How it stays fast at a million documents on both databases (bench/registry.py,
docs/performance.md):

- **The terms are made here, once, in Python.** Each document stores its index
  terms (`search_terms`): its words folded ("đảng" → "dang"), the words that have
  diacritics as written ("đảng"), and each pair of neighbouring folded words
  ("dang_uy"). SQLite (FTS5) and PostgreSQL (a tsvector column with a GIN index)
  index these terms as they are, so both databases find the same documents, and the
  traps of each engine's own folding (FTS5 never folds đ; PostgreSQL's parser keeps
  `12-CV/TU` as one token) never arise. Punctuation splits words, so a symbol is
  found by its parts: "12-CV/TU" is the pair chain 12 cv tu.
- **Every query is a plain boolean of terms**: no phrase positions to check and no
  score to compute for each match, which is what makes a word found in half the
  documents slow to rank (`../shared/MEASURED.md`). A phrase is its word pairs.
- **Relevance is tiers**, each newest first: the accents as typed and the words side
  by side; the accents but the words apart; the words side by side with other
  accents; the rest. The tiers exclude each other, so a page is read from the first
  tier that reaches it, walking the index in date order and stopping at the page.
- **Counts stop at `COUNT_LIMIT`**: past it the page says "more than 1,000", since
  an exact count of a common word is a pass over half the table on PostgreSQL, and
  of a whole register a pass over all of it on both (`Capped`, for lists without
  words).

The index is kept by the database itself (SQLite triggers, a PostgreSQL generated
column; migration 0005), so every write of a document, however made, is indexed.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

from django.db import connections, models
from django.db.models import BooleanField, Exists, F, OuterRef, QuerySet
from django.db.models.expressions import RawSQL

from vanphong.core.vietnamese import fold

COUNT_LIMIT = 1000
# SQLite's index rows are keyed by the document's day and id, so that walking the
# index in key order is walking the register newest first (see migration 0005).
ID_BITS = 32
ID_MASK = (1 << ID_BITS) - 1

_SPLIT = re.compile(r"[\W_]+")

M = TypeVar("M", bound=models.Model)


def words(text: str) -> list[str]:
    """The words of `text`, lower case, composed (NFC), split at anything that is
    not a letter or a digit: "Số 12-CV/TU" → ["số", "12", "cv", "tu"]."""
    return [w for w in _SPLIT.split(unicodedata.normalize("NFC", text.lower())) if w]


def _analyse(text: str) -> tuple[list[str], list[str], list[str]]:
    """The words of `text` folded, the words written with diacritics, and the pairs
    of neighbouring folded words: the three kinds of term, for documents and queries
    alike."""
    written = words(text)
    folded = [fold(w) for w in written]
    accented = [w for w, f in zip(written, folded, strict=True) if w != f]
    pairs = [f"{a}_{b}" for a, b in itertools.pairwise(folded)]
    return folded, accented, pairs


def terms(*texts: str) -> str:
    """The index terms of a document's texts, each once, space-separated."""
    found: set[str] = set()
    for text in texts:
        for kind in _analyse(text):
            found.update(kind)
    return " ".join(sorted(found))


@dataclass(frozen=True)
class Condition:
    """Documents that have every term of `all_of`, and not every term of any group
    in `none_of`."""

    all_of: tuple[str, ...]
    none_of: tuple[tuple[str, ...], ...] = ()

    # Terms are letters, digits and "_" only (`words`), so quoting them is enough to
    # keep a user's text out of each engine's query syntax.
    def fts5(self) -> str:
        """As an FTS5 MATCH expression."""

        def conjunction(group: tuple[str, ...]) -> str:
            return " AND ".join(f'"{term}"' for term in group)

        expression = conjunction(self.all_of)
        for group in self.none_of:
            expression = f"({expression}) NOT ({conjunction(group)})"
        return expression

    def tsquery(self) -> str:
        """As a PostgreSQL tsquery, its lexemes taken as they are (no parser)."""

        def conjunction(group: tuple[str, ...]) -> str:
            return " & ".join(f"'{term}'" for term in group)

        return " & ".join([conjunction(self.all_of), *(f"!({conjunction(g)})" for g in self.none_of)])


@dataclass(frozen=True)
class Query:
    """What the box was given, as terms: the folded words every match must have,
    the words typed with diacritics, and the pairs of neighbouring words."""

    folded: tuple[str, ...]
    accented: tuple[str, ...]
    pairs: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Query:
        folded, accented, pairs = _analyse(text)
        return cls(*(tuple(dict.fromkeys(kind)) for kind in (folded, accented, pairs)))

    def __bool__(self) -> bool:
        return bool(self.folded)

    @property
    def matching(self) -> Condition:
        """Every document the query finds, in whatever tier."""
        return Condition(self.folded)

    def tiers(self) -> list[Condition]:
        """The relevance tiers, best first; they exclude each other and together
        are `matching`."""
        accents, together = self.accented, self.pairs
        base = self.folded
        if accents and together:
            return [
                Condition(base + accents + together),
                Condition(base + accents, (together,)),
                Condition(base + together, (accents,)),
                Condition(base, (accents, together)),
            ]
        if accents or together:
            extra = accents or together
            return [Condition(base + extra), Condition(base, (extra,))]
        return [Condition(base)]


# --- The two backends ---------------------------------------------------------------------


class Backend:
    """How one database finds the ids of the documents matching a condition among
    `documents`, newest first."""

    def __init__(self, documents: QuerySet[Any], date_field: str, index: type[models.Model]) -> None:
        self.documents = documents
        self.date_field = date_field
        self.index = index

    def matching(self, condition: Condition) -> QuerySet[Any]:
        """The matching documents, unordered."""
        raise NotImplementedError

    def page(self, condition: Condition, offset: int, limit: int) -> list[int]:
        """The ids of matches `offset` to `offset + limit`, newest first."""
        raise NotImplementedError

    def count_up_to(self, condition: Condition, limit: int) -> int:
        """How many documents match, counting no further than `limit`."""
        raise NotImplementedError


class PostgresBackend(Backend):
    """GIN finds a term's documents in any order, so a page newest first is either a
    walk down the date index checking each row (fast when matches are dense), or the
    GIN bitmap of every match sorted by date (fast when they are few). PostgreSQL's
    planner chooses between them from estimates that multiply each term's frequency,
    which for words that go together (a phrase, its accents, its pairs) is wrong by
    orders of magnitude: it sorted 38,000 matches where walking 1,300 rows would do,
    and walked a million rows for a tier that was empty (docs/performance.md).

    So the choice is made here: first walk the newest WINDOW rows; if the page is
    among them (or they are all there is), done. Otherwise the matches are sparse
    among recent documents, and the bitmap is forced (ordering by an expression the
    date index cannot serve)."""

    WINDOW = 10_000

    def __init__(self, documents: QuerySet[Any], date_field: str, index: type[models.Model]) -> None:
        super().__init__(documents, date_field, index)
        self._everything: bool | None = None
        # (condition, n): fewer than n documents of the window match the condition,
        # so none that asks more of a document needs the window read again.
        self._scarce: list[tuple[Condition, int]] = []

    def _match(self, condition: Condition) -> RawSQL:
        table = self.documents.model._meta.db_table
        return RawSQL(
            f'"{table}"."search_vector" @@ %s::tsquery', [condition.tsquery()], output_field=BooleanField()
        )

    def matching(self, condition: Condition) -> QuerySet[Any]:
        return self.documents.filter(self._match(condition))

    def _window(self) -> QuerySet[Any]:
        table = self.documents.model._meta.db_table
        vector = RawSQL(f'"{table}"."search_vector"', [], output_field=models.TextField())
        return (
            self.documents.order_by(f"-{self.date_field}", "-pk")
            .annotate(id_=F("pk"), day_=F(self.date_field), search_vector_=vector)
            .values_list("id_", "day_", "search_vector_")[: self.WINDOW]
        )

    def _in_window(self, condition: Condition, select: str, tail: str = "", *params: Any) -> list[Any]:
        """`SELECT select` from the newest WINDOW rows that match, then `tail`."""
        sql, window_params = self._window().query.sql_with_params()
        with connections[self.documents.db].cursor() as cursor:
            cursor.execute(
                f"SELECT {select} FROM ({sql}) recent WHERE recent.search_vector_ @@ %s::tsquery {tail}",
                [*window_params, condition.tsquery(), *params],
            )
            return cursor.fetchall()

    def _window_is_everything(self) -> bool:
        if self._everything is None:
            self._everything = self._window().count() < self.WINDOW
        return self._everything

    def _known_scarce(self, condition: Condition, wanted: int) -> bool:
        return any(
            set(known.all_of) <= set(condition.all_of)
            and set(known.none_of) <= set(condition.none_of)
            and bound <= wanted
            for known, bound in self._scarce
        )

    def page(self, condition: Condition, offset: int, limit: int) -> list[int]:
        if self._window_is_everything() or not self._known_scarce(condition, offset + limit):
            order = "ORDER BY recent.day_ DESC, recent.id_ DESC LIMIT %s OFFSET %s"
            rows = self._in_window(condition, "recent.id_", order, limit, offset)
            if len(rows) == limit or self._window_is_everything():
                return [row[0] for row in rows]
            self._scarce.append((condition, offset + limit))
        table = self.documents.model._meta.db_table
        column = self.documents.model._meta.get_field(self.date_field).column
        # "+ 0": an order the date index cannot give, so the planner takes the bitmap.
        unindexed = RawSQL(f'"{table}"."{column}" + 0', [], output_field=models.DateField())
        ids = self.matching(condition).order_by(unindexed.desc(), "-pk").values_list("pk", flat=True)
        return list(ids[offset : offset + limit])

    def count_up_to(self, condition: Condition, limit: int) -> int:
        if self._window_is_everything() or not self._known_scarce(condition, limit):
            # Stops at `limit` matches: a common word reads a few hundred rows.
            found = len(self._in_window(condition, "1", "LIMIT %s", limit))
            if found >= limit or self._window_is_everything():
                return min(found, limit)
            self._scarce.append((condition, found + 1))
        return self.matching(condition).order_by()[:limit].count()


class SQLiteBackend(Backend):
    def _found(self, condition: Condition) -> QuerySet[Any]:
        """The index rows matching, with the id of their document."""
        return self.index._default_manager.filter(terms__fts5=condition.fts5()).annotate(
            document_id=F("rowid").bitand(ID_MASK)
        )

    def _ids(self, condition: Condition) -> QuerySet[Any]:
        # The index drives: it is walked in key order (newest first) and each row is
        # checked against the filtered documents by primary key, so a page of a
        # common word stops after its twenty rows.
        wanted = self.documents.order_by().filter(pk=OuterRef("document_id"))
        return (
            self._found(condition)
            .filter(Exists(wanted))
            .order_by("-rowid")
            .values_list("document_id", flat=True)
        )

    def matching(self, condition: Condition) -> QuerySet[Any]:
        return self.documents.filter(pk__in=self._found(condition).values("document_id"))

    def page(self, condition: Condition, offset: int, limit: int) -> list[int]:
        return list(self._ids(condition)[offset : offset + limit])

    def count_up_to(self, condition: Condition, limit: int) -> int:
        return self._ids(condition)[:limit].count()


class FTS5Match(models.Lookup):
    """`terms__fts5="…"`: SQLite's full-text MATCH on an FTS5 column."""

    lookup_name = "fts5"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class FTS5Terms(models.TextField):
    """The column of an FTS5 table holding a document's `terms`."""


FTS5Terms.register_lookup(FTS5Match)


def backend(documents: QuerySet[Any], *, date_field: str, index: type[models.Model]) -> Backend:
    """The search backend of the database `documents` is read from."""
    vendor = connections[documents.db].vendor
    if vendor == "postgresql":
        return PostgresBackend(documents, date_field, index)
    if vendor == "sqlite":
        return SQLiteBackend(documents, date_field, index)
    raise NotImplementedError(f"no search backend for {vendor}")


# --- Results, for the paginator -------------------------------------------------------------


class Paged(Generic[M]):
    """A list Django's Paginator pages, whose count stops at COUNT_LIMIT
    (`count_is_capped` says so): counting more is a pass over the whole table."""

    _counted: int | None = None

    def _count_up_to(self, limit: int) -> int:
        raise NotImplementedError

    def _rows(self, start: int, stop: int) -> list[M]:
        raise NotImplementedError

    def count(self) -> int:
        if self._counted is None:
            self._counted = self._count_up_to(COUNT_LIMIT + 1)
        return min(self._counted, COUNT_LIMIT)

    @property
    def count_is_capped(self) -> bool:
        return self.count() < (self._counted or 0)

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, key: int) -> M: ...

    @overload
    def __getitem__(self, key: slice) -> list[M]: ...

    def __getitem__(self, key: int | slice) -> M | list[M]:
        if isinstance(key, int):
            return self._rows(key, key + 1)[0]
        start, stop = key.start or 0, self.count() if key.stop is None else key.stop
        return self._rows(start, stop) if stop > start else []

    def __iter__(self) -> Iterator[M]:
        return iter(self[0 : self.count()])


class Capped(Paged[M]):
    """A list without words searched, newest first as `documents` is ordered."""

    def __init__(self, documents: QuerySet[M]) -> None:
        self.documents = documents

    def _count_up_to(self, limit: int) -> int:
        return self.documents[:limit].count()

    def _rows(self, start: int, stop: int) -> list[M]:
        return list(self.documents[start:stop])


class Results(Paged[M]):
    """The documents `query` finds among `documents`, best tier first (`by_date`:
    newest first, no tiers). A page runs one query per tier it touches, plus one to
    fetch its rows."""

    def __init__(
        self,
        documents: QuerySet[M],
        query: Query,
        *,
        date_field: str,
        index: type[models.Model],
        by_date: bool = False,
    ) -> None:
        self.documents, self.query = documents, query
        self.tiers = [query.matching] if by_date else query.tiers()
        self._backend = backend(documents, date_field=date_field, index=index)

    def _count_up_to(self, limit: int) -> int:
        if not self.query:
            return 0
        return self._backend.count_up_to(self.query.matching, limit)

    def ids(self, offset: int, limit: int) -> list[int]:
        """The ids of results `offset` to `offset + limit`, in order."""
        found: list[int] = []
        skip = offset
        for tier in self.tiers if self.query else []:
            wanted = limit - len(found)
            if wanted <= 0:
                break
            if skip:
                # How much of this tier lies before the page: counted only as far
                # as the page, so skipping a large tier costs no more than reading it.
                before = self._backend.count_up_to(tier, skip + 1)
                if before <= skip:
                    skip -= before
                    continue
            found.extend(self._backend.page(tier, skip, wanted))
            skip = 0
        return found

    def _rows(self, start: int, stop: int) -> list[M]:
        ids = self.ids(start, stop - start)
        rows = self.documents.in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]

    def all_matching(self) -> QuerySet[M]:
        """Every document found, as a queryset, unordered and uncapped: for a
        printed register or the API, which read them all by date anyway."""
        if not self.query:
            return self.documents.none()
        return self._backend.matching(self.query.matching)


def search(
    documents: QuerySet[M], text: str, *, date_field: str, index: type[models.Model], by_date: bool = False
) -> Results[M] | None:
    """`documents` searched for `text`; None when `text` is blank. Text with no
    letter or digit finds nothing. `index` is the document's FTS5 model (used on
    SQLite only)."""
    if not text.strip():
        return None
    return Results(documents, Query.parse(text), date_field=date_field, index=index, by_date=by_date)


# --- What each kind of document is found by ------------------------------------------------


def incoming_terms(
    *, type_name: str, symbol: str, issuer: str, abstract: str, attached_text: str = ""
) -> str:
    """The terms of an incoming document: its type and symbol as read aloud ("Công
    văn số 12-CV/TU"), its issuer, its abstract and the text of its files."""
    named = f"{type_name} số {symbol}" if symbol else type_name
    return terms(named, issuer, abstract, attached_text)


def outgoing_terms(*, type_name: str, symbol: str, issuer: str, abstract: str, recipients: str) -> str:
    """The terms of an outgoing document: as an incoming one, with its recipients."""
    return terms(f"{type_name} số {symbol}", issuer, abstract, recipients)
