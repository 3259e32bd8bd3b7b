from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khcn.public import search


class Command(BaseCommand):
    help = "Rebuild the public search index (all kinds, or those named)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kinds", nargs="*", help="kinds to rebuild: " + ", ".join(sorted(search.SOURCES)))

    def handle(self, *args: Any, **options: Any) -> None:
        unknown = set(options["kinds"]) - set(search.SOURCES)
        if unknown:
            raise CommandError(f"unknown kinds: {', '.join(sorted(unknown))}")
        counts = search.reindex_all(options["kinds"] or None)
        for kind, n in counts.items():
            self.stdout.write(f"{kind}: {n}")
