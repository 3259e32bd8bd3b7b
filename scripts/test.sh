#!/usr/bin/env bash
# The whole test suite (`make test`).
#
#   1. every test on SQLite in parallel workers, then the real-browser journeys in one process;
#   2. every test again on a throwaway PostgreSQL cluster (scripts/pg-temp.sh), browser tests left out,
#      when PostgreSQL server binaries are on this machine.
# Two markers keep slow tests from running twice: `database_independent` runs only in run 1 (rules
# computed in Python), `production_database` (fuzzing) only in run 2 when there is one, else in run 1.
#
# Extra arguments go to pytest in both runs, e.g. `scripts/test.sh khcn/directory -x`.
# On a developer machine a missing PostgreSQL or Chromium is reported and skipped. Under CI
# (CI=true) nothing may be skipped: a missing PostgreSQL or Chromium fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
if [[ ! -x "$PY" ]]; then
  echo "Không thấy $PY: hãy chạy \`make test\` (tạo môi trường ảo trước). / $PY not found: run \`make test\`." >&2
  exit 2
fi

case "${CI:-}" in
  1 | true | TRUE | True | yes) IN_CI=1 ;;
  *) IN_CI=0 ;;
esac
CHROMIUM=${KHCN_CHROMIUM:-/usr/bin/chromium}
ARTIFACTS=test-artifacts
mkdir -p "$ARTIFACTS"
rm -f "$ARTIFACTS"/junit-*.xml

# shellcheck source=scripts/pg-temp.sh
source scripts/pg-temp.sh
# pytest runs in the background so that a signal reaches this script at once: it stops pytest,
# then the EXIT trap stops the PostgreSQL cluster and removes its directory.
PYTEST_PID=""
on_signal() {
  if [[ -n "$PYTEST_PID" ]]; then
    kill -TERM "$PYTEST_PID" 2>/dev/null
    wait "$PYTEST_PID" 2>/dev/null
  fi
  exit 130
}
trap pg_temp_stop EXIT
trap on_signal INT TERM
run_pytest() {
  "${PYTEST[@]}" "$@" <&0 &
  PYTEST_PID=$!
  wait "$PYTEST_PID"
  local rc=$?
  PYTEST_PID=""
  return $rc
}

failed=0
sqlite_status="chưa chạy"
pg_status="chưa chạy"
browser_status="chưa chạy"

# -rfEs lists failures, errors and skip reasons under the closing summary line.
PYTEST=("$PY" -m pytest -rfEs)

# Counts the browser tests in a JUnit report: prints "passed failed skipped".
browser_counts() {
  "$PY" - "$1" <<'PYEOF'
import sys
import xml.etree.ElementTree as ET

passed = failed = skipped = 0
try:
    cases = ET.parse(sys.argv[1]).iter("testcase")
except (OSError, ET.ParseError):
    cases = []
for case in cases:
    if not case.get("classname", "").startswith("tests.browser."):
        continue
    if case.find("failure") is not None or case.find("error") is not None:
        failed += 1
    elif case.find("skipped") is not None:
        skipped += 1
    else:
        passed += 1
print(passed, failed, skipped)
PYEOF
}

if [[ ! -x "$CHROMIUM" ]]; then
  if [[ $IN_CI -eq 1 ]]; then
    echo "LỖI: không có Chromium ($CHROMIUM) mà CI=true không cho bỏ qua kiểm thử trình duyệt." >&2
    echo "ERROR: Chromium ($CHROMIUM) is missing and CI=true allows no skipped browser tests." >&2
    failed=1
  else
    echo "Chromium không có trên máy này ($CHROMIUM): các kiểm thử trình duyệt sẽ bị bỏ qua." \
      "(Chromium not found: browser tests will be skipped.)"
  fi
fi

# Non-browser tests run in parallel workers (pytest-xdist, one per CPU unless KHCN_TEST_WORKERS says
# otherwise; each worker has its own test database). The browser journeys share one live server and
# Chromium, so they run after, in a single process. Not --dist loadfile: it schedules by test id,
# and schemathesis gives all cases of one test the same id, so all but one would be dropped.
WORKERS=(-n "${KHCN_TEST_WORKERS:-auto}" --dist load)

# --- Run 1: SQLite -----------------------------------------------------------------------------------
echo "== Lượt 1/2: SQLite, mọi kiểm thử kể cả trình duyệt (run 1/2: SQLite, all tests) =="
started=$SECONDS
# The first run is SQLite whatever the shell says; the second sets its own DATABASE_URL.
unset DATABASE_URL
# Tests of PostgreSQL-only behaviour run in the second pass, not as skips in this one.
# Tests marked `production_database` (fuzzing: schemathesis, hostile files) run once, in run 2 when
# there is one.
ONCE=""
pg_temp_bindir >/dev/null && ONCE=" and not production_database"
run_pytest "${WORKERS[@]}" -m "not postgres_only and not browser$ONCE" --junitxml="$ARTIFACTS/junit-sqlite.xml" "$@"
rc=$?
echo "   (SQLite: exit $rc sau $((SECONDS - started)) giây / after $((SECONDS - started)) s)"
if [[ $rc -eq 0 ]]; then
  sqlite_status="ok"
elif [[ $rc -eq 5 && $# -gt 0 ]]; then
  sqlite_status="không có kiểm thử nào được chọn (none selected)"
elif [[ $rc -eq 5 ]]; then
  sqlite_status="LỖI (không có kiểm thử nào / no tests collected)"
  failed=1
else
  sqlite_status="LỖI (pytest thoát với mã $rc)"
  failed=1
fi

echo "== Lượt 1b: SQLite, hành trình trên trình duyệt (run 1b: SQLite, browser journeys) =="
started=$SECONDS
run_pytest -m "browser and not postgres_only" --junitxml="$ARTIFACTS/junit-browser.xml" "$@"
rc=$?
echo "   (trình duyệt / browser: exit $rc sau $((SECONDS - started)) giây / after $((SECONDS - started)) s)"
if [[ $rc -ne 0 && $rc -ne 5 ]]; then
  failed=1
fi

read -r b_passed b_failed b_skipped < <(browser_counts "$ARTIFACTS/junit-browser.xml")
if [[ $b_failed -gt 0 ]]; then
  browser_status="LỖI ($b_failed hỏng, $b_passed đạt)"
  failed=1
elif [[ $b_skipped -gt 0 ]]; then
  browser_status="bỏ qua ($b_skipped, xem lý do ở trên / skipped, see reasons above)"
  [[ $IN_CI -eq 1 ]] && failed=1
elif [[ $b_passed -gt 0 ]]; then
  browser_status="ok ($b_passed)"
else
  browser_status="không chạy (không có kiểm thử trình duyệt nào được chọn / none selected)"
  if [[ $IN_CI -eq 1 && $# -eq 0 ]]; then
    failed=1
  fi
fi

# --- Run 2: PostgreSQL ---------------------------------------------------------------------------------
if pg_temp_bindir >/dev/null; then
  # Browser journeys and tests marked `database_independent` (the back-office part of the
  # authorization matrix: permissions computed in Python, ~4 minutes) ran in run 1 already.
  echo "== Lượt 2/2: PostgreSQL $("$(pg_temp_bindir)/postgres" --version | awk '{print $3}'), bỏ các kiểm thử trình duyệt và database_independent (run 2/2: PostgreSQL, browser and database_independent tests ran in run 1) =="
  started=$SECONDS
  if pg_temp_start; then
    echo "   (cụm tạm / throwaway cluster: 127.0.0.1:$PG_TEMP_PORT, $PG_TEMP_DIR)"
    run_pytest "${WORKERS[@]}" -m "not browser and not database_independent" --junitxml="$ARTIFACTS/junit-postgresql.xml" "$@"
    rc=$?
    pg_temp_stop
    echo "   (PostgreSQL: exit $rc sau $((SECONDS - started)) giây / after $((SECONDS - started)) s)"
    if [[ $rc -eq 0 ]]; then
      pg_status="ok"
    elif [[ $rc -eq 5 && $# -gt 0 ]]; then
      pg_status="không có kiểm thử nào được chọn (none selected)"
    else
      pg_status="LỖI (pytest thoát với mã $rc)"
      failed=1
    fi
  else
    pg_status="LỖI (không khởi động được PostgreSQL / the server did not start)"
    failed=1
  fi
elif [[ $IN_CI -eq 1 ]]; then
  echo "LỖI: không có PostgreSQL (/usr/lib/postgresql/*/bin/initdb) mà CI=true không cho bỏ qua lượt chạy này." >&2
  echo "ERROR: PostgreSQL server binaries are missing and CI=true allows no skipped run." >&2
  pg_status="LỖI (không có PostgreSQL / missing)"
  failed=1
else
  echo "PostgreSQL không có trên máy này: bỏ qua lượt chạy trên PostgreSQL (PostgreSQL not found on this machine: skipping the PostgreSQL run)"
  pg_status="bỏ qua (không có PostgreSQL)"
fi

echo
echo "Kết quả / Result: SQLite: $sqlite_status; PostgreSQL: $pg_status; trình duyệt: $browser_status"
if [[ $failed -ne 0 ]]; then
  echo "KIỂM THỬ KHÔNG ĐẠT / TESTS FAILED"
  exit 1
fi
echo "Mọi lớp kiểm thử đã chạy đều đạt / all test layers that ran passed"
