"""The one error type the lab reports as a plain message (no traceback)."""

from __future__ import annotations


class LabError(ValueError):
    """A problem with the user's request: bad name, unloadable hash, unwritable folder.

    `exit_code` is what the command exits with: 2 for a bad argument, 1 for anything
    the environment refused.
    """

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code
