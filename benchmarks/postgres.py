"""What the PostgreSQL benchmarks share: a fresh database for each populated run."""

from __future__ import annotations

import os


def fresh_database(default: str) -> None:
    """Drops and creates the database PGDATABASE (or `default`) on the server PGHOST/PGPORT, and
    points PGDATABASE at it for the settings read afterwards."""
    import psycopg

    database = os.environ.get("PGDATABASE", default)
    admin = dict(
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=os.environ.get("PGPORT"),
        user=os.environ.get("PGUSER", "postgres"),
        dbname="postgres",
        autocommit=True,
    )
    with psycopg.connect(**admin) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}"')
        connection.execute(f'CREATE DATABASE "{database}"')
    os.environ["PGDATABASE"] = database
