"""A fresh PostgreSQL database for a benchmark run: dropped and created again, so a
run starts from the migrations."""

from __future__ import annotations


def fresh_postgres(url: str) -> None:
    """Drop and create the database `url` names (connecting to `postgres`)."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    with psycopg.connect(
        dbname="postgres",
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"],
        autocommit=True,
    ) as connection:
        name = sql.Identifier(str(config["NAME"]))
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))
