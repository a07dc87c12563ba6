#!/usr/bin/env bash
# Backs up Tandem: the PostgreSQL database (pg_dump, custom format) and the uploaded files, with a
# manifest (row count of every table, checksum of every file) that scripts/restore-drill.sh checks.
# Uses the libpq variables (PGHOST, PGPORT, PGUSER, PGDATABASE; PGPASSWORD or PGPASSWORD_FILE).
#   TANDEM_BACKUP_DIR=/var/backups/tandem scripts/backup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${PGPASSWORD_FILE:-}" ]; then PGPASSWORD=$(cat "$PGPASSWORD_FILE"); export PGPASSWORD; fi
VAR_DIR=${TANDEM_VAR_DIR:-var}
DEST=${TANDEM_BACKUP_DIR:-backups}/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$DEST"
# One snapshot for the dump and the counts, so the manifest's counts are those of the dump even
# while people work (two separate reads would differ by whatever was written in between, and the
# restore drill would fail a good backup): a session exports its snapshot and holds it open,
# pg_dump and the counts both read from it.
DB=${PGDATABASE:-tandem}
coproc HOLD { psql -X -q -At -d "$DB"; }
echo "begin isolation level repeatable read; select pg_export_snapshot();" >&"${HOLD[1]}"
read -r SNAPSHOT <&"${HOLD[0]}"
pg_dump --format=custom --no-owner --snapshot="$SNAPSHOT" --file "$DEST/database.dump" "$DB"
pg_restore --list "$DEST/database.dump" >/dev/null  # the file is a readable archive
psql -X -q -At -d "$DB" -c "
  begin isolation level repeatable read;
  set transaction snapshot '$SNAPSHOT';
  select table_name, (xpath('/row/n/text()', query_to_xml(format('select count(*) as n from public.%I', table_name), false, true, '')))[1]::text::bigint
  from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'
  order by table_name;
  commit;" > "$DEST/row-counts.txt"
echo "commit;" >&"${HOLD[1]}"
eval "exec ${HOLD[1]}>&-"
wait "$HOLD_PID" 2>/dev/null || true
if [ -d "$VAR_DIR/media" ]; then
  tar -C "$VAR_DIR" -czf "$DEST/media.tar.gz" media
  (cd "$VAR_DIR" && find media -type f -print0 | sort -z | xargs -0 -r sha256sum) > "$DEST/files.sha256"
else
  tar -czf "$DEST/media.tar.gz" --files-from /dev/null
  : > "$DEST/files.sha256"
fi
echo "$DEST"
