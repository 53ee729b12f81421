"""Keep the results of a build's slow, pure steps on disk, keyed by their input and their code.

Such steps (shrinking a notebook's plots and its CSS) are read back by a rebuild with nothing changed.

They live in .cache/derived/ (or $ATLAS_CACHE_DIR/derived/: a scratch copy built by the tests shares
the clone's). Deleting the folder is always safe."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable

from atlas.core.paths import CACHE


def folder() -> Path:
    return Path(os.environ.get("ATLAS_CACHE_DIR") or CACHE) / "derived"


def kept(kind: str, code: list[Path], inputs: list[bytes], compute: Callable[[], bytes]) -> bytes:
    """compute()'s bytes, read back when `inputs` and the source files in `code` are unchanged."""
    digest = hashlib.sha256()
    for part in [path.read_bytes() for path in code] + inputs:
        digest.update(hashlib.sha256(part).digest())
    path = folder() / kind / digest.hexdigest()
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    result = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # parallel builds: whole files only
    partial.write_bytes(result)
    os.replace(partial, path)
    return result
