from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IpConfig(AppConfig):
    name = "khcn.registries.ip"
    label = "ip"
    verbose_name = _("Sở hữu trí tuệ")
