#!/usr/bin/env bash
# Serve KHCN with gunicorn (static files through whitenoise) and run the background job worker.
# Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${KHCN_HOST:-127.0.0.1}
PORT=${KHCN_PORT:-8000}
WORKERS=${KHCN_WORKERS:-2}

# The demo server runs with production static handling (manifest storage, compressed files)
# but on plain HTTP on loopback, so HTTPS-only settings stay off.
export DEBUG=${DEBUG:-0}
export SECRET_KEY=${SECRET_KEY:-$(cat var/.secret_key 2>/dev/null || (head -c 48 /dev/urandom | base64 | tr -d '\n/+=' | tee var/.secret_key))}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-0}
export KHCN_INSECURE_COOKIES_FOR_LOCAL_DEMO=${KHCN_INSECURE_COOKIES_FOR_LOCAL_DEMO:-1}
export OTP_REQUIRED_FOR_STAFF=${OTP_REQUIRED_FOR_STAFF:-0}

$PY manage.py db_worker --no-reload &
WORKER=$!
.venv/bin/gunicorn khcn.wsgi:application --bind "$HOST:$PORT" --workers "$WORKERS" --access-logfile - &
WEB=$!

stop() {
  kill -TERM "$WEB" "$WORKER" 2>/dev/null || true
  wait "$WEB" "$WORKER" 2>/dev/null || true
}
trap stop INT TERM EXIT

echo
echo "KHCN đang chạy tại http://$HOST:$PORT/  (quản trị: http://$HOST:$PORT/quan-tri/)  — Ctrl-C để dừng."
$PY manage.py load_demo --logins-only
wait -n "$WEB" "$WORKER"
