from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "khcn.audit"
    label = "audit"
    verbose_name = _("Nhật ký an ninh")

    def ready(self) -> None:
        from khcn.audit import checks, signals  # noqa: F401  (connects receivers, registers checks)
