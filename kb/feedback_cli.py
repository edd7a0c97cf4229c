"""`kb feedback ...` commands (endpoint and statistics)."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `feedback` command group to the kb command."""
