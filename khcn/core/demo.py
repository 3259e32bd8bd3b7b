"""Demo data registry. Each app's `demo.py` registers a loader; `manage.py load_demo` runs them in
app order. Loaders must be idempotent: look records up by natural keys, create what is missing."""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps

# Printed by `make run`; demo installations only. Production has no demo users.
DEMO_PASSWORD = "khcn-demo-2024"

_LOADERS: dict[str, Callable[[], str]] = {}
_LOGINS: list[tuple[str, str]] = []


def register(loader: Callable[[], str]) -> Callable[[], str]:
    _LOADERS[loader.__module__] = loader
    return loader


def add_login(username: str, label: str) -> None:
    if username not in {u for u, _ in _LOGINS}:
        _LOGINS.append((username, label))


def loaders() -> list[tuple[str, Callable[[], str]]]:
    order = {config.name: i for i, config in enumerate(apps.get_app_configs())}

    def rank(module: str) -> int:
        app = module.rsplit(".", 1)[0]
        return order.get(app, len(order))

    return sorted(_LOADERS.items(), key=lambda kv: rank(kv[0]))


def logins() -> list[tuple[str, str]]:
    return list(_LOGINS)
