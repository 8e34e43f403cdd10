"""The demo's letters on the small test tree, with the demo's sign-ins."""

from __future__ import annotations

import pytest
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from vanphong.core.models import AuditEvent, Role, Secrecy
from vanphong.core.tests.factories import make_person
from vanphong.letters import demo
from vanphong.letters.models import Letter, LetterKind, LetterState, ReceptionSession

pytestmark = pytest.mark.django_db


def test_the_demo_letters(tree):
    people = {
        "vanthu": make_person(organization=tree.office, role=Role.CLERK, username="vanthu"),
        "chanhvp": make_person(
            organization=tree.office, role=Role.OFFICE_CHIEF, username="chanhvp", clearance=Secrecy.SECRET
        ),
        "chuyenvien": make_person(organization=tree.office, role=Role.SPECIALIST, username="chuyenvien"),
        "bithu": make_person(organization=tree.city, role=Role.SECRETARY, username="bithu"),
    }
    said: list[str] = []
    counts = demo.load_demo(city=tree.city, out=said.append)
    assert counts == {"letters": 40, "reception_sessions": 2} and said
    letters = Letter.objects.filter(organization=tree.city)
    kinds = dict(letters.values_list("kind").annotate(n=Count("id")))
    assert all(kinds.get(kind, 0) >= 3 for kind in LetterKind.values)
    states = dict(letters.values_list("state").annotate(n=Count("id")))
    assert all(states.get(state, 0) >= 1 for state in LetterState.values), states
    assert letters.filter(state=LetterState.FORWARDED, deadline__lt=demo.timezone.localdate()).exists()
    named = letters.get(sender_name=demo.DENOUNCER)
    assert named.kind == LetterKind.DENUNCIATION and named.state == LetterState.FORWARDED
    assert ReceptionSession.objects.filter(event__isnull=False).count() == 1
    assert AuditEvent.objects.filter(action="letters.received").count() == 40
    # The clerk cannot see the denouncer anywhere; a second load writes nothing.
    client = Client()
    client.force_login(people["vanthu"])
    for url in [reverse("letters_home"), reverse("letter_detail", args=[named.pk])]:
        assert demo.DENOUNCER not in client.get(url).content.decode()
    session = ReceptionSession.objects.filter(state="held").get()
    assert (
        demo.DENOUNCER not in client.get(reverse("letter_session_detail", args=[session.pk])).content.decode()
    )
    assert demo.load_demo(city=tree.city, out=said.append) == counts
    assert Letter.objects.count() == 40
