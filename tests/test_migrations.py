"""The Alembic migrations: one head, known to the code, and the same schema the models describe."""

import re
import sqlite3
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import StaticPool

from dealtrack.cli import dealtrack
from dealtrack.db import HEAD_REVISION, VERSION_TABLE, Ledger, _sqlite_engine
from dealtrack.errors import LedgerUnavailable
from dealtrack.location import Location
from dealtrack.migrate import KNOWN_REVISIONS, alembic_config, migrations_dir, upgrade_to_head
from dealtrack.models import Base
from dealtrack.search_index import is_search_table

ROOT = Path(__file__).parent.parent


@pytest.fixture
def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


@pytest.fixture
def migrated(tmp_path: Path) -> Iterator[Ledger]:
    """An empty SQLite file brought to head by dealtrack's migration runner."""
    path = tmp_path / "migrated.db"
    path.touch()
    ledger = Ledger(Location(url="", path=path), _sqlite_engine(path))
    upgrade_to_head(ledger)
    yield ledger
    ledger.close()


def schema(path: Path) -> dict[tuple[str, str], object]:
    """sqlite_master, normalised: a table's clauses as a sorted list, so only order may differ."""
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchall()
    finally:
        connection.close()
    normalised: dict[tuple[str, str], object] = {}
    for kind, name, sql in rows:
        if kind == "table":
            head, _, body = sql.partition("(")
            clauses = (" ".join(c.split()) for c in _top_level(body.rsplit(")", 1)[0]))
            # A table SQLite copied to alter it is renamed back, and its name comes back quoted.
            head = head.strip().replace(f'"{name}"', name)
            normalised[kind, name] = (head, sorted(c for c in clauses if c))
        else:
            normalised[kind, name] = " ".join(sql.split())
    return normalised


def _top_level(body: str) -> list[str]:
    """A CREATE TABLE body split at its top-level commas (ALTER TABLE ADD COLUMN appends a
    column to the last line, so lines are not clauses)."""
    clauses, depth, current = [], 0, ""
    for char in body:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            clauses.append(current)
            current = ""
        else:
            current += char
    return [*clauses, current]


def include_object(
    obj: object, name: str | None, kind: str, reflected: bool, other: object
) -> bool:
    """What env.py lets autogenerate compare: everything but the search index."""
    return not (kind == "table" and is_search_table(str(name)))


def differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "version_table": VERSION_TABLE,
                "include_object": include_object,
            },
        )
        return list(compare_metadata(context, Base.metadata))


# The revision graph


def test_migrations_have_a_single_head(scripts: ScriptDirectory) -> None:
    assert len(scripts.get_heads()) == 1


def test_head_constant_in_code_is_alembics_head(scripts: ScriptDirectory) -> None:
    assert scripts.get_current_head() == HEAD_REVISION


def test_known_revisions_are_exactly_the_migration_scripts(scripts: ScriptDirectory) -> None:
    assert set(KNOWN_REVISIONS) == {script.revision for script in scripts.walk_revisions()}


def test_revision_ids_are_numbered_in_order(scripts: ScriptDirectory) -> None:
    oldest_first = list(reversed(list(scripts.walk_revisions())))
    for number, script in enumerate(oldest_first, start=1):
        assert re.fullmatch(r"\d{4}_[a-z0-9_]+", script.revision), script.revision
        assert script.revision.startswith(f"{number:04d}_")
        assert Path(script.path).name == f"{script.revision}.py"
    assert oldest_first[0].down_revision is None


def test_migrations_are_found_in_the_source_tree_and_shipped_in_the_wheel() -> None:
    assert migrations_dir().resolve() == (ROOT / "migrations").resolve()
    assert (migrations_dir() / "env.py").is_file()
    assert not (ROOT / "alembic.ini").exists()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    force_include = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force_include == {"migrations": "dealtrack/migrations"}


def test_env_refuses_to_run_without_a_connection_from_dealtrack() -> None:
    with pytest.raises(RuntimeError, match="run migrations through dealtrack"):
        command.upgrade(alembic_config(), "head")


# Running them


def test_upgrading_an_empty_database_creates_the_schema_at_head(migrated: Ledger) -> None:
    assert migrated.location.path is not None
    connection = sqlite3.connect(migrated.location.path)
    try:
        tables = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        ).fetchall()
        version = connection.execute("SELECT version_num FROM dealtrack_version").fetchall()
    finally:
        connection.close()
    assert tables == [
        ("alias",),
        ("deal",),
        ("deal_search",),
        ("deal_search_config",),
        ("deal_search_data",),
        ("deal_search_docsize",),
        ("deal_search_idx",),
        ("deal_search_text",),
        ("dealtrack_version",),
        ("event",),
        ("fx_rate",),
        ("link",),
        ("participant",),
        ("party",),
    ]
    assert version == [(HEAD_REVISION,)]


def test_migrated_ledger_opens_as_a_dealtrack_ledger(migrated: Ledger) -> None:
    path = migrated.location.path
    migrated.close()
    runner = CliRunner()
    added = runner.invoke(dealtrack, ["--db", str(path), "add", "TikTok India"])
    assert added.exit_code == 0, added.stderr
    status = runner.invoke(dealtrack, ["--db", str(path), "db", "status"])
    assert status.stdout == (
        f"ledger: {path}\nrevision: {HEAD_REVISION}\nparties: 1\ndeals: 1\nevents: 1\n"
    )


def test_models_match_the_migrations(migrated: Ledger) -> None:
    assert differences(migrated.engine) == []


def test_models_match_a_ledger_the_cli_created(tmp_path: Path) -> None:
    path = tmp_path / "cli.db"
    assert CliRunner().invoke(dealtrack, ["--db", str(path), "add", "X"]).exit_code == 0
    engine = create_engine(f"sqlite:///{path}")
    try:
        assert differences(engine) == []
    finally:
        engine.dispose()


def test_cli_created_ledger_has_the_same_schema_as_a_migrated_one(
    migrated: Ledger, tmp_path: Path
) -> None:
    path = tmp_path / "cli.db"
    assert CliRunner().invoke(dealtrack, ["--db", str(path), "add", "X"]).exit_code == 0
    assert migrated.location.path is not None
    migrated.close()
    assert schema(path) == schema(migrated.location.path)


def test_migration_runner_turns_foreign_keys_back_on(tmp_path: Path) -> None:
    # One pooled connection throughout, so the test sees the connection the runner used.
    engine = create_engine(f"sqlite:///{tmp_path / 'fk.db'}", poolclass=StaticPool)
    event.listen(
        engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA foreign_keys = ON")
    )
    ledger = Ledger(Location(url="", path=tmp_path / "fk.db"), engine)
    try:
        upgrade_to_head(ledger)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_upgrade_that_would_break_references_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    connection = sqlite3.connect(path)
    connection.executescript(
        "CREATE TABLE holder (id INTEGER PRIMARY KEY, ref INTEGER REFERENCES missing (id));"
        "CREATE TABLE missing (id INTEGER PRIMARY KEY);"
        "INSERT INTO holder (ref) VALUES (7);"
    )
    connection.close()
    ledger = Ledger(Location(url="", path=path), _sqlite_engine(path))
    try:
        with pytest.raises(
            LedgerUnavailable, match="would break 1 references; nothing was changed"
        ):
            upgrade_to_head(ledger)
        with ledger.engine.connect() as check:
            names = (
                check.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
                .scalars()
                .all()
            )
            assert check.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        ledger.close()
    assert names == ["holder", "missing"]


def test_db_upgrade_on_a_ledger_at_head_says_so(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    runner = CliRunner()
    assert runner.invoke(dealtrack, ["--db", str(path), "add", "X"]).exit_code == 0
    before = path.read_bytes()
    result = runner.invoke(dealtrack, ["--db", str(path), "db", "upgrade"])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"Ledger is at revision {HEAD_REVISION}\n"
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.db"]


def test_downgrade_to_base_and_upgrade_again_restores_the_schema(migrated: Ledger) -> None:
    assert migrated.location.path is not None
    after_upgrade = schema(migrated.location.path)
    with migrated.engine.connect() as connection, connection.begin():
        command.downgrade(alembic_config(connection), "base")
    with migrated.engine.connect() as connection:
        left = (
            connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
            .scalars()
            .all()
        )
    assert left == [VERSION_TABLE]
    upgrade_to_head(migrated)
    migrated.close()
    assert schema(migrated.location.path) == after_upgrade
