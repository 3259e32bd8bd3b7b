from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TechnologyConfig(AppConfig):
    name = "khcn.registries.technology"
    label = "technology"
    verbose_name = _("Công nghệ và chuyển giao công nghệ")
