"""Disable accounts nobody has used for ACCOUNT_IDLE_DAYS (TCVN 14423: 45 days). Run daily, like
`remind`. Superusers are not spared (an unused admin account is the one most worth closing), but
each one is logged as a warning so that it is noticed; `createsuperuser` or another admin reopens it."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Q
from django.utils import timezone

from khcn.accounts.models import User

logger = logging.getLogger("khcn.security")


class Command(BaseCommand):
    help = "Khoá các tài khoản không đăng nhập trong N ngày (mặc định ACCOUNT_IDLE_DAYS = 45)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="số ngày không đăng nhập (mặc định theo cấu hình)")
        parser.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không khoá")

    def handle(self, *args: Any, days: int | None, dry_run: bool, **options: Any) -> None:
        days = settings.ACCOUNT_IDLE_DAYS if days is None else days
        if days <= 0:
            self.stdout.write("ACCOUNT_IDLE_DAYS <= 0: không khoá tài khoản nào.")
            return
        cutoff = timezone.now() - timedelta(days=days)
        # Never logged in counts from the day the account was made.
        idle = User.objects.filter(is_active=True).filter(
            Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
        )
        count = 0
        for user in idle.order_by("pk"):
            last = user.last_login or user.date_joined
            log = logger.warning if user.is_superuser else logger.info
            log(
                "%s account %s (id %s, %s): no login since %s, more than %s days",
                "would deactivate" if dry_run else "deactivated",
                user.username,
                user.pk,
                "superuser" if user.is_superuser else ("staff" if user.is_staff else "user"),
                last.isoformat(),
                days,
            )
            if not dry_run:
                user.is_active = False
                user._change_reason = f"Khoá tự động: không đăng nhập quá {days} ngày"  # type: ignore[attr-defined]
                user.save(update_fields=["is_active"])
            count += 1
        verb = "Sẽ khoá" if dry_run else "Đã khoá"
        self.stdout.write(f"{verb} {count} tài khoản không đăng nhập quá {days} ngày.")
