#!/usr/bin/env bash
# Restore drill: proves that a backup written by scripts/backup.sh restores.
#   scripts/restore-drill.sh BACKUP_DIR [PORT]
# Starts a throwaway PostgreSQL on PORT (54419), restores the dump into a fresh database, unpacks
# the files into a scratch directory, then compares every table's row count with the manifest and
# the checksums of a sample of files (all of them with SAMPLE=0). Prints PASS or FAIL; exit 0/1.
set -euo pipefail
cd "$(dirname "$0")/.."
BACKUP=${1:?backup directory}
PORT=${2:-54419}
SAMPLE=${SAMPLE:-50}
SCRATCH=$(mktemp -d -t tandem-restore.XXXXXX)
chmod 755 "$SCRATCH"  # the postgres user (when run as root) must reach its data directory
trap 'bash scripts/pg.sh stop "$SCRATCH/pg"; rm -rf "$SCRATCH"' EXIT
bash scripts/pg.sh start "$SCRATCH/pg" "$PORT"
export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres
unset PGPASSWORD PGPASSWORD_FILE
createdb restored
pg_restore --no-owner --exit-on-error -d restored "$BACKUP/database.dump"
psql -X -At -d restored -c "
  select table_name, (xpath('/row/n/text()', query_to_xml(format('select count(*) as n from public.%I', table_name), false, true, '')))[1]::text::bigint
  from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'
  order by table_name" > "$SCRATCH/row-counts.txt"
status=0
if diff -u "$BACKUP/row-counts.txt" "$SCRATCH/row-counts.txt"; then
  echo "rows: $(wc -l < "$SCRATCH/row-counts.txt") tables, every count matches"
else
  echo "rows: counts differ (above)"; status=1
fi
mkdir -p "$SCRATCH/files" && tar -C "$SCRATCH/files" -xzf "$BACKUP/media.tar.gz"
total=$(wc -l < "$BACKUP/files.sha256")
if [ "$SAMPLE" = 0 ]; then cp "$BACKUP/files.sha256" "$SCRATCH/sample"; else shuf -n "$SAMPLE" "$BACKUP/files.sha256" > "$SCRATCH/sample" || true; fi
if (cd "$SCRATCH/files" && sha256sum --quiet -c "$SCRATCH/sample"); then
  echo "files: $(wc -l < "$SCRATCH/sample") of $total checked, all identical"
else
  echo "files: some differ or are missing (above)"; status=1
fi
[ $status = 0 ] && echo PASS || echo FAIL
exit $status
