"""The interpreter an old release is probed with, or a skip (a failure when CI is set) where it is missing."""
import os

import pytest

from atlas.collect.envs import PythonNotFound, find_python


def interpreter_or_skip(release):
    try:
        return find_python(release.probe_python)
    except PythonNotFound as exc:
        if os.environ.get("CI"):
            pytest.fail(f"{exc} (CI is set, so this is an error, not a skip)")
        pytest.skip(str(exc))
