"""Settings for the test suite: the real settings, read with KHCN_TESTING set (fast password
hashing, jobs run at once, no login lockout unless a test turns it on)."""

import os

os.environ.setdefault("KHCN_TESTING", "1")
os.environ.setdefault("AXES_ENABLED", "0")

from khcn.settings import *  # noqa: E402,F403
