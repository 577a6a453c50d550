"""dealtrack: a command-line ledger of corporate deals.

The package root stays import-light: ``dealtrack --help`` and ``--version`` must not pull in
SQLAlchemy, Alembic or tabulate: a short command must start fast.
"""

__version__ = "0.1.0"
