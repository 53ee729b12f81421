"""Verify docs/data/capabilities.yml against real Django releases.

    python -m atlas.collect.matrix 4.1        # one release
    python -m atlas.collect.matrix            # all releases
    python -m atlas.collect.matrix 4.1 --capabilities /tmp/copy.yml

For each release: a virtualenv under ~/.cache/django-async-atlas/envs/ (atlas/collect/envs.py) made with the release's probe_python (found
under ~/.pyenv/versions/3.N* or as python3.N on PATH), with django==<newest_patch> installed once (a marker
file records what is installed). Then ONE subprocess per release runs atlas/in_release/probe_runner.py, which gets every
shipped capability's probe as JSON on stdin and answers with JSON. A capability is expected present iff
added <= release (< removed); every other outcome is a mismatch.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass, field

from atlas.collect.environments import ensure_venv, run_json_script, venv_python
from atlas.collect.envs import PythonNotFound
from atlas.core.paths import IN_RELEASE
from atlas.core.progress import show_progress
from atlas.data.versions_data import (
    Capability,
    Release,
    load_capabilities,
    load_releases,
)

RUNNER = IN_RELEASE / "probe_runner.py"

@dataclass
class Outcome:
    capability: str
    expected: bool
    found: bool
    error: str | None
    seconds: float

    @property
    def ok(self) -> bool:
        return self.expected == self.found

    def describe(self, version: str) -> str:
        if self.ok:
            return f"{self.capability}: ok on Django {version}"
        if self.expected:
            return (f"{self.capability}: expected PRESENT in Django {version} (added in capabilities.yml), "
                    f"but the probe failed: {self.error}")
        return (f"{self.capability}: expected ABSENT in Django {version} (not added yet per capabilities.yml), "
                f"but the probe passed")


@dataclass
class ReleaseReport:
    version: str
    django: str | None
    python: str | None
    outcomes: list[Outcome] = field(default_factory=list)
    setup_seconds: float = 0.0
    probe_seconds: float = 0.0

    @property
    def mismatches(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def ok(self) -> bool:
        return not self.mismatches


def probe_release(release: Release, capabilities: list[Capability]) -> ReleaseReport:
    """Install (once) and probe one release; never raises for a mismatch, only for setup failures."""
    started = time.perf_counter()
    venv = ensure_venv(release)
    setup = time.perf_counter() - started
    shipped = [c for c in capabilities if c.shipped and c.probe]
    payload = json.dumps({"probes": [{"id": c.id, "code": c.probe} for c in shipped]})
    started = time.perf_counter()
    data, _stderr = run_json_script(str(venv_python(venv)), RUNNER, payload, cwd=str(venv), timeout=600,
                           what=f"probe runner for Django {release.version}")
    probing = time.perf_counter() - started
    if data.get("setup_error"):
        raise RuntimeError(f"Django {release.version} could not be configured:\n{data['setup_error']}")
    report = ReleaseReport(version=release.version, django=data.get("django"), python=data.get("python"),
                           setup_seconds=setup, probe_seconds=probing)
    if data.get("django") != release.newest_patch:
        raise RuntimeError(f"venv for {release.version} runs Django {data.get('django')}, "
                           f"expected {release.newest_patch}")
    for cap in shipped:
        result = data["results"].get(cap.id, {"ok": False, "error": "no result", "seconds": 0.0})
        report.outcomes.append(Outcome(capability=cap.id, expected=cap.present_in(release.version),
                                       found=bool(result["ok"]), error=result.get("error"),
                                       seconds=float(result.get("seconds") or 0.0)))
    return report


def format_report(report: ReleaseReport) -> str:
    lines = [f"Django {report.django} on Python {report.python}: "
             f"setup {report.setup_seconds:.1f} s, probes {report.probe_seconds:.1f} s"]
    width = max((len(o.capability) for o in report.outcomes), default=10)
    lines.append(f"  {'capability':<{width}}  expected  found    result")
    for o in report.outcomes:
        mark = "ok" if o.ok else "MISMATCH"
        lines.append(f"  {o.capability:<{width}}  {'yes' if o.expected else 'no':<8}  "
                     f"{'yes' if o.found else 'no':<7}  {mark}")
    for o in report.mismatches:
        lines.append("  ! " + o.describe(report.version))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    show_progress()
    parser = argparse.ArgumentParser(prog="python -m atlas.collect.matrix", description=__doc__.split("\n\n")[0])
    parser.add_argument("versions", nargs="*", help="feature releases to probe (default: every release in docs/data/releases.yml)")
    parser.add_argument("--capabilities", help="path to a capabilities.yml (default: docs/data/capabilities.yml)")
    parser.add_argument("--releases", help="path to a releases.yml (default: docs/data/releases.yml)")
    args = parser.parse_args(argv)
    releases = {r.version: r for r in load_releases(args.releases)}
    capabilities = load_capabilities(args.capabilities)
    versions = args.versions or list(releases)
    unknown = [v for v in versions if v not in releases]
    if unknown:
        parser.error(f"unknown release(s) {unknown}; known: {', '.join(releases)}")
    failed = 0
    total_started = time.perf_counter()
    timings = []
    for version in versions:
        print(f"== Django {version}", flush=True)
        try:
            cold_started = time.perf_counter()
            report = probe_release(releases[version], capabilities)
            first = time.perf_counter() - cold_started
            warm_started = time.perf_counter()
            probe_release(releases[version], capabilities)
            warm = time.perf_counter() - warm_started
        except PythonNotFound as exc:
            print(f"  SKIPPED: {exc}")
            if os.environ.get("CI"):
                failed += 1
            continue
        print(format_report(report))
        print(f"  timing: first run {first:.1f} s (includes venv creation if it was missing), warm run {warm:.1f} s")
        timings.append((version, first, warm))
        if not report.ok:
            failed += 1
    total = time.perf_counter() - total_started
    if timings:
        print(f"\ntotal {total:.1f} s; first-run sum {sum(t[1] for t in timings):.1f} s, "
              f"warm sum {sum(t[2] for t in timings):.1f} s")
    print("OK" if not failed else f"FAILED: {failed} release(s) with mismatches or setup problems")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
