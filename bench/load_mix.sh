#!/usr/bin/env bash
# Benchmark (issue 9): a bounded load run of a realistic mix of staff, host and public traffic
# (bench/locustfile.py) with 50 concurrent users for 5 minutes against gunicorn on PostgreSQL.
# Not a test. Does the whole thing:
#   1. a PostgreSQL database: $DATABASE_URL if set (it must already hold `manage.py load_demo`),
#      else a throwaway cluster (scripts/pg-temp.sh) migrated and loaded with the demo data;
#   2. collectstatic into a temporary STATIC_ROOT (DEBUG=0 serves the manifest through whitenoise);
#   3. gunicorn as docs/deploy.md runs it (3 sync workers, --timeout 120) with production-like
#      settings for plain HTTP on loopback (DEBUG=0, HTTPS settings off, OTP off for staff logins);
#   4. locust headless (--users 50 --spawn-rate 10 --run-time 5m), `uptime` sampled every 15 s;
#   5. the results in $OUT: locust's CSV/HTML, the load samples, the gunicorn log.
#
#   bench/load_mix.sh                                  # throwaway cluster + demo data (~5 min more)
#   DATABASE_URL=postgres://... bench/load_mix.sh      # a database that already holds the demo
#   USERS=50 RUN_TIME=5m WORKERS=3 OUT=/tmp/khcn-load-mix bench/load_mix.sh
#
# Needs: .venv/bin/pip install -r bench/requirements.txt (locust).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
USERS=${USERS:-50}
SPAWN_RATE=${SPAWN_RATE:-10}
RUN_TIME=${RUN_TIME:-5m}
WORKERS=${WORKERS:-3}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/khcn-load-mix.XXXXXX")}
mkdir -p "$OUT"

STARTED_PG=0
WEB=""
SAMPLER=""
cleanup() {
  [[ -n "$SAMPLER" ]] && kill "$SAMPLER" 2>/dev/null || true
  if [[ -n "$WEB" ]]; then
    kill -TERM "$WEB" 2>/dev/null || true
    wait "$WEB" 2>/dev/null || true
  fi
  [[ $STARTED_PG -eq 1 ]] && pg_temp_stop
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -z "${DATABASE_URL:-}" ]]; then
  # shellcheck source=scripts/pg-temp.sh
  source scripts/pg-temp.sh
  pg_temp_start
  STARTED_PG=1
  echo "load-mix: throwaway PostgreSQL at $DATABASE_URL; loading the demo data" >&2
  $PY manage.py migrate -v0
  $PY manage.py load_demo >"$OUT/load_demo.log"
fi
[[ "$DATABASE_URL" == postgres* ]] || { echo "load-mix: DATABASE_URL must be PostgreSQL" >&2; exit 2; }
# The demo publishes nothing; publish its public-status tasks and organisations (idempotent).
$PY bench/publish_demo.py

export DEBUG=0
export SECRET_KEY=${SECRET_KEY:-bench-only-secret-key-not-for-production-0123456789abcdef}
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=0
export KHCN_INSECURE_COOKIES_FOR_LOCAL_DEMO=1
export OTP_REQUIRED_FOR_STAFF=0
export STATIC_ROOT=${STATIC_ROOT:-${TMPDIR:-/tmp}/khcn-bench-static}
export LOG_LEVEL=${LOG_LEVEL:-WARNING}
$PY manage.py collectstatic --noinput -v0

PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
GUNICORN="--bind 127.0.0.1:$PORT --workers $WORKERS --timeout 120"
echo "gunicorn khcn.wsgi:application $GUNICORN" >"$OUT/gunicorn.conf.txt"
# shellcheck disable=SC2086
.venv/bin/gunicorn khcn.wsgi:application $GUNICORN --error-logfile "$OUT/gunicorn.log" &
WEB=$!
for _ in $(seq 1 120); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/csdl/" 2>/dev/null && break
  sleep 0.5
done

(while true; do echo "$(date +%T) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 15; done) >"$OUT/load.txt" &
SAMPLER=$!
echo "load-mix: $USERS users for $RUN_TIME against http://127.0.0.1:$PORT ($WORKERS workers); results in $OUT" >&2
set +e
.venv/bin/locust -f bench/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
  --users "$USERS" --spawn-rate "$SPAWN_RATE" --run-time "$RUN_TIME" --stop-timeout 30 \
  --csv "$OUT/locust" --html "$OUT/locust.html" --only-summary >"$OUT/locust.log" 2>&1
STATUS=$?
set -e
kill "$SAMPLER" 2>/dev/null || true
SAMPLER=""
echo "load average during the run (1/5/15 min), every 15 s:"
cat "$OUT/load.txt"
$PY - "$OUT" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(f"{sys.argv[1]}/locust_stats.csv")))
print("| group | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for r in rows:
    print(f"| {r['Name'] or r['Type']} | {r['Request Count']} | {r['Failure Count']} | {float(r['Requests/s']):.2f} "
          f"| {r['50%']} | {r['95%']} | {r['99%']} | {float(r['Max Response Time']):.0f} |")
PYEOF
if [[ -s "$OUT/locust_failures.csv" ]] && [[ $(wc -l <"$OUT/locust_failures.csv") -gt 1 ]]; then
  echo "failures:"; cat "$OUT/locust_failures.csv"
fi
echo "results: $OUT (locust exit status $STATUS)"
exit $STATUS
