"""npm packages the benchmarks and the browser suite need: `npm ci` from a committed package-lock.json into
.cache/, run again only when that lock changes."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Callable


def installed(source: Path, target: Path, wanted: str, find_npm: Callable[[], str]) -> Path:
    """target/wanted, with source's package.json and package-lock.json installed into target. `npm ci` runs
    only when `wanted` is missing or the lock installed there last differs; find_npm() then gives npm's path
    (or stops, saying why there is none)."""
    path = target / wanted
    lock, stamp = source / "package-lock.json", target / "package-lock.json"
    if path.exists() and stamp.exists() and stamp.read_bytes() == lock.read_bytes():
        return path
    npm = find_npm()
    target.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(source / name, target / name)
    done = subprocess.run([npm, "ci", "--prefix", str(target)], capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, npm_config_update_notifier="false", npm_config_fund="false",
                                   npm_config_audit="false"))
    if done.returncode or not path.exists():
        raise RuntimeError(f"npm ci --prefix {target} (exit {done.returncode}) did not install {wanted}:\n"
                           f"{done.stdout}\n{done.stderr}")
    return path
