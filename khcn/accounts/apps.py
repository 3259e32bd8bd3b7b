from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "khcn.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản và phân quyền")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from khcn.accounts.roles import sync_roles_after_migrate

        # Groups and their permissions are data derived from roles.py; keep them in step after
        # every migrate so a new model's permissions reach the roles that should have them.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="khcn-sync-roles")

        from django.contrib.auth.signals import user_logged_in

        from khcn.accounts.middleware import on_user_logged_in

        # The staff session clocks and the password-age check start at each login.
        user_logged_in.connect(on_user_logged_in, dispatch_uid="khcn-session-started")

        from django.db.models.signals import post_save

        from khcn.accounts.validators import record_first_password

        post_save.connect(record_first_password, sender=self.get_model("User"), dispatch_uid="khcn-first-password")
