"""What docs/data holds now, as a stamp the default files' loaders keep their readings under, and blocks that
only read the project (a validation run, a generation, a build), which take the stamp once and keep shared
readings until they end."""
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


_kept_while_steady: dict = {}


@contextlib.contextmanager
def steady_data():
    """A block that only reads the project (a validation run, a generation, a build): docs/data's stamp is
    taken once on entry, not at every lookup, and kept_while_steady answers are kept until the outermost
    block ends. An edit made meanwhile shows at the next block."""
    _steady.append(_steady[-1] if _steady else _walk_data())  # an inner block keeps the outer one's
    try:
        yield
    finally:
        _steady.pop()
        if not _steady:
            _kept_while_steady.clear()


def kept_while_steady(key: Callable[..., Any]):
    """Decorator for a reading of the project that several checks ask for: inside steady_data() it runs
    once per key(*args, **kwargs) (None: every time) and each caller gets its own copy to change."""
    def decorate(function):
        @functools.wraps(function)
        def kept(*args, **kwargs):
            which = key(*args, **kwargs) if _steady else None
            if which is None:
                return function(*args, **kwargs)
            which = (function.__module__, function.__qualname__, which)
            if which not in _kept_while_steady:
                _kept_while_steady[which] = function(*args, **kwargs)
            return copy.deepcopy(_kept_while_steady[which])
        return kept
    return decorate


def _walk_data() -> tuple:
    stamp = []
    for folder, _dirs, names in os.walk(DATA):
        for name in names:
            info = os.stat(os.path.join(folder, name))
            stamp.append((folder, name, info.st_mtime_ns, info.st_size))
    return tuple(sorted(stamp))
