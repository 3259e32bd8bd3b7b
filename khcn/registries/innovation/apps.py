from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationConfig(AppConfig):
    name = "khcn.registries.innovation"
    label = "innovation"
    verbose_name = _("Đổi mới sáng tạo, khởi nghiệp")
