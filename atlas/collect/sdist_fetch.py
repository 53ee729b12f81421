"""Fetch a release's sdist file straight from the package index (PEP 691 JSON), its sha256 checked.

`pip download --no-binary :all:` prepares the sdist's metadata, which builds setuptools and wheel from
source first: measured here at 130 to 230 s per Django sdist. The file itself is 10 MB; this reads it from
the index pip is configured with (`index-url`, default PyPI) and falls back to pip when that fails.
"""
from __future__ import annotations

import hashlib
import json
import os
import ssl
import urllib.request
from pathlib import Path
from urllib.parse import urljoin

from atlas.core import installer

DEFAULT_INDEX = "https://pypi.org/simple/"


def index_and_cert() -> tuple[str, str | None]:
    args, env = installer.pip_settings()
    index = next((args[i + 1] for i, a in enumerate(args) if a == "--index-url"), DEFAULT_INDEX)
    return index.rstrip("/") + "/", dict(env).get("SSL_CERT_FILE")


def fetch_sdist(project: str, version: str, folder: Path, timeout: float = 180) -> Path:
    """Download `project`'s sdist of `version` into `folder`; raises OSError or ValueError on failure."""
    index, cert = index_and_cert()
    context = ssl.create_default_context(cafile=cert) if cert else ssl.create_default_context()
    page = urljoin(index, f"{project.lower()}/")
    request = urllib.request.Request(page, headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(request, timeout=timeout, context=context) as answer:
        files = json.load(answer)["files"]
    names = {f"{project.lower()}-{version}.tar.gz", f"{project.capitalize()}-{version}.tar.gz"}
    entry = next((f for f in files if f["filename"] in names), None)
    if entry is None:
        raise ValueError(f"{page} lists no sdist for {project} {version}")
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
