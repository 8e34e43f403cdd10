"""The demo city committee (`load_demo`) and the `demo`/`loaddemo` commands."""

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.commands import runserver
from django.db import connection
from django.test import RequestFactory

from vanphong.core import audit, selectors
from vanphong.core.demo import (
    BLOC_GRASSROOTS,
    BLOC_MEMBERS,
    BLOC_UNITS,
    BOARDS,
    CITY_NAME,
    DEMO_PASSWORD,
    EMAIL_DOMAIN,
    LOGINS,
    find_demo,
    load_demo,
)
from vanphong.core.models import AuditEvent, Membership, Organization, Person, Role


def test_the_khoi_lists_117_distinct_grassroots_units() -> None:
    names = [name for name, _ in BLOC_UNITS]
    assert len(names) == BLOC_GRASSROOTS == 117
    assert len(set(names)) == len(names)


def test_there_is_one_sign_in_per_role() -> None:
    roles = [spec.role for spec in LOGINS if spec.home]
    assert set(roles) == set(Role)
    assert len({spec.username for spec in LOGINS}) == len(LOGINS)


@pytest.mark.slow
@pytest.mark.django_db
def test_load_demo_builds_the_city_once() -> None:
    messages: list[str] = []
    result = load_demo(out=messages.append)

    assert result.created and messages
    if connection.vendor == "postgresql":
        # The load analyzed its own uncommitted rows and keeps autovacuum off its tables
        # until it commits: a vacuum meanwhile would record them as empty (see load_demo).
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'core_person'::regclass")
            assert cursor.fetchone()[0] >= 6_900
            cursor.execute(
                "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND granted"
                " AND relation = 'core_person'::regclass"
            )
            assert "ShareUpdateExclusiveLock" in {mode for (mode,) in cursor.fetchall()}
    city = find_demo()
    assert city is not None and city.name == CITY_NAME
    bloc = Organization.objects.get(path__startswith=city.path, abbreviation="ĐUK")
    assert Organization.objects.get_children(bloc).filter(kind__is_grassroots=True).count() == 117
    assert result.counts["bloc_grassroots"] == 117
    assert result.counts["bloc_members"] == BLOC_MEMBERS
    assert 6_900 <= Person.objects.count() <= 7_300
    # Everyone but the administrator and the office's own staff is a member of a chi bộ.
    assert (
        not Person.objects.exclude(memberships__role=Role.MEMBER)
        .filter(is_superuser=False)
        .exclude(memberships__organization__kind__is_office=True)
        .exists()
    )
    # Three grassroots units to follow up; one chi bộ closed by the 2025 merger.
    assert len(selectors.units_without_secretary(city)) == 3
    closed = Organization.objects.get(path__startswith=city.path, closed_on__isnull=False)
    assert closed.closing_note
    assert not Membership.objects.current().filter(organization=closed).exists()
    # The city committee: 1 Bí thư, 2 Phó Bí thư, 13 in the Standing Committee, 45 in all.
    leaders = Membership.objects.current().filter(organization=city)
    assert leaders.filter(role=Role.SECRETARY).count() == 1
    assert leaders.filter(role=Role.DEPUTY_SECRETARY).count() == 2
    assert leaders.filter(role=Role.DEPUTY_SECRETARY, note__contains="Thường trực").count() == 1
    standing = {Role.SECRETARY, Role.DEPUTY_SECRETARY, Role.STANDING_MEMBER}
    assert leaders.filter(role__in=standing).count() == 13
    assert leaders.count() == 45

    request = RequestFactory().post("/dang-nhap/")
    for spec in LOGINS:
        person = authenticate(request, username=spec.username, password=DEMO_PASSWORD)
        assert isinstance(person, Person), spec.username
        if spec.home:
            assert Membership.objects.current().filter(person=person, role=spec.role).exists(), spec.username
            assert person.clearance == spec.clearance
        else:
            assert person.is_superuser and not person.memberships.exists()
    assert {login.username for login in result.logins} == {spec.username for spec in LOGINS}
    # The sign-ins are mailed what happens once the demo is loaded (a reserved domain).
    assert all(
        person.email == f"{person.username}@{EMAIL_DOMAIN}"
        for person in Person.objects.filter(username__in=[spec.username for spec in LOGINS if spec.home])
    )
    # Each of the city's boards has its head and a deputy, who sign in; the head holds
    # the board's seat in the Standing Committee.
    for abbreviation, name in BOARDS.items():
        board = Organization.objects.get(path__startswith=city.path, abbreviation=abbreviation, name=name)
        heads = list(
            Membership.objects.current().filter(organization=board).values_list("person__username", "role")
        )
        head = next(username for username, role in heads if role == Role.UNIT_HEAD)
        assert {role for _username, role in heads} == {Role.UNIT_HEAD, Role.UNIT_DEPUTY_HEAD}
        assert leaders.filter(person__username=head, role=Role.STANDING_MEMBER).exists()

    assert list(audit.verify()) == []

    events, people = AuditEvent.objects.count(), Person.objects.count()
    again = load_demo(out=messages.append)
    assert not again.created
    assert AuditEvent.objects.count() == events
    assert Person.objects.count() == people
    assert again.counts == {**result.counts, "audit_events": events}
    assert [login.username for login in again.logins] == [login.username for login in result.logins]


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_command_prepares_everything_then_serves(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.STATIC_ROOT = tmp_path / "static"
    out = StringIO()
    call_command("loaddemo", "--quiet", stdout=out)
    assert out.getvalue() == ""
    assert find_demo() is not None

    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)

    text = out.getvalue()
    assert "bithu" in text and "vanthu.coso" in text and DEMO_PASSWORD in text
    assert "http://127.0.0.1:8000" in text
    assert find_demo() is not None
    assert (tmp_path / "static" / "vendor").is_dir()

    served: list[dict[str, Any]] = []
    monkeypatch.setattr(runserver.Command, "handle", lambda self, *args, **options: served.append(options))
    events = AuditEvent.objects.count()
    out = StringIO()
    call_command("demo", "--addrport", "127.0.0.1:8765", stdout=out)

    assert "Mở http://127.0.0.1:8765" in out.getvalue()
    assert served and served[0]["addrport"] == "127.0.0.1:8765" and served[0]["use_reloader"] is False
    assert AuditEvent.objects.count() == events  # the second run loaded nothing


def test_a_static_file_new_to_the_finders_is_collected_whatever_its_date(
    settings: Any, tmp_path: Path
) -> None:
    """An app's own static files keep the date they were packaged with (older than
    the last collection): the demo knows them new by their absence from the manifest."""
    import json

    from vanphong.core.management.commands.demo import _static_files_changed

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert not _static_files_changed()
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    content = json.loads(manifest.read_text())
    content["paths"].pop("ninja/swagger-ui.css")
    manifest.write_text(json.dumps(content))
    assert _static_files_changed()
