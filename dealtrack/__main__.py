"""Run dealtrack as ``python -m dealtrack``."""

from dealtrack.cli import main

main()
