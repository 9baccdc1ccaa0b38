"""`python -m hashtable.lab`; `main` is also the `hashtable-lab` console command."""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the lab with `argv` (default: the command line); returns the exit status."""
    try:
        from hashtable.lab.cli import main as run
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] != "rich":
            raise
        print(
            "hashtable-lab: error: the lab's terminal output needs rich: pip install 'hashtable-engine[lab]'",
            file=sys.stderr,
        )
        return 1
    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
