from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RadiationConfig(AppConfig):
    name = "khcn.registries.radiation"
    label = "radiation"
    verbose_name = _("An toàn bức xạ")
