"""Queries through the site's real search, without a browser: the search worker the built site's pages name
(the site's own, docs/assets/javascripts/search-worker.js, which Material's search box talks to) run under
Node on the built index, by atlas/bench/material_search.js. The benchmark (atlas/bench/search_quality.py)
uses it; tests/browser/test_search_questions.py checks that the search box
in Chromium lists the same results."""
from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "material_search.js"


@dataclass(frozen=True)
class Link:
    location: str      # as the index names it: 'faq/#background-jobs'
    title: str
    score: float


@dataclass(frozen=True)
class Answer:
    query: str
    ms: float                   # the worker's time for this query, in Node
    links: tuple[Link, ...]     # as the result list shows them, best first

    @property
    def locations(self) -> list[str]:
        return [link.location for link in self.links]


@dataclass(frozen=True)
class Run:
    setup_ms: float             # the worker setting up from search_index.json
    answers: list[Answer]


def node() -> str | None:
    return shutil.which("node")


def search(site: Path, queries: list[str], timeout: float = 300) -> Run:
    """Every query, in order, through one worker set up on `site`'s index."""
    executable = node()
    if executable is None:
        raise FileNotFoundError("node is not installed (Debian: apt-get install nodejs)")
    done = subprocess.run([executable, str(SCRIPT), str(site)], input=json.dumps(queries), capture_output=True,
                          text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{SCRIPT.name} failed on {site}:\n{done.stderr}")
    data = json.loads(done.stdout)
    answers = [Answer(r["query"], r["ms"], tuple(Link(**link) for link in r["links"])) for r in data["results"]]
    return Run(data["setup_ms"], answers)
