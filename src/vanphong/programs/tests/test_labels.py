"""The states of programs, items and schedule events say their own words: each label
has its own context (msgctxt), so another app's translation of the same English
("Closed": the archive's "filed") never shows on a program."""

from __future__ import annotations

from django.utils.translation import override

from vanphong.archive.models import DossierState
from vanphong.programs.models import ItemState, ProgramState
from vanphong.schedule.models import EventState


def test_every_state_label_of_programs_and_the_schedule_has_its_own_context():
    for choices in (ProgramState, ItemState, EventState):
        for state in choices:
            # A pgettext_lazy proxy keeps (context, message); a gettext_lazy one (message,).
            arguments = state.label._args
            assert len(arguments) == 2, f"{choices.__name__}.{state.name} has no context"


def test_a_closed_program_is_not_labelled_as_a_dossier_filed_to_the_archive():
    with override("vi"):
        assert str(ProgramState.CLOSED.label) != str(DossierState.CLOSED.label)
        assert str(DossierState.CLOSED.label) == "Đã nộp lưu"
