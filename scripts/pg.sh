#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite: `pg.sh start DIR PORT` / `pg.sh stop DIR`;
# `pg.sh createdb DIR PORT NAME` adds a database.
set -euo pipefail
action=$1; root=$2; port=${3:-54329}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
RUN=()
if [ "$(id -u)" = 0 ]; then RUN=(runuser -u postgres --); fi  # initdb refuses to run as root
case "$action" in
  start)
    mkdir -p "$root"
    [ "$(id -u)" = 0 ] && chown postgres: "$root"
    "${RUN[@]}" "$PGBIN/initdb" -D "$root/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
    "${RUN[@]}" "$PGBIN/pg_ctl" -D "$root/data" -l "$root/server.log" -w \
      -o "-p $port -k $root -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
    ;;
  createdb)
    "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres "$4"
    ;;
  stop)
    "${RUN[@]}" "$PGBIN/pg_ctl" -D "$root/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$root"
    ;;
esac
