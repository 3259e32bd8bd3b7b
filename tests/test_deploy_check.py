"""Production settings: `manage.py check --deploy` is clean, a missing SECRET_KEY is refused, and a
real response carries the security headers (security.md G13).

Both run in a subprocess with a production environment, because settings are read once at import
and this test process runs with development/test settings.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# Variables that a production server never has (or that the test run sets) and that change settings.
NOT_IN_PRODUCTION = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "KHCN_TESTING",
    "KHCN_INSECURE_COOKIES_FOR_LOCAL_DEMO",
    "AXES_ENABLED",
    "OTP_REQUIRED_FOR_STAFF",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "EMAIL_BACKEND",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in NOT_IN_PRODUCTION}
    env.update(
        DJANGO_SETTINGS_MODULE="khcn.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),  # 86 characters, as `make`'s deployment notes ask for 64+
        ALLOWED_HOSTS="khcn.example.gov.vn",
        OTP_REQUIRED_FOR_STAFF="1",
        KHCN_VAR_DIR=str(tmp_path / "var"),  # keep the checkout's var/ untouched
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_no_issues_with_production_settings(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output, output


def test_production_settings_refuse_to_start_without_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = run(["-c", "import khcn.settings"], env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_refuse_an_empty_secret_key(tmp_path):
    result = run(["-c", "import khcn.settings"], production_env(tmp_path, SECRET_KEY=""))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


# Run in the production settings: fetch the login page over HTTPS and print its headers. The
# static files manifest only exists after collectstatic, so {% static %} resolves plainly here;
# nothing else differs from production, and the page needs no database.
FETCH_HEADERS = """
import json
import django
from django.test import Client
from django.test.utils import override_settings

django.setup()
from django.conf import settings

storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=storages):
    plain = Client().get("/dang-nhap/", headers={"host": "khcn.example.gov.vn"})
    secure = Client().get("/dang-nhap/", secure=True, headers={"host": "khcn.example.gov.vn"})
print(json.dumps({
    "plain": {"status": plain.status_code, "location": plain.get("Location", "")},
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "cookies": {name: morsel.output() for name, morsel in secure.cookies.items()},
    "body": secure.content.decode(),
}))
"""


def test_production_response_carries_the_security_headers(tmp_path):
    result = run(["-c", FETCH_HEADERS], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    fetched = json.loads(result.stdout.strip().splitlines()[-1])
    assert fetched["plain"]["status"] == 301
    assert fetched["plain"]["location"] == "https://khcn.example.gov.vn/dang-nhap/"
    assert fetched["status"] == 200
    headers = {key.lower(): value for key, value in fetched["headers"].items()}

    hsts = dict((part.strip().split("=") + [""])[:2] for part in headers["strict-transport-security"].split(";"))
    assert int(hsts["max-age"]) >= 365 * 24 * 3600
    assert "includeSubDomains" in hsts
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"

    policy = {
        part.split()[0]: part.split()[1:] for part in headers["content-security-policy"].split(";") if part.strip()
    }
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    nonce = next(source for source in policy["script-src"] if source.startswith("'nonce-"))[len("'nonce-") : -1]
    assert f'nonce="{nonce}"' in fetched["body"]
    # The login form's CSRF cookie travels over HTTPS only.
    assert "Secure" in fetched["cookies"]["csrftoken"]
