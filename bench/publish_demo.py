"""Bench data step for bench/load_mix.sh: the demo data publishes nothing on the public site, so a
public visitor would see empty lists. This publishes, through the public app's own service (which
also indexes each record for search), every demo task in a public status and every active
organisation. Idempotent (publishing twice keeps the first decision).

    DATABASE_URL=postgres://... .venv/bin/python bench/publish_demo.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khcn.settings")


def main() -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from khcn.directory.models import Organisation
    from khcn.public import selectors, services
    from khcn.research.models import Task

    by = get_user_model().objects.get(username="admin")
    tasks = Task.objects.active().filter(status__in=selectors.PUBLIC_TASK_STATUSES)
    organisations = Organisation.objects.active()
    for record in [*tasks, *organisations]:
        services.publication_create(record=record, by=by, consent_note="Bench: công bố dữ liệu mẫu")
    print(f"published {tasks.count()} tasks and {organisations.count()} organisations")


if __name__ == "__main__":
    main()
