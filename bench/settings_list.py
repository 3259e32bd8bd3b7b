"""Bench-only settings for bench/list_load.py: the product's settings, plus two bare views that
exist only here (bench/list_urls.py), never in the product's URLs.

    DJANGO_SETTINGS_MODULE=bench.settings_list gunicorn khcn.wsgi:application ...
"""

from khcn.settings import *  # noqa: F403

ROOT_URLCONF = "bench.list_urls"
