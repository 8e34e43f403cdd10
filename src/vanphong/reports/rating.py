"""Each organization's reporting over a year, scored for the year-end rating (xếp loại).

For a receiving committee and a year, every period of the committee's forms that lies
in the year (by its first day) and whose due day has passed (as of today, or of a day
given) counts: for each organization asked in it, the period is on time, late or
missing, and a report sent may be thin, exactly as the period board says
(`selectors.board_rows` and its `status_conditions`: one definition of each word).
Completeness is the share of the required parts filled in the reports sent: a
required part left empty is a thin reason "empty" of the report's latest submission.

The score (0–100) is a weighted sum of three shares of the periods due:

    timeliness   = (on time + LATE_CREDIT × late) / due
    substance    = (sent − thin) / due
    completeness = filled required parts / required parts, over the reports sent
    score = 100 × (W_TIMELY × timeliness + W_SUBSTANCE × substance
                   + W_COMPLETE × completeness × sent / due)

Completeness is weighed by the share sent: a period with nothing sent has nothing
complete, so an organization that sent one full report of twelve does not score as
if it had sent twelve. The suggested band follows the four levels of the annual
rating of Party organizations (Quy định 124-QĐ/TW, 2023): it is a suggestion from
the reporting criterion alone, which the committee weighs with every other task.

Queries: the periods (one), every period's board rows as one UNION ALL (one per
`PERIODS_PER_QUERY` periods), and the latest submissions of the thin reports (one):
the same at 3 organizations as at 5,000, never one per organization or per period.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import IntegerField, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy

from vanphong.core.models import Organization
from vanphong.core.vietnamese import collation_key
from vanphong.reports.models import ReportPeriod, ReportSubmission
from vanphong.reports.selectors import Status, board_rows

# Being on time weighs most: what the office needs first is to know in time (the issue
# counts late reports first among the Khối's weaknesses), and a missing report is
# already scored nothing here.
W_TIMELY = Fraction(5, 10)
# A report that says something: thin reports (parts empty, narratives too short,
# figures jumping) are the other half of the complaint ("chất lượng báo cáo còn sơ sài").
W_SUBSTANCE = Fraction(3, 10)
# Completeness weighs least because an empty required part already makes a report
# thin: it refines the substance share rather than standing apart from it.
W_COMPLETE = Fraction(2, 10)
# A late report still informs the office, only after the day it was needed.
LATE_CREDIT = Fraction(1, 2)
TENTH = Decimal("0.1")

# SQLite refuses a compound SELECT of more than 500 terms; a committee asks for a few
# dozen periods a year, so this is one query in practice.
PERIODS_PER_QUERY = 100


class Band(enum.StrEnum):
    """The levels of the annual rating of a Party organization, best first."""

    EXCELLENT = "excellent"  # Hoàn thành xuất sắc nhiệm vụ
    GOOD = "good"  # Hoàn thành tốt nhiệm vụ
    DONE = "done"  # Hoàn thành nhiệm vụ
    FAILED = "failed"  # Không hoàn thành nhiệm vụ


BAND_LABELS = {
    Band.EXCELLENT: gettext_lazy("Completed tasks excellently"),
    Band.GOOD: gettext_lazy("Completed tasks well"),
    Band.DONE: gettext_lazy("Completed tasks"),
    Band.FAILED: gettext_lazy("Did not complete tasks"),
}

# The lowest score of each band, best first: nearly every report on time and full for
# the best; most of them for "good"; at least half the weight earned to have done the
# reporting task at all.
BAND_FLOORS = [(Band.EXCELLENT, Decimal(90)), (Band.GOOD, Decimal(75)), (Band.DONE, Decimal(50))]


def band_of(score: Decimal) -> Band:
    for band, floor in BAND_FLOORS:
        if score >= floor:
            return band
    return Band.FAILED


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


@dataclass
class RatingRow:
    """One organization's year (or the Khối's, `pk` None): counts of the periods due,
    and of the required parts asked and filled in the reports sent."""

    pk: int | None
    name: str
    due: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    thin: int = 0
    required: int = 0
    filled: int = 0
    # Per period (in the periods' order): its status, thin flag and report pk.
    periods: list[tuple[ReportPeriod, str, bool, int | None]] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return self.on_time + self.late

    @property
    def on_time_share(self) -> float | None:
        return _share(self.on_time, self.due)

    @property
    def thin_share(self) -> float | None:
        """Thin reports among those sent."""
        return _share(self.thin, self.sent)

    @property
    def completeness(self) -> float | None:
        """Required parts filled among those asked in the reports sent (None: nothing
        sent; every report complete when the forms require nothing)."""
        if not self.sent:
            return None
        return _share(self.filled, self.required) if self.required else 1.0

    @property
    def completeness_percent(self) -> float | None:
        return percent(self.completeness)

    @property
    def on_time_percent(self) -> float | None:
        return percent(self.on_time_share)

    @property
    def thin_percent(self) -> float | None:
        return percent(self.thin_share)

    @property
    def score(self) -> Decimal:
        """0–100, to one decimal (half up): computed in exact fractions, so the same
        counts always give the same score and band."""
        if not self.due:
            return Decimal(0)
        due = Fraction(self.due)
        timeliness = (self.on_time + LATE_CREDIT * self.late) / due
        substance = (self.sent - self.thin) / due
        complete = (Fraction(self.filled, self.required) if self.required else Fraction(1)) * self.sent / due
        exact = 100 * (W_TIMELY * timeliness + W_SUBSTANCE * substance + W_COMPLETE * complete)
        return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(TENTH, rounding=ROUND_HALF_UP)

    @property
    def band(self) -> Band:
        return band_of(self.score)

    @property
    def band_label(self) -> str:
        return str(BAND_LABELS[self.band])

    def add(self, other: RatingRow) -> None:
        for name in ("due", "on_time", "late", "missing", "thin", "required", "filled"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Rating:
    committee: Organization
    year: int
    as_of: dt.date
    periods: list[ReportPeriod]
    rows: list[RatingRow]  # the best score first
    total: RatingRow  # the Khối: the counts added (its score is the whole's, not a mean)
    bands: dict[Band, int]  # how many organizations in each band


def year_periods(committee: Organization, year: int, as_of: dt.date) -> QuerySet[ReportPeriod]:
    """The committee's periods lying in `year` (by their first day) whose due day has
    passed by `as_of` (a period is due the day after its due day, as on the board)."""
    return (
        ReportPeriod.objects.filter(form__organization=committee, starts_on__year=year, due_on__lt=as_of)
        .select_related("form__recipients_root", "version")
        .order_by("due_on", "form__title", "pk")
    )


def years(committee: Organization) -> list[int]:
    """The years in which the committee opened a period, the latest first."""
    days = ReportPeriod.objects.filter(form__organization=committee).dates("starts_on", "year", order="DESC")
    return [day.year for day in days]


def _required(period: ReportPeriod) -> int:
    return sum(1 for f in period.version.fields if f.get("required"))


def _only(rows: QuerySet[Organization], organization: Organization | None) -> QuerySet[Organization]:
    return rows if organization is None else rows.filter(pk=organization.pk)


def rating(
    committee: Organization, year: int, *, as_of: dt.date | None = None, only: Organization | None = None
) -> Rating:
    """Each organization asked by the committee's forms in `year` (or `only` that one),
    with its counts, score and band, the best first (then by name), and the Khối's
    totals."""
    as_of = as_of or timezone.localdate()
    periods = list(year_periods(committee, year, as_of))
    by_pk = {period.pk: period for period in periods}
    rows: dict[int, RatingRow] = {}
    thin_reports: dict[int, RatingRow] = {}
    for start in range(0, len(periods), PERIODS_PER_QUERY):
        chunk = periods[start : start + PERIODS_PER_QUERY]
        parts = [
            _only(board_rows(period, as_of), only)
            .annotate(period_key=Value(period.pk, output_field=IntegerField()))
            .values("pk", "name", "period_key", "status", "is_thin", "report_id")
            .order_by()
            for period in chunk
        ]
        union: Any = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        for line in union:
            row = rows.get(line["pk"])
            if row is None:
                row = rows[line["pk"]] = RatingRow(pk=line["pk"], name=line["name"])
            period = by_pk[line["period_key"]]
            status = line["status"]
            thin = bool(line["is_thin"]) and status in (Status.ON_TIME, Status.LATE)
            row.periods.append((period, status, thin, line["report_id"]))
            row.due += 1
            if status == Status.ON_TIME:
                row.on_time += 1
            elif status == Status.LATE:
                row.late += 1
            else:
                # Every period counted is past its due day: not sent is missing.
                row.missing += 1
            if status in (Status.ON_TIME, Status.LATE):
                asked = _required(period)
                row.required += asked
                row.filled += asked
                if thin:
                    row.thin += 1
                    thin_reports[line["report_id"]] = row
    if thin_reports:
        # A thin report's latest submission says which required parts it left empty.
        latest = (
            ReportSubmission.objects.filter(report__period__in=periods, report__is_thin=True)
            .order_by("report_id", "-number")
            .values_list("report_id", "thin_reasons")
        )
        seen: set[int] = set()
        for report_id, reasons in latest:
            if report_id in seen or report_id not in thin_reports:
                continue
            seen.add(report_id)
            empty = sum(1 for reason in reasons if reason.get("code") == "empty")
            thin_reports[report_id].filled -= empty
    for row in rows.values():
        row.periods.sort(key=lambda item: (item[0].due_on, item[0].form.title, item[0].pk))
    ordered = sorted(rows.values(), key=lambda row: (-row.score, collation_key(row.name), row.pk or 0))
    total = RatingRow(pk=None, name="")
    bands = dict.fromkeys(Band, 0)
    for row in ordered:
        total.add(row)
        bands[row.band] += 1
    return Rating(committee, year, as_of, periods, ordered, total, bands)


# --- Sorting and the workbook ------------------------------------------------------------------

SORTS: dict[str, Any] = {
    "score": lambda row: (-row.score, collation_key(row.name)),
    "name": lambda row: collation_key(row.name),
    "on_time": lambda row: (-(row.on_time_share or 0), -row.score, collation_key(row.name)),
    "late": lambda row: (-row.late, -row.score, collation_key(row.name)),
    "missing": lambda row: (-row.missing, -row.score, collation_key(row.name)),
    "thin": lambda row: (-row.thin, -row.score, collation_key(row.name)),
    "completeness": lambda row: (-(row.completeness or 0), -row.score, collation_key(row.name)),
}


def sorted_rows(result: Rating, sort: str) -> list[RatingRow]:
    """The rows by `sort` (a key of SORTS; the score otherwise): the most of what is
    sorted on first, ties by score then name."""
    if sort not in SORTS or sort == "score":
        return result.rows
    return sorted(result.rows, key=SORTS[sort])


# The workbook is the office's document, in Vietnamese whatever the language of the
# person exporting it (as exports.py): its words are constants, not translated.
BAND_WORDS = {
    Band.EXCELLENT: "Hoàn thành xuất sắc nhiệm vụ",
    Band.GOOD: "Hoàn thành tốt nhiệm vụ",
    Band.DONE: "Hoàn thành nhiệm vụ",
    Band.FAILED: "Không hoàn thành nhiệm vụ",
}
COLUMNS = [
    "STT",
    "Tổ chức",
    "Số kỳ phải báo cáo",
    "Đúng hạn",
    "Muộn",
    "Không gửi",
    "Sơ sài",
    "Đầy đủ (%)",
    "Điểm",
    "Đề xuất xếp loại",
]


def percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def _cells(row: RatingRow) -> list[Any]:
    return [
        row.due,
        row.on_time,
        row.late,
        row.missing,
        row.thin,
        percent(row.completeness),
        float(row.score),
    ]


def xlsx(result: Rating) -> bytes:
    from vanphong.core.printing import TOTAL, Table, xlsx_of_tables

    rows: list[list[Any]] = [
        [number, row.name, *_cells(row), BAND_WORDS[row.band]]
        for number, row in enumerate(result.rows, start=1)
    ]
    rows.append([TOTAL, "", *_cells(result.total), None])
    bands = Table(
        "Số tổ chức theo mức đề xuất",
        ["Mức xếp loại", "Số tổ chức"],
        [[BAND_WORDS[band], count] for band, count in result.bands.items()],
    )
    heading = [
        result.committee.name.upper(),
        f"KẾT QUẢ THỰC HIỆN CHẾ ĐỘ BÁO CÁO NĂM {result.year}",
        f"Tính đến ngày {result.as_of:%d/%m/%Y}: {len(result.periods)} kỳ báo cáo đã đến hạn. "
        "Điểm = 100 × (0,5 × tỷ lệ đúng hạn, kỳ muộn tính một nửa + 0,3 × tỷ lệ kỳ gửi không sơ sài "
        "+ 0,2 × tỷ lệ đầy đủ × tỷ lệ kỳ đã gửi).",
        "Mức xếp loại chỉ là đề xuất theo tiêu chí báo cáo; cấp ủy xem xét cùng các tiêu chí khác.",
    ]
    return xlsx_of_tables(
        sheet_title="Xếp loại báo cáo",
        heading=heading,
        tables=[Table("Từng tổ chức, điểm cao trước", COLUMNS, rows), bands],
    )


def filename(result: Rating) -> str:
    return f"xep-loai-bao-cao-{result.year}-{result.committee.pk}.xlsx"
