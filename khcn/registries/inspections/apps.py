from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "khcn.registries.inspections"
    label = "inspections"
    verbose_name = _("Thanh tra, kiểm tra")
