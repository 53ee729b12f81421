"""System tools the suite needs (chromium, redis-server, ...): skip visibly on a contributor's machine
that lacks one, fail in CI (where CI is set), since .ci/run installs them all."""
from __future__ import annotations

import os
import shutil

import pytest

INSTALL_HINT = "install it (Debian: apt-get install {package}) or run .ci/run, which installs everything"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def require_tool(executable: str, package: str | None = None) -> str:
    """Return the path of `executable`; skip (locally) or fail (in CI) when it is missing."""
    found = shutil.which(executable)
    if found:
        return found
    reason = f"{executable} is not installed; " + INSTALL_HINT.format(package=package or executable)
    if in_ci():
        pytest.fail(f"CI is set and {reason}", pytrace=False)
    pytest.skip(reason)


def missing_in_ci_or_skip(reason: str) -> None:
    """For a missing prerequisite that is not an executable (a Python, a browser build, ...)."""
    if in_ci():
        pytest.fail(f"CI is set and {reason}", pytrace=False)
    pytest.skip(reason)
