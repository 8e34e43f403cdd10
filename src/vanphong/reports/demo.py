"""The demo's reports from grassroots organizations: the Đảng ủy Khối's office asks its
117 grassroots organizations for a monthly and a quarterly report, and a year of them
has come in, about a third late, missing or thin.

The forms, their versions and the periods are made through the services, so they are
audited like real ones. The year of past submissions is history: written in bulk
with the timestamps they would have had, through the same functions `report_submit`
uses (`_clean_draft`, `schema.clean_values`, `schema.thin_reasons`, `schema.numbers`),
so a demo report holds exactly what a submitted one would; they have no audit event
each (the chain is in time order, and a year of back-dated events would break it).
What happens today goes through the services: one of `vanthu.coso`'s reports is
returned for correction, and their quarterly report has a draft.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from vanphong.core import services as core_services
from vanphong.core.models import Membership, Organization, Person, Role
from vanphong.core.permissions import GRANTS, Action
from vanphong.reports import schema, selectors, services
from vanphong.reports.models import (
    Periodicity,
    Report,
    ReportForm,
    ReportFormVersion,
    ReportPeriod,
    ReportState,
    ReportSubmission,
    ReportValue,
    period_bounds,
)

SEED = 2026
BLOC_NAME = "Đảng ủy Khối các cơ quan thành phố"
MONTHLY_TITLE = "Báo cáo tình hình tháng"
QUARTERLY_TITLE = "Báo cáo công tác xây dựng Đảng quý"
OFFICE_NOTE = "Chuyên viên Văn phòng Đảng ủy Khối (theo dõi báo cáo cơ sở)"
RETURN_REASON = (
    "Số đảng viên cuối tháng chưa khớp với sổ danh sách đảng viên của Đảng ủy; đề nghị "
    "rà soát lại số chuyển đến, chuyển đi trong tháng và gửi lại báo cáo."
)

MONTHLY_FIELDS: list[dict[str, Any]] = [
    {
        "key": "members",
        "label": "Tổng số đảng viên cuối tháng",
        "kind": "number",
        "required": True,
        "min": 0,
    },
    {
        "key": "changes",
        "label": "Biến động đảng viên trong tháng",
        "kind": "table",
        "columns": [{"key": "count", "label": "Số đảng viên", "kind": "number"}],
        "rows": ["Kết nạp mới", "Chuyển đến", "Chuyển đi"],
    },
    {
        "key": "summary",
        "label": "Tình hình chung, kết quả nổi bật",
        "kind": "text",
        "required": True,
        "min_words": 40,
    },
]
QUARTERLY_FIELDS: list[dict[str, Any]] = [
    {"key": "members", "label": "Tổng số đảng viên", "kind": "number", "required": True, "min": 0},
    {"key": "men", "label": "Đảng viên nam", "kind": "number", "required": True, "min": 0},
    {"key": "women", "label": "Đảng viên nữ", "kind": "number", "required": True, "min": 0},
    {
        "key": "activities",
        "label": "Sinh hoạt chi bộ và kiểm tra, giám sát trong quý",
        "kind": "table",
        "columns": [
            {"key": "count", "label": "Số cuộc", "kind": "number"},
            {"key": "note", "label": "Ghi chú", "kind": "text"},
        ],
        "rows": ["Sinh hoạt chi bộ thường kỳ", "Sinh hoạt chuyên đề", "Kiểm tra, giám sát"],
    },
    {
        "key": "summary",
        "label": "Đánh giá công tác xây dựng Đảng trong quý",
        "kind": "text",
        "required": True,
        "min_words": 80,
    },
]
QUARTERLY_CHECKS = [{"kind": "sum", "total": "members", "parts": ["men", "women"]}]

OPENINGS = [
    "Trong {period}, {unit} tiếp tục lãnh đạo cán bộ, đảng viên thực hiện tốt nhiệm vụ chính trị.",
    "{unit} đã tổ chức quán triệt kịp thời các chỉ thị, nghị quyết của cấp trên trong {period}.",
    "Tình hình tư tưởng của cán bộ, đảng viên {unit} trong {period} ổn định, đoàn kết, tin tưởng.",
]
SENTENCES = [
    "Các chi bộ duy trì sinh hoạt thường kỳ đúng quy định, nội dung sinh hoạt có chất lượng.",
    "Đảng ủy chỉ đạo hoàn thành các nhiệm vụ chuyên môn theo kế hoạch, không để tồn đọng công việc.",
    "Cán bộ, đảng viên chấp hành nghiêm kỷ luật, kỷ cương hành chính, không có trường hợp vi phạm.",
    "Công tác phát triển đảng viên được quan tâm, đã bồi dưỡng quần chúng ưu tú trong các đoàn thể.",
    "Việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh được gắn với nhiệm vụ hằng ngày.",
    "Công tác kiểm tra, giám sát được thực hiện theo chương trình, bảo đảm đúng nguyên tắc.",
    "Tổ chức công đoàn, đoàn thanh niên phối hợp tốt trong các phong trào thi đua của cơ quan.",
    "Đảng ủy tiếp tục thực hiện sắp xếp tổ chức bộ máy, ổn định tư tưởng cán bộ sau khi sắp xếp.",
    "Công tác chuyển đổi số trong sinh hoạt đảng được triển khai, sổ tay đảng viên điện tử được sử dụng.",
    "Đảng viên thực hiện đóng đảng phí đầy đủ, đúng quy định.",
]
CLOSINGS = [
    "Nhiệm vụ thời gian tới: tiếp tục nâng cao chất lượng sinh hoạt chi bộ và hoàn thành chỉ tiêu năm.",
    "Đề nghị Đảng ủy Khối tiếp tục quan tâm hướng dẫn công tác phát triển đảng viên.",
]
THIN_SUMMARIES = [
    "Tình hình ổn định, không có gì đột xuất.",
    "Các chi bộ sinh hoạt bình thường.",
    "Hoàn thành nhiệm vụ được giao.",
    "Không có vấn đề phát sinh.",
]

Out = Callable[[str], None]


@dataclass
class _Unit:
    org: Organization
    members: int
    women_share: float
    cells: int
    sender: Person | None


@dataclass
class _Filled:
    org: Organization
    period: ReportPeriod
    draft: dict[str, Any]
    at: dt.datetime
    sender: Person


def load_demo(*, city: Organization, out: Out) -> dict[str, int]:
    bloc = Organization.objects.filter(path__startswith=city.path, name=BLOC_NAME).first()
    if bloc is None:
        return {}
    existing = ReportForm.objects.filter(organization=bloc, title__in=[MONTHLY_TITLE, QUARTERLY_TITLE])
    if existing.exists():
        return _counts(city, bloc)
    with transaction.atomic():
        office = _office_staff(bloc)
        if office is None:
            return {}
        today = timezone.localdate()
        rng = random.Random(SEED)
        monthly, quarterly = _forms(office, bloc)
        periods = _periods(office, monthly, today) + _periods(office, quarterly, today)
        units = _units(bloc, periods[0])
        coso = Person.objects.filter(username="vanthu.coso", is_active=True).first()
        coso_org = selectors.sending_organizations(coso).first() if coso is not None else None
        if coso is not None and coso_org is not None and coso_org.pk in units:
            units[coso_org.pk].sender = coso
        late_or_thin, past = _fill(rng, units, periods, today, coso_org)
        if coso is not None and coso_org is not None:
            _today_for(office, coso, coso_org, periods, today)
        _close_old(office, periods, today)
    counts = _counts(city, bloc)
    share = round(100 * late_or_thin / past) if past else 0
    out(
        f"Báo cáo: 2 mẫu, {counts['report_periods']} kỳ, {_number(counts['reports'])} báo cáo "
        f"({share} % chậm, thiếu hoặc sơ sài)."
    )
    return counts


def _counts(city: Organization, bloc: Organization) -> dict[str, int]:
    from vanphong.core.demo import demo_counts  # the core demo imports this module

    return {
        # The Khối's seconded specialist is a role the core's count, taken before the
        # apps' demos, has not seen yet.
        "memberships": demo_counts(city)["memberships"],
        "report_forms": ReportForm.objects.filter(organization=bloc).count(),
        "report_periods": ReportPeriod.objects.filter(organization=bloc).count(),
        "reports": Report.objects.filter(period__organization=bloc, submitted_at__isnull=False).count(),
    }


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


# --- Who ------------------------------------------------------------------------------------------


def _office_staff(bloc: Organization) -> Person | None:
    """Someone who receives the Khối's reports: its office staff, or (the demo has none
    of its own) a member of a grassroots organization seconded to it as a specialist."""
    receiving = [role for role, grants in GRANTS.items() if Action.RECEIVE_REPORTS in grants]
    found = (
        Membership.objects.current()
        .filter(role__in=receiving, person__is_active=True)
        .filter(organization=bloc)
        .select_related("person")
        .order_by("started_on", "pk")
        .first()
    )
    if found is None:
        found = (
            Membership.objects.current()
            .filter(
                role__in=receiving,
                person__is_active=True,
                organization__path__startswith=bloc.path,
                organization__depth=bloc.depth + 1,
                organization__kind__is_office=True,
            )
            .select_related("person")
            .order_by("started_on", "pk")
            .first()
        )
    if found is not None:
        return found.person
    member = (
        Membership.objects.current()
        .filter(role=Role.MEMBER, organization__path__startswith=bloc.path, person__is_active=True)
        .exclude(person__memberships__role__in=[r for r in Role if r != Role.MEMBER])
        .select_related("person")
        .order_by("person__username")
        .first()
    )
    if member is None:
        return None
    core_services.membership_add(
        actor=None,
        person=member.person,
        organization=bloc,
        role=Role.SPECIALIST,
        started_on=dt.date(timezone.localdate().year, 1, 2),
        note=OFFICE_NOTE,
    )
    return member.person


def _units(bloc: Organization, period: ReportPeriod) -> dict[int, _Unit]:
    """Each organization asked, with its real member count, women's share, number of
    chi bộ and the one who sends its reports (its clerk, else its Secretary)."""
    orgs = list(selectors.recipients(period).order_by("path"))
    lengths = {len(org.path) for org in orgs}
    members: Counter[str] = Counter()
    women: Counter[str] = Counter()
    for path, gender in (
        Membership.objects.current()
        .filter(role=Role.MEMBER, organization__path__startswith=bloc.path)
        .values_list("organization__path", "person__gender")
    ):
        for length in lengths:
            members[path[:length]] += 1
            women[path[:length]] += gender == "F"
    cells: Counter[str] = Counter()
    for org in Organization.objects.filter(
        path__startswith=bloc.path, kind__is_office=False, closed_on__isnull=True
    ).values_list("path", flat=True):
        for length in lengths:
            if len(org) > length:
                cells[org[:length]] += 1
    senders: dict[str, tuple[int, Person]] = {}
    preference = {Role.CLERK: 0, Role.OFFICE_CHIEF: 1, Role.SECRETARY: 2, Role.DEPUTY_SECRETARY: 3}
    by_path = {org.path: org for org in orgs}
    for membership in (
        Membership.objects.current()
        .filter(
            role__in=selectors.SENDER_ROLES,
            person__is_active=True,
            organization__path__startswith=bloc.path,
        )
        .select_related("person", "organization__kind")
        .order_by("pk")
    ):
        unit = membership.organization
        owner = unit.path if unit.path in by_path else None
        if owner is None and unit.kind.is_office:
            parent = unit.path[: -(len(unit.path) // unit.depth)]
            owner = parent if parent in by_path else None
        if owner is None:
            continue
        rank = preference.get(Role(membership.role), 9)
        if owner not in senders or rank < senders[owner][0]:
            senders[owner] = (rank, membership.person)
    return {
        org.pk: _Unit(
            org=org,
            members=max(members[org.path], 3),
            women_share=(women[org.path] / members[org.path]) if members[org.path] else 0.4,
            cells=max(cells[org.path], 1),
            sender=senders[org.path][1] if org.path in senders else None,
        )
        for org in orgs
    }


# --- The forms and the periods ----------------------------------------------------------------------


def _forms(office: Person, bloc: Organization) -> tuple[ReportForm, ReportForm]:
    made = []
    for title, periodicity, fields, checks in [
        (MONTHLY_TITLE, Periodicity.MONTH, MONTHLY_FIELDS, []),
        (QUARTERLY_TITLE, Periodicity.QUARTER, QUARTERLY_FIELDS, QUARTERLY_CHECKS),
    ]:
        form = services.form_create(
            actor=office,
            organization=bloc,
            title=title,
            periodicity=periodicity,
            due_day=20,
            recipients_root=bloc,
            tolerance_percent=20,
            fields=fields,
            checks=checks,
        )
        services.version_publish(actor=office, version=form.versions.get())
        made.append(form)
    # Asked since the start of the year: the rows say so (the audit trail says today).
    start = timezone.make_aware(dt.datetime(timezone.localdate().year - 1, 12, 26, 9))
    ReportForm.objects.filter(pk__in=[f.pk for f in made]).update(created_at=start)
    ReportFormVersion.objects.filter(form__in=made).update(published_at=start + dt.timedelta(hours=2))
    return made[0], made[1]


def _periods(office: Person, form: ReportForm, today: dt.date) -> list[ReportPeriod]:
    """The periods of the last 12 months (4 quarters) up to the current one, oldest
    first; each opened, in its row, on its first day."""
    months = 1 if form.periodicity == Periodicity.MONTH else 3
    count = 12 if months == 1 else 4
    current = (today.month - 1) // months + 1
    keys = []
    year, number = today.year, current
    for _ in range(count):
        keys.append((year, number))
        number -= 1
        if number == 0:
            year, number = year - 1, 12 // months
    periods = []
    for year, number in reversed(keys):
        period = services.period_open(actor=office, form=form, year=year, number=number)
        starts_on, _ends = period_bounds(form.periodicity, year, number)
        period.opened_at = timezone.make_aware(dt.datetime.combine(starts_on, dt.time(8, 30)))
        period.save(update_fields=["opened_at"])
        periods.append(period)
    return periods


# --- Filling in -------------------------------------------------------------------------------------


def _summary(rng: random.Random, unit: _Unit, period: ReportPeriod, words: int) -> str:
    parts = [rng.choice(OPENINGS).format(period=period.label.lower(), unit=unit.org.name)]
    pool = SENTENCES[:]
    rng.shuffle(pool)
    while schema.word_count(" ".join(parts)) < words and pool:
        parts.append(pool.pop())
    parts.append(rng.choice(CLOSINGS))
    return " ".join(parts)


def _series(rng: random.Random, unit: _Unit, months: int) -> list[tuple[int, int, int, int]]:
    """(members at the month's end, admitted, moved in, moved out) for `months` months
    ending with the current one at today's roll; earlier months computed backwards."""
    rows: list[tuple[int, int, int, int]] = []
    members = unit.members
    for _ in range(months):
        admitted = sum(rng.random() < unit.members / 500 for _ in range(2))
        moved_in = int(rng.random() < 0.12)
        moved_out = int(rng.random() < 0.12)
        rows.append((members, admitted, moved_in, moved_out))
        members = max(members - admitted - moved_in + moved_out, 1)
    return rows[::-1]


def _outcome(rng: random.Random, period: ReportPeriod, today: dt.date) -> dt.datetime | None:
    """When the report was first sent (None: not sent): most on time, some late, a
    few missing; for a period not yet due, some sent already."""

    def moment(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(7, 16), rng.randint(0, 59))))

    if period.due_on >= today:
        if rng.random() < 0.3:
            first = max(period.starts_on, period.ends_on - dt.timedelta(days=20))
            day = first + dt.timedelta(days=rng.randint(0, max((today - first).days - 1, 0)))
            return moment(min(day, today - dt.timedelta(days=1)))
        return None
    draw = rng.random()
    if draw < 0.06:
        return None
    if draw < 0.16:
        day = period.due_on + dt.timedelta(days=rng.randint(1, 15))
        return moment(day) if day < today else None
    return moment(period.due_on - dt.timedelta(days=rng.randint(0, 9)))


def _fill(
    rng: random.Random,
    units: dict[int, _Unit],
    periods: list[ReportPeriod],
    today: dt.date,
    coso_org: Organization | None,
) -> tuple[int, int]:
    """Write every submitted report of the year; returns (late, missing or thin; asked)
    over the periods already due."""
    monthly = [p for p in periods if p.form.periodicity == Periodicity.MONTH]
    filled: list[_Filled] = []
    for unit in units.values():
        series = _series(rng, unit, len(monthly))
        by_month = {(p.ends_on.year, p.ends_on.month): row for p, row in zip(monthly, series, strict=True)}
        for period in periods:
            at = _outcome(rng, period, today)
            mine = coso_org is not None and unit.org.pk == coso_org.pk
            if mine:  # vanthu.coso's: always on time, and nothing yet for what is not due
                at = None if period.due_on >= today else _on(period.due_on - dt.timedelta(days=2), 15)
            if at is None or unit.sender is None:
                continue
            thin = not mine and rng.random() < 0.10
            typo = not mine and rng.random() < 0.025
            members, admitted, moved_in, moved_out = by_month[(period.ends_on.year, period.ends_on.month)]
            if typo:
                members = round(members * 1.3) + 1
            if period.form.periodicity == Periodicity.MONTH:
                draft: dict[str, Any] = {
                    "members": str(members),
                    "changes": [
                        {"count": str(admitted)},
                        {"count": str(moved_in)},
                        {"count": str(moved_out)},
                    ],
                    "summary": rng.choice(THIN_SUMMARIES) if thin else _summary(rng, unit, period, 45),
                }
            else:
                women = round(members * unit.women_share)
                regular = unit.cells * 3
                draft = {
                    "members": str(members),
                    "men": str(members - women),
                    "women": str(women),
                    "activities": [
                        {"count": str(regular), "note": ""},
                        {"count": str(max(unit.cells, 1)), "note": "Chuyên đề học tập và làm theo Bác"},
                        {"count": str(rng.randint(0, 3)), "note": ""},
                    ],
                    "summary": rng.choice(THIN_SUMMARIES) if thin else _summary(rng, unit, period, 90),
                }
            assert unit.sender is not None
            filled.append(_Filled(unit.org, period, draft, at, unit.sender))
    written = _write(filled)
    past = [p for p in periods if p.due_on < today]
    asked = len(units) * len(past)
    ok = sum(
        1
        for f, thin in written
        if f.period.due_on < today and not thin and f.at < selectors.due_end(f.period)
    )
    return asked - ok, asked


def _on(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _write(filled: list[_Filled]) -> list[tuple[_Filled, bool]]:
    """The rows `services.report_submit` would have written for each report, in bulk:
    the report, its first submission, its numbers; thin reasons against the
    organization's previous submitted period, as `selectors.previous_numbers` reads."""
    filled.sort(key=lambda f: (f.period.form_id, f.period.starts_on, f.org.path))
    previous: dict[tuple[int, int], dict[str, Decimal]] = {}
    reports: list[Report] = []
    prepared: list[tuple[_Filled, dict[str, Any], list[dict[str, Any]], dict[str, Decimal]]] = []
    for f in filled:
        version = f.period.version
        draft = services._clean_draft(version, f.draft, {})
        values = schema.clean_values(version.fields, version.checks, draft)
        reasons = schema.thin_reasons(
            version.fields,
            values,
            previous.get((f.period.form_id, f.org.pk), {}),
            f.period.form.tolerance_percent,
        )
        numbers = schema.numbers(version.fields, values)
        previous[(f.period.form_id, f.org.pk)] = numbers
        prepared.append(
            (f, json.loads(json.dumps(values, default=str)), [r.as_json() for r in reasons], numbers)
        )
        reports.append(
            Report(
                period=f.period,
                organization=f.org,
                state=ReportState.SUBMITTED,
                draft=draft,
                draft_saved_at=f.at - dt.timedelta(minutes=25),
                draft_saved_by=f.sender,
                first_submitted_at=f.at,
                submitted_at=f.at,
                is_thin=bool(reasons),
            )
        )
    Report.objects.bulk_create(reports, batch_size=500)
    report_ids = {
        (period_id, org_id): pk
        for pk, period_id, org_id in Report.objects.filter(
            period__in={f.period.pk for f in filled}
        ).values_list("pk", "period_id", "organization_id")
    }
    ReportSubmission.objects.bulk_create(
        (
            ReportSubmission(
                report_id=report_ids[(f.period.pk, f.org.pk)],
                number=1,
                version=f.period.version,
                values=values,
                thin_reasons=reasons,
                submitted_at=f.at,
                submitted_by=f.sender,
            )
            for f, values, reasons, _numbers in prepared
        ),
        batch_size=500,
    )
    submission_ids = dict(
        ReportSubmission.objects.filter(report_id__in=report_ids.values()).values_list("report_id", "pk")
    )
    rows = []
    for f, _values, _reasons, numbers in prepared:
        report_id = report_ids[(f.period.pk, f.org.pk)]
        for key, value in numbers.items():
            rows.append(
                ReportValue(
                    period=f.period,
                    organization=f.org,
                    report_id=report_id,
                    submission_id=submission_ids[report_id],
                    key=key,
                    value=value,
                )
            )
    ReportValue.objects.bulk_create(rows, batch_size=1000)
    return [(f, bool(reasons)) for f, _values, reasons, _numbers in prepared]


def _close_old(office: Person, periods: list[ReportPeriod], today: dt.date) -> None:
    """The office closes a period about a month after its due day: those due more than
    45 days ago are closed (in their row, on that day)."""
    for period in periods:
        if period.due_on < today - dt.timedelta(days=45):
            services.period_close(actor=office, period=period)
            closed = _on(period.due_on + dt.timedelta(days=30), 17)
            ReportPeriod.objects.filter(pk=period.pk).update(closed_at=closed)


# --- Today, through the services ---------------------------------------------------------------------


def _today_for(
    office: Person, coso: Person, organization: Organization, periods: list[ReportPeriod], today: dt.date
) -> None:
    """`vanthu.coso`: last month's report returned for correction, and a draft begun
    of the quarter's, both still due."""
    past = [p for p in periods if p.form.periodicity == Periodicity.MONTH and p.due_on < today]
    if past:
        report = Report.objects.filter(period=past[-1], organization=organization).first()
        if report is not None:
            services.report_return(actor=office, report=report, reason=RETURN_REASON)
    current = [p for p in periods if p.form.periodicity == Periodicity.QUARTER and p.due_on >= today]
    if current:
        services.draft_save(
            actor=coso,
            period=current[-1],
            organization=organization,
            values={"members": "", "summary": "Trong quý, Đảng ủy đã lãnh đạo"},
        )
