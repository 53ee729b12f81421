"""What docs/data holds now, as a stamp the default files' loaders keep their readings under (taken once for a
block in which it does not change), and readings that the checks of one validation run share."""
from __future__ import annotations

import contextlib
import copy
import functools
import os
from typing import Any, Callable

from atlas.core.paths import DATA

_steady: list[tuple] = []  # the stamps taken by the steady_data() blocks now running, innermost last


def data_stamp() -> tuple:
    """What docs/data holds now (each file's name, time and size): the key under which the default files'
    loaders keep what they read, so a live preview shows an edit after one rebuild."""
    # called for every lookup (about 2,300 in a build, 0.33 ms each): taken once inside steady_data()
    return _steady[-1] if _steady else _walk_data()


@contextlib.contextmanager
def steady_data():
    """A block in which docs/data does not change (a validation run, a generation, a whole build, which
    writes only outside docs/data): its stamp is taken once on entry, not at every lookup; an inner block
    keeps the outer one's. An edit made meanwhile shows at the next block."""
    _steady.append(_steady[-1] if _steady else _walk_data())
    try:
        yield
    finally:
        _steady.pop()


_shared: list[dict] = []  # the readings of each shared_readings() block now open, innermost last


@contextlib.contextmanager
def shared_readings():
    """A run of checks that only read the project (a validation run): each @shared_reading is made once per
    key for the whole run and dropped at its end. Not for a build, which writes pages between its readings."""
    _shared.append({})
    try:
        yield
    finally:
        _shared.pop()


def shared_reading(key: Callable[..., Any]):
    """Decorator for a reading of the project that several checks ask for: inside shared_readings() it runs
    once per key(*args, **kwargs) (None: every time) and each caller gets its own copy to change."""
    def decorate(function):
        @functools.wraps(function)
        def kept(*args, **kwargs):
            which = key(*args, **kwargs) if _shared else None
            if which is None:
                return function(*args, **kwargs)
            readings, which = _shared[-1], (function.__module__, function.__qualname__, which)
            if which not in readings:
                readings[which] = function(*args, **kwargs)
            return copy.deepcopy(readings[which])
        return kept
    return decorate


def _walk_data() -> tuple:
    stamp = []
    for folder, _dirs, names in os.walk(DATA):
        for name in names:
            info = os.stat(os.path.join(folder, name))
            stamp.append((folder, name, info.st_mtime_ns, info.st_size))
    return tuple(sorted(stamp))
