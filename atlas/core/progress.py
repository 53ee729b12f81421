"""Progress of long commands goes through `logging`; a command's main() shows it with show_progress()."""
from __future__ import annotations

import logging
import sys


def show_progress() -> None:
    """Print the atlas's progress messages (INFO) as plain lines on stdout, as the commands always did."""
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout, force=True)
