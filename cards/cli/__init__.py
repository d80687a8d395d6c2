"""The command line: parse options, call one function of the package, print.

``app`` is the frame (the group, printing, exit codes), ``options`` the options
several commands share, ``building`` the build command, ``reviewing`` the review, ``commands`` the rest.
"""

from __future__ import annotations

from cards.cli.app import main
from cards.cli.building import build
from cards.cli.commands import calibrate, check, export, import_, list_, new, preview
from cards.cli.reviewing import review

for command in (build, check, review, list_, new, preview, calibrate, import_, export):
    main.add_command(command)

__all__ = ["main"]
