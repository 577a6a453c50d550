"""dealtrack: a command-line ledger of corporate deals.

The package root stays import-light: ``dealtrack --help`` and ``--version`` must not pull in
SQLAlchemy, Alembic or tabulate (DESIGN.md §7).
"""

__version__ = "0.1.0"
