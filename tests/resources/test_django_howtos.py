"""Every ASGI server how-to in Django's own docs is in the resource list (issue 26, item 4: the Granian
how-to, new in the 6.1 docs, was missing beside Daphne, Hypercorn and Uvicorn). The list of how-tos is
read from the newest release's sdist."""
from __future__ import annotations

import tarfile

import pytest

from atlas.collect import sdists
from atlas.core.datafile import safe_load
from atlas.core.paths import DATA
from atlas.data.versions_data import load_releases


@pytest.mark.matrix
def test_every_asgi_server_howto_of_the_newest_release_is_listed():
    newest = load_releases()[-1]
    with tarfile.open(sdists.sdist_path(newest), mode="r:gz") as tar:
        howtos = sorted(m.name.rsplit("/", 1)[1][:-4] for m in tar
                        if "/docs/howto/deployment/asgi/" in m.name and m.name.endswith(".txt")
                        and not m.name.endswith("/index.txt"))
    assert "granian" in howtos
    urls = {r["url"] for r in safe_load((DATA / "resources.yml").read_text(encoding="utf-8"))}
    missing = [h for h in howtos if f"https://docs.djangoproject.com/en/stable/howto/deployment/asgi/{h}/" not in urls]
    assert not missing, f"add these how-tos to docs/data/resources.yml: {missing}"
