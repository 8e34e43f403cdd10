"""What a user test of the letters found: the handler told of an assignment and
chosen among the unit's people, the sender not called a denouncer before the letter
is classified, the time limits without a developer's note, the register's workbook
titled once, the letters' date fields."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.functional import Promise
from openpyxl import load_workbook

from vanphong.core.models import Role
from vanphong.core.tests.factories import make_person
from vanphong.handling.models import Notification
from vanphong.letters import forms as letter_forms
from vanphong.letters import selectors, services
from vanphong.letters.models import LetterKind, TimeLimit
from vanphong.letters.tests.conftest import register

pytestmark = pytest.mark.django_db


def client_for(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


# --- The handler: told, and chosen among the unit's people -------------------------------------


def test_the_handler_is_told_in_the_app_and_by_email(
    clerk, handler, tree, django_capture_on_commit_callbacks
):
    handler.email = "xuly@example.vn"
    handler.save()
    letter = register(clerk, tree)
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_forward(actor=clerk, letter=letter, unit=tree.bloc, handler=handler)
    told = Notification.objects.get(recipient=handler)
    assert told.url == reverse("letter_detail", args=[letter.pk])
    letter.refresh_from_db()
    assert letter.register_number in told.text
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["xuly@example.vn"]
    # Not the subject: an e-mail crosses the Internet.
    assert letter.subject not in told.text and letter.subject not in mail.outbox[0].body
    # Forwarded again to the same handler (a new instruction): not told twice.
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_forward(
            actor=clerk, letter=letter, unit=tree.bloc, handler=handler, instruction="Gấp"
        )
    assert Notification.objects.filter(recipient=handler).count() == 1 and len(mail.outbox) == 1


def test_the_register_filters_the_letters_assigned_to_me(clerk, office_chief, tree):
    mine = register(clerk, tree, subject="Kiến nghị giao cho tôi")
    register(clerk, tree, subject="Kiến nghị của người khác")
    services.letter_forward(actor=clerk, letter=mine, unit=tree.city, handler=office_chief)
    page = client_for(office_chief).get(reverse("letters_home") + "?mine=on").content.decode()
    assert "Kiến nghị giao cho tôi" in page and "Kiến nghị của người khác" not in page
    home = client_for(office_chief).get(reverse("letters_home")).content.decode()
    assert 'id="assigned"' in home and "Kiến nghị của người khác" in home


def test_the_handlers_are_the_units_and_the_offices_people_named_with_their_post(clerk, handler, tree):
    elsewhere = make_person(organization=tree.grassroots, role=Role.SPECIALIST, full_name="Lê Thị Xử Lý")
    office = make_person(organization=tree.office, role=Role.SPECIALIST, full_name="Phạm Văn Phòng")
    letter = register(clerk, tree)
    bloc_people = set(selectors.handlers_for(tree.city, tree.grassroots).values_list("pk", flat=True))
    assert elsewhere.pk in bloc_people and office.pk in bloc_people and handler.pk not in bloc_people
    # Two people of one name are told apart by their post and unit.
    client = client_for(clerk)
    fragment = client.get(
        reverse("letter_forward_handlers", args=[letter.pk]) + f"?unit={tree.bloc.pk}"
    ).content.decode()
    assert f"Lê Thị Xử Lý — {Role(Role.SPECIALIST).label}, {tree.bloc.name}" in fragment
    assert 'name="handler"' in fragment and "Phạm Văn Phòng" in fragment
    grassroots_only = client.get(
        reverse("letter_forward_handlers", args=[letter.pk]) + f"?unit={tree.grassroots.pk}"
    ).content.decode()
    assert f'value="{handler.pk}"' not in grassroots_only and f'value="{elsewhere.pk}"' in grassroots_only
    page = client.get(reverse("letter_detail", args=[letter.pk])).content.decode()
    assert 'hx-get="' + reverse("letter_forward_handlers", args=[letter.pk]) in page


def test_a_handler_outside_the_unit_is_refused_at_the_field(clerk, handler, tree):
    letter = register(clerk, tree)
    response = client_for(clerk).post(
        reverse("letter_forward", args=[letter.pk]),
        {
            "unit": tree.grassroots.pk,
            "handler": handler.pk,
            "forwarded_on": letter.received_on.strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 400
    assert 'id="id_handler_error"' in response.content.decode()
    letter.refresh_from_db()
    assert letter.handler is None and letter.forwarded_to is None
    with pytest.raises(services.ValidationError) as refused:
        services.letter_forward(actor=clerk, letter=letter, unit=tree.grassroots, handler=handler)
    assert "handler" in refused.value.message_dict


# --- Wording -----------------------------------------------------------------------------------


def test_an_unclassified_letters_sender_is_not_called_a_denouncer(clerk, office_chief, tree):
    letter = register(clerk, tree, kind="")
    page = client_for(office_chief).get(reverse("letter_detail", args=[letter.pk])).content.decode()
    assert 'data-identity="hidden"' in page
    assert (
        "denouncer" not in page.lower() and "tố cáo" not in page.split('id="identity"')[1].split("</div>")[0]
    )
    denunciation = register(clerk, tree, kind=LetterKind.DENUNCIATION)
    shown = client_for(office_chief).get(reverse("letter_detail", args=[denunciation.pk])).content.decode()
    assert 'data-identity="hidden"' in shown


def test_the_time_limits_page_hides_a_zero_extension(clerk, office_chief, tree):
    page = client_for(office_chief).get(reverse("letter_time_limits")).content.decode()
    assert "+0" not in page
    assert "cần kiểm tra" not in page


def test_the_migration_rewords_only_the_seeded_basis():
    migration = importlib.import_module("vanphong.letters.migrations.0003_legal_basis_wording")
    TimeLimit.objects.filter(kind="petition").update(legal_basis=migration.OLD)
    TimeLimit.objects.filter(kind="feedback").update(legal_basis="Quy chế của Văn phòng")
    migration.reword(apps, None)
    assert TimeLimit.objects.get(kind="petition").legal_basis == migration.NEW
    assert TimeLimit.objects.get(kind="feedback").legal_basis == "Quy chế của Văn phòng"
    assert "cần kiểm tra" not in migration.NEW


def test_the_registers_workbook_names_its_title_once(office_chief, clerk, tree):
    register(clerk, tree)
    body = client_for(office_chief).get(reverse("letter_register_export") + "?register=petitions").content
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    firsts = [row[0] for row in sheet.iter_rows(values_only=True) if row and row[0]]
    titles = [cell for cell in firsts if isinstance(cell, str) and "—" in cell]
    assert len(titles) == 1, firsts[:6]


def test_the_letters_date_fields_have_the_readers_placeholder():
    form = letter_forms.ReplyForm()
    placeholder = form.fields["replied_on"].widget.attrs["placeholder"]
    assert isinstance(placeholder, Promise)  # translated as the page is drawn ("ngày/tháng/năm")
