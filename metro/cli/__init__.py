"""The ``metro`` command line: the one composition root (DESIGN.md "Command line").

Exit status 0 on success, 1 on bad input (errors on stderr), 2 on usage errors. ``--json``
prints machine-readable output on stdout. ``serve`` and ``scheduler`` import the web app and
the scheduler inside the command, so the domain never imports them.
"""

from __future__ import annotations

from metro.cli import coverage as _coverage  # noqa: F401
from metro.cli import dcc as _dcc  # noqa: F401
from metro.cli import intervals as _intervals  # noqa: F401
from metro.cli import jobs as _jobs  # noqa: F401
from metro.cli import providers as _providers  # noqa: F401
from metro.cli import supervision as _supervision  # noqa: F401
from metro.cli import trace as _trace  # noqa: F401
from metro.cli import users as _users  # noqa: F401
from metro.cli.app import app, main

__all__ = ["app", "main"]
