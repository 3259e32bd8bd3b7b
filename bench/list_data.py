"""Benchmark data for bench/list_load.py: tops a migrated database that holds the demo data
(`manage.py load_demo`) up to N published tasks on the public list (default 10,000).

**Benchmark data only.** The synthetic tasks are written with bulk_create: no services, no history
rows, no search entries (the task list without `q` does not read the search index). Each gets a
Publication row, a public status (approved ... cancelled), a host (the demo's organisations plus
synthetic ones, --hosts in all, each in one of 200 administrative units), a PI from the demo's
people, and a form, field and group from the demo's reference lists; codes are `BENCH-000001`...
so they never clash with the demo's. Running it again adds nothing once the public list holds N
tasks.

    DATABASE_URL=postgres://... .venv/bin/python bench/list_data.py --tasks 10000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khcn.settings")

WORDS = ["Nghiên cứu", "ứng dụng", "chọn tạo", "bảo quản", "chế biến", "nhãn lồng", "vải thiều", "giống lúa",
         "chịu mặn", "công nghệ sinh học", "trí tuệ nhân tạo", "truy xuất nguồn gốc", "hữu cơ", "Hưng Yên",
         "Văn Giang", "Khoái Châu", "đông trùng hạ thảo", "xử lý nước thải", "làng nghề", "y tế cơ sở"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=10_000, help="published tasks on the public list")
    parser.add_argument("--hosts", type=int, default=300, help="host organisations the tasks are spread over")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from khcn.directory.models import AdministrativeUnit, FieldOfScience, Organisation, Person, TaskForm
    from khcn.lib.text import fold
    from khcn.public import selectors
    from khcn.public.models import Publication
    from khcn.research.models import PlanGroup, Task

    have = selectors.task_list_public().count()
    missing = args.tasks - have
    print(f"published public tasks: {have}; adding {max(missing, 0)}")
    if missing <= 0:
        return
    rng = random.Random(args.seed)
    forms = list(TaskForm.objects.all())
    fields = list(FieldOfScience.objects.filter(parent__isnull=False)) or list(FieldOfScience.objects.all())
    groups = list(PlanGroup.objects.all())
    units = list(AdministrativeUnit.objects.values_list("pk", flat=True)[:200])
    extra = args.hosts - Organisation.objects.active().count()
    if extra > 0:
        # Synthetic host organisations (name_folded is set by save(), which bulk_create skips).
        Organisation.objects.bulk_create(
            [
                Organisation(
                    name=(name := f"Tổ chức chủ trì thử nghiệm số {i}"),
                    name_folded=fold(name),
                    kind=Organisation.Kind.RESEARCH_INSTITUTE,
                    administrative_unit_id=rng.choice(units) if units else None,
                )
                for i in range(1, extra + 1)
            ]
        )
    hosts = list(Organisation.objects.active().values_list("pk", flat=True)[: args.hosts])
    people = list(Person.objects.values_list("pk", flat=True)[:2000])
    by = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.first()
    statuses = list(selectors.PUBLIC_TASK_STATUSES)
    if not (forms and fields and groups and hosts and people and by):
        sys.exit("load the demo data first (manage.py load_demo): reference lists, organisations, people, users")
    start = time.perf_counter()
    tasks = []
    for i in range(1, missing + 1):
        year = rng.randint(2014, 2026)
        begin = dt.date(year, rng.randint(1, 12), 1)
        budget = rng.randint(200, 3000) * 1_000_000
        tasks.append(
            Task(
                code=f"BENCH-{i:06d}",
                title=" ".join(rng.sample(WORDS, 6)).capitalize()[:500],
                form=rng.choice(forms),
                field=rng.choice(fields),
                group=rng.choice(groups),
                mode="selection",
                host_id=rng.choice(hosts),
                pi_id=rng.choice(people),
                plan_year=year,
                start=begin,
                end=begin + dt.timedelta(days=rng.choice([365, 540, 730])),
                status=rng.choice(statuses),
                objectives="Mục tiêu: " + " ".join(rng.sample(WORDS, 10)),
                state_budget=budget,
                counterpart_budget=budget // 4,
            )
        )
    ct = ContentType.objects.get_for_model(Task)
    with transaction.atomic():
        created = Task.objects.bulk_create(tasks, batch_size=2000)
        Publication.objects.bulk_create(
            [Publication(content_type=ct, object_id=t.pk, published_by=by) for t in created], batch_size=2000
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"added {len(created)} tasks (+ publications) in {time.perf_counter() - start:.1f} s; "
        f"public list now {selectors.task_list_public().count()}, all tasks {Task.objects.count()}"
    )


if __name__ == "__main__":
    main()
