#!/usr/bin/env bash
# Drill: a 28 s SQLite write lock (longer than the 20 s busy timeout) must not end the worker,
# and the worker must deliver mail once the lock is gone (issue 18; db_worker used to exit).
#   bash benchmarks/sqlite_lock_drill.sh   (result: 08:21 UTC, load 28: worker alive, 1 mail file)
DRILL_DIR=${DRILL_DIR:-$(mktemp -d -t tandem-sqlite-drill.XXXXXX)}
set -e
export DRILL_DIR
cd "$(dirname "$0")/.."
export TANDEM_DEBUG=1 TANDEM_VAR_DIR=${DRILL_DIR}/var TANDEM_WORKER_HEARTBEAT_SECONDS=1
rm -rf ${DRILL_DIR}/var
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py tandem_worker --interval 0.5 --no-reload --no-startup-delay -v 1 > ${DRILL_DIR}/worker.log 2>&1 &
W=$!
sleep 20
echo "worker alive before lock: $(kill -0 $W && echo yes)"
# Hold an exclusive write lock for 28 s (longer than the 20 s busy timeout), as a long import would.
.venv/bin/python - <<'PY'
import os, sqlite3, time
c = sqlite3.connect(os.environ["DRILL_DIR"] + "/var/tandem.sqlite3", isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
time.sleep(28)
c.execute("COMMIT")
PY
echo "worker alive after lock: $(kill -0 $W && echo yes || echo no)"
.venv/bin/python manage.py shell -c "
from tandem.core.tasks import deliver_mail
deliver_mail.enqueue({'subject': 'After the lock', 'body': 'b', 'from_email': 'a@example.org', 'to': ['b@example.org']})"
sleep 15
echo "mail files: $(ls ${DRILL_DIR}/var/mail | wc -l) ($(ls ${DRILL_DIR}/var/mail))"
echo "worker alive at end: $(kill -0 $W && echo yes || echo no)"
kill $W; wait $W || true
echo "--- worker log"; cat ${DRILL_DIR}/worker.log | cut -c1-200
