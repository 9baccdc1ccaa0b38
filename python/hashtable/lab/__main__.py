"""`python -m hashtable.lab`; `main` is also the `hashtable-lab` console command."""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the lab with `argv` (default: the command line); returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["explore"]:
        from hashtable.lab.explorer.command import main as explore

        return explore(args[1:])
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
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
