from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "vanphong.voting"
    label = "voting"
    verbose_name = _("Votes and written consultations")
