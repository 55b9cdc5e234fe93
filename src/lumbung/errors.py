"""The one exception type for expected failures, without Django.

Every package raises ``UserError`` (or a subclass) for a failure the user can fix: bad input, a
missing file or folder, a busy port, a scenario that lacks a parameter. The CLI prints its
message as one sentence in the user's language and exits 2; anything else is unexpected and the
CLI says where the log is (trust rule: no traceback reaches a user).
"""

from __future__ import annotations


class UserError(ValueError):
    """An expected failure: its message is one clear sentence for the user."""
