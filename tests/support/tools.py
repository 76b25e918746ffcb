"""Command-line programs some tests drive (poppler, zbar, LibreOffice, Chromium).

On a developer's machine a missing program skips the tests that need it. Under CI (`CI` set, as
`.ci/run` runs) it fails them instead: `.ci/run` installs every one of these programs, so a skip
there would hide a test that never ran.
"""

from __future__ import annotations

import os
import shutil

import pytest


def require(*commands: str, package: str, module: bool = False) -> None:
    """Skip (or, under CI, fail) unless every program in ``commands`` is on the PATH.

    ``package`` names the Debian package that provides them, for the message. ``module=True``
    when called at a test module's top level (skips the whole module).
    """
    missing = [command for command in commands if shutil.which(command) is None]
    if not missing:
        return
    message = f"{', '.join(missing)} not installed (Debian package {package})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: .ci/run installs it, so CI does not skip", pytrace=False)
    pytest.skip(message, allow_module_level=module)
