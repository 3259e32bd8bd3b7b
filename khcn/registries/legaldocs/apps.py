from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegaldocsConfig(AppConfig):
    name = "khcn.registries.legaldocs"
    label = "legaldocs"
    verbose_name = _("Văn bản quy phạm pháp luật")
