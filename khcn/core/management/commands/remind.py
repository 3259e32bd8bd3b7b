from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from khcn.core import due, jobs
from khcn.core.models import ReminderLog


class Command(BaseCommand):
    help = "Chạy mọi kiểm tra hạn (due.py của từng phân hệ), in danh sách và gửi thư nhắc việc."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--date", help="Ngày chạy (dd/mm/yyyy); mặc định hôm nay")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ in, không gửi thư")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        autodiscover_modules("due")
        today = timezone.localdate()
        if options["date"]:
            try:
                today = dt.datetime.strptime(options["date"], "%d/%m/%Y").date()
            except ValueError:
                raise CommandError("Ngày không hợp lệ, hãy viết dd/mm/yyyy") from None
        items = due.collect(today)
        per_recipient: dict[str, list[due.DueItem]] = defaultdict(list)
        for name, item in items:
            mark = "QUÁ HẠN" if item.overdue else "sắp đến hạn"
            self.stdout.write(f"[{name}] {item.due_date:%d/%m/%Y} {mark}: {item.title}")
            for recipient in item.recipients:
                per_recipient[recipient].append(item)
        self.stdout.write(f"Tổng cộng {len(items)} việc đến hạn ({len(due.checks())} kiểm tra).")
        if options["dry_run"]:
            return
        sent = 0
        for recipient, recipient_items in per_recipient.items():
            fresh = [item for item in recipient_items if _claim(item, recipient, today)]
            if not fresh:
                continue
            body = "\n".join(
                f"- {item.due_date:%d/%m/%Y}{' (QUÁ HẠN)' if item.overdue else ''}: {item.title} {item.url}".rstrip()
                for item in fresh
            )
            jobs.send_email.enqueue(
                to=[recipient],
                subject=f"[KHCN] {len(fresh)} việc cần xử lý ngày {today:%d/%m/%Y}",
                body=body,
            )
            sent += 1
        self.stdout.write(f"Đã xếp {sent} thư nhắc việc vào hàng đợi.")


def _claim(item: due.DueItem, recipient: str, today: dt.date) -> bool:
    """Record the reminder; False when it was already sent today (the unique constraint decides)."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(key=item.key[:200], recipient=recipient, sent_on=today, title=item.title[:500])
    except IntegrityError:
        return False
    return True
