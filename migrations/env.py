"""Alembic environment: runs on the connection dealtrack hands it (see dealtrack.migrate)."""

from alembic import context

from dealtrack.db import VERSION_TABLE
from dealtrack.models import Base
from dealtrack.search_index import is_search_table

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "run migrations through dealtrack (dealtrack db upgrade), not the alembic CLI"
    )

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=True,
    transaction_per_migration=False,
    # The search index is made by its migration, not described by the models: autogenerate
    # must not propose dropping it.
    include_object=lambda obj, name, kind, reflected, other: (
        not (kind == "table" and is_search_table(str(name)))
    ),
)
context.run_migrations()
