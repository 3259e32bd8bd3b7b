from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetrologyConfig(AppConfig):
    name = "khcn.registries.metrology"
    label = "metrology"
    verbose_name = _("Đo lường")
