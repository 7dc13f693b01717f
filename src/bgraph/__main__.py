"""``python -m bgraph`` runs the CLI."""

from bgraph.cli import run

run()
