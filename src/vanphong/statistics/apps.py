from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "vanphong.statistics"
    label = "statistics"
    verbose_name = _("Party membership statistics")
