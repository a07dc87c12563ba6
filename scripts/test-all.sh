#!/usr/bin/env bash
# Runs the whole suite on SQLite, then on a throwaway PostgreSQL server. `test-all.sh postgres`
# runs only the PostgreSQL pass. More arguments (paths, pytest options) go to both passes.
set -euo pipefail
cd "$(dirname "$0")/.."
export TANDEM_DEBUG=1
# Compiled modules kept outside the tree, whatever PYTHONDONTWRITEBYTECODE says (see Makefile).
unset PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX=${PYTHONPYCACHEPREFIX:-$PWD/var/pycache}
# One pytest worker per core (pytest-xdist); each gets its own test database. `loadgroup`: tests
# marked with one `xdist_group` run on one worker, which plays their shared set-up once
# (docs/testing.md); the others are dealt out as they come.
WORKERS=(-n "${TANDEM_TEST_WORKERS:-$(nproc)}" --dist loadgroup)
status=0
PGROOT=$(mktemp -d -t tandem-pg.XXXXXX)
PGPORT=${TANDEM_TEST_PGPORT:-54329}
# What each pass makes once for all its test processes (docs/testing.md, "made once per pass"):
# in memory-backed /dev/shm where there is one (migrate commits about a hundred and fifty
# times; on a disk each commit waits for a sync).
SHM=/dev/shm; [ -d "$SHM" ] && [ -w "$SHM" ] || SHM=${TMPDIR:-/tmp}
WORK=$(mktemp -d "$SHM/tandem-test.XXXXXX")
trap 'bash scripts/pg.sh stop "$PGROOT"; rm -rf "$PGROOT.log" "$WORK"' EXIT
# - the schema: each test process's database starts as a copy of a template migrated once
#   (conftest.py, `django_db_modify_db_settings`) instead of each process running every
#   migration (about 30 s of CPU each);
# - the demo network: loaded once per pass and kept in a file that every test process puts
#   back (tandem/demo/tests/fixtures.py) instead of each process loading it (about 14 s each).
SQLITE=(env "TANDEM_TEST_SQLITE_TEMPLATE=$WORK/template.sqlite3" "TANDEM_TEST_DEMO=$WORK/demo.sqlite3")
POSTGRES=(env TANDEM_DB=postgres PGHOST=127.0.0.1 "PGPORT=$PGPORT" PGUSER=postgres PGDATABASE=tandem
  TANDEM_TEST_TEMPLATE=tandem_template "TANDEM_TEST_DEMO=$WORK/demo.postgres")
# The demo is loaded before a whole pass only; a run of some paths loads it when a test first
# asks for it (if one does).
demo_ready() {
  local name=$1
  shift
  if [ "$FULL" = 1 ]; then
    "$@" .venv/bin/pytest -q tandem/demo/tests/prepare.py >"$WORK/demo-$name.log" 2>&1 \
      || { cat "$WORK/demo-$name.log" >&2; return 1; }
  fi
}
FULL=$([ $# -le 1 ] && echo 1 || echo 0)
postgres_ready() {
  bash scripts/pg.sh start "$PGROOT" "$PGPORT"
  bash scripts/pg.sh createdb "$PGROOT" "$PGPORT" tandem_template
  for command in "migrate --noinput -v0" createcachetable; do
    # shellcheck disable=SC2086
    TANDEM_DB=postgres PGHOST=127.0.0.1 PGPORT=$PGPORT PGUSER=postgres PGDATABASE=tandem_template \
      .venv/bin/python manage.py $command
  done
  demo_ready postgres "${POSTGRES[@]}"
}
if [ "${1:-all}" != postgres ]; then
  # PostgreSQL's is made while SQLite's is made and the SQLite pass runs: on the other core,
  # and on the CPU the SQLite pass's processes leave, rather than alone between the passes.
  postgres_ready >"$PGROOT.log" 2>&1 &
  preparing=$!
  TANDEM_SQLITE_PATH=$WORK/template.sqlite3 .venv/bin/python manage.py migrate --noinput -v0
  demo_ready sqlite "${SQLITE[@]}"
  echo "== SQLite =="
  # Every test but the browser flows, which run once, in the PostgreSQL pass (the production
  # database): they drive the pages, the browser, axe and the CSP, none of which depends on the
  # database, and every view and service they reach is also tested over HTTP on both databases.
  # The page-by-page accessibility sweep runs here.
  "${SQLITE[@]}" .venv/bin/pytest -q "${WORKERS[@]}" -m "not browser or accessibility_sweep" "${@:2}" \
    || status=$?
  wait "$preparing" || { cat "$PGROOT.log" >&2; exit 1; }
else
  postgres_ready
fi
echo "== PostgreSQL =="
# Tests that touch no database, and the page-by-page accessibility sweep (the pages' markup does
# not depend on the database), ran in the SQLite pass; the browser flows run here only.
"${POSTGRES[@]}" .venv/bin/pytest -q "${WORKERS[@]}" -m "not no_database and not accessibility_sweep" "${@:2}" \
  || status=$?
exit $status
