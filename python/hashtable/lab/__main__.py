"""`python -m hashtable.lab`; `main` is also the `hashtable-lab` console command."""

from __future__ import annotations

import sys

from hashtable.lab.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
