"""Errors a user can cause: shown as a plain message and exit code 2, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or usage. The message is shown as it is; the command exits with 2."""

    exit_code = 2


class WorkspaceError(UserError):
    """No workspace here, or a workspace that is not whole."""
