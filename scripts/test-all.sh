#!/usr/bin/env bash
# Runs the whole suite on SQLite, then on a throwaway PostgreSQL server. `test-all.sh postgres`
# runs only the PostgreSQL pass.
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
# The SQLite pass's template: in memory-backed /dev/shm where there is one (migrate commits
# about a hundred and fifty times; on a disk each commit waits for a sync).
SHM=/dev/shm; [ -d "$SHM" ] && [ -w "$SHM" ] || SHM=${TMPDIR:-/tmp}
SQLITE_TEMPLATE=$(mktemp -u "$SHM/tandem-template.XXXXXX").sqlite3
trap 'bash scripts/pg.sh stop "$PGROOT"; rm -f "$PGROOT.log" "$SQLITE_TEMPLATE"' EXIT
# The throwaway PostgreSQL server, and its schema made once: each test process's database is
# then a copy of `tandem_template` (conftest.py, `django_db_modify_db_settings`: a fraction of a
# second) instead of each process running every migration (about 27 s of CPU each).
postgres_ready() {
  bash scripts/pg.sh start "$PGROOT" "$PGPORT"
  bash scripts/pg.sh createdb "$PGROOT" "$PGPORT" tandem_template
  for command in "migrate --noinput -v0" createcachetable; do
    # shellcheck disable=SC2086
    TANDEM_DB=postgres PGHOST=127.0.0.1 PGPORT=$PGPORT PGUSER=postgres PGDATABASE=tandem_template \
      .venv/bin/python manage.py $command
  done
}
if [ "${1:-all}" != postgres ]; then
  # Made while the SQLite pass runs, on the CPU its two processes leave (they wait on their
  # database now and then), rather than alone between the passes.
  postgres_ready >"$PGROOT.log" 2>&1 &
  preparing=$!
  # The SQLite pass's schema, made once (on the other core, beside PostgreSQL's): each test
  # process's in-memory database is filled from it (conftest.py, `django_db_modify_db_settings`)
  # instead of each process running every migration (about 30 s of CPU each).
  TANDEM_SQLITE_PATH=$SQLITE_TEMPLATE .venv/bin/python manage.py migrate --noinput -v0
  echo "== SQLite =="
  # Every test but the browser flows, which run once, in the PostgreSQL pass (the production
  # database): they drive the pages, the browser, axe and the CSP, none of which depends on the
  # database, and every view and service they reach is also tested over HTTP on both databases.
  # The page-by-page accessibility sweep runs here.
  TANDEM_TEST_SQLITE_TEMPLATE=$SQLITE_TEMPLATE \
    .venv/bin/pytest -q "${WORKERS[@]}" -m "not browser or accessibility_sweep" "${@:2}" || status=$?
  wait "$preparing" || { cat "$PGROOT.log" >&2; exit 1; }
else
  postgres_ready
fi
echo "== PostgreSQL =="
# Tests that touch no database, and the page-by-page accessibility sweep (the pages' markup does
# not depend on the database), ran in the SQLite pass; the browser flows run here only.
TANDEM_DB=postgres PGHOST=127.0.0.1 PGPORT=$PGPORT PGUSER=postgres PGDATABASE=tandem \
  TANDEM_TEST_TEMPLATE=tandem_template \
  .venv/bin/pytest -q "${WORKERS[@]}" -m "not no_database and not accessibility_sweep" "${@:2}" || status=$?
exit $status
