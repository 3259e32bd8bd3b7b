"""Settings for the test suite: the real settings, read with KHCN_TESTING set (fast password
hashing, jobs run at once, no login lockout unless a test turns it on)."""

import os

os.environ.setdefault("KHCN_TESTING", "1")
os.environ.setdefault("AXES_ENABLED", "0")

from khcn.settings import *  # noqa: E402,F403

# Browser tests run Django's live server in threads. With the default in-memory SQLite test
# database those threads share one connection, and two overlapping requests (an autocomplete
# firing twice) can block each other for good. A file database gives each thread its own
# connection, with WAL and a busy timeout, as in production. The pid keeps parallel runs apart.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"khcn_test_{os.getpid()}.sqlite3"),
    }
