from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "khcn.core"
    label = "core"
    verbose_name = _("Dữ liệu dùng chung")


class UnfoldConfig(AppConfig):
    """unfold, with our admin site class as the default site (set before admin autodiscovers)."""

    name = "unfold"

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.admin import sites

        from khcn.core.sites import KhcnAdminSite

        site = KhcnAdminSite()
        admin.site = site
        sites.site = site
