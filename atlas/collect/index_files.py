"""Fetch a release's file straight from the package index (PEP 691 JSON), its sha256 checked.

`pip download --no-binary :all:` prepares an sdist's metadata, which builds a setuptools environment first:
measured here at 130 to 230 s per Django sdist, and 2.9 CPU-s for a small package's. A file needs none of
that: this reads the listing of the index pip is configured with (`index-url`, default PyPI) and downloads
the file; callers fall back to pip when it fails.
"""
from __future__ import annotations

import hashlib
import json
import os
import ssl
import urllib.request
from pathlib import Path
from urllib.parse import urljoin

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

from atlas.core import installer

DEFAULT_INDEX = "https://pypi.org/simple/"
KINDS = ("sdist", "wheel")


class NoSuchFile(ValueError):
    """The index lists the release, but no file of the kind asked for."""


def index_and_cert() -> tuple[str, str | None]:
    args, env = installer.pip_settings()
    index = next((args[i + 1] for i, a in enumerate(args) if a == "--index-url"), DEFAULT_INDEX)
    return index.rstrip("/") + "/", dict(env).get("SSL_CERT_FILE")


def _is(kind: str, filename: str, project: str, version: Version) -> bool:
    """Whether `filename` is the release's file of `kind`: its sdist, or a wheel for any Python (none-any)."""
    try:
        if kind == "sdist":
            name, found = parse_sdist_filename(filename)
            return name == canonicalize_name(project) and found == version
        name, found, _build, tags = parse_wheel_filename(filename)
    except (InvalidSdistFilename, InvalidWheelFilename):
        return False
    return name == canonicalize_name(project) and found == version and \
        any(t.abi == "none" and t.platform == "any" for t in tags)


def choose(files: list[dict], project: str, version: str, kind: str) -> dict:
    """The listing's entry for the file of `kind`; NoSuchFile when the release has none, ValueError when it
    has only wheels built for one platform (pip picks the one for this machine better)."""
    wanted = Version(version)
    found = [f for f in files if _is(kind, f["filename"], project, wanted)]
    if found:
        return found[0]
    if kind == "wheel" and any(f["filename"].endswith(".whl") and f"-{version}-" in f["filename"] for f in files):
        raise ValueError(f"{project} {version} has only wheels built for one platform")
    raise NoSuchFile(f"the index lists no {kind} of {project} {version}")


def fetch_file(project: str, version: str, folder: Path, kind: str = "sdist", timeout: float = 180) -> Path:
    """Download `project`'s file of `kind` ("sdist" or "wheel") of `version` into `folder`. Raises NoSuchFile
    when the index has no such file, OSError or ValueError when it cannot be read or the file is damaged."""
    assert kind in KINDS, kind
    index, cert = index_and_cert()
    context = ssl.create_default_context(cafile=cert) if cert else ssl.create_default_context()
    page = urljoin(index, f"{canonicalize_name(project)}/")
    request = urllib.request.Request(page, headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(request, timeout=timeout, context=context) as answer:
        files = json.load(answer)["files"]
    entry = choose(files, project, version, kind)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / entry["filename"]
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    digest = hashlib.sha256()
    with urllib.request.urlopen(urljoin(page, entry["url"]), timeout=timeout, context=context) as answer, \
            open(partial, "wb") as out:
        while chunk := answer.read(1 << 16):
            digest.update(chunk)
            out.write(chunk)
    wanted = entry.get("hashes", {}).get("sha256")
    if wanted and digest.hexdigest() != wanted:
        partial.unlink()
        raise ValueError(f"{entry['filename']}: sha256 {digest.hexdigest()} is not the index's {wanted}")
    os.replace(partial, target)
    return target
