from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "khcn.core"
    label = "core"
    verbose_name = _("Dữ liệu dùng chung")
    # This module holds two AppConfigs, so Django picks neither on its own: say which is ours.
    default = True

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app declares its tabular datasets in imports.py; importing registers them.
        autodiscover_modules("imports")


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
