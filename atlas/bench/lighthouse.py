"""Lighthouse scores of every page, with its default mobile profile, in Debian's Chromium, the site served
gzip-compressed on loopback. A benchmark, not a test: it prints, it asserts nothing.

    python -m atlas.bench.lighthouse                 # builds the site first
    python -m atlas.bench.lighthouse --site DIR [PAGE ...]

Lighthouse comes from the npm registry at the version atlas/bench/lighthouse_npm/package-lock.json pins
(12.x, the last major that runs on Node.js 20), installed with `npm ci` into .cache/lighthouse-npm/.
The performance score depends on the machine's CPU: the load average before and after each page is
printed next to it, and a score taken with a load above the core count says so.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from atlas.bench import npm_install, site_browser
from atlas.bench.built_site import site_to_measure
from atlas.core.paths import CACHE

HERE = Path(__file__).resolve().parent / "lighthouse_npm"  # its package.json and lock
CACHE = CACHE / "lighthouse-npm"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


def install() -> Path:
    return npm_install.installed(HERE, CACHE, "node_modules/.bin/lighthouse", lambda: shutil.which("npm") or sys.exit(
        "dev.py lighthouse: npm is needed (Debian: apt-get install npm)"))


def score(binary: Path, url: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        flags = " ".join(["--headless=new", *site_browser.LAUNCH_ARGS])
        subprocess.run([str(binary), url, "--quiet", f"--chrome-flags={flags}", "--output=json",
                        f"--output-path={report}"], check=True, timeout=300,
                       env=dict(os.environ, CHROME_PATH=site_browser.chromium_path() or "chromium"))
        data = json.loads(report.read_text())
    result = {name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES}
    result["lcp"] = data["audits"]["largest-contentful-paint"]["displayValue"]
    result["tbt"] = data["audits"]["total-blocking-time"]["displayValue"]
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="an already built site folder")
    parser.add_argument("pages", nargs="*", help="paths under the site root (default: every page)")
    args = parser.parse_args(argv)
    binary = install()
    with site_to_measure(args.site) as site:
        pages = args.pages or site_browser.site_pages(site)
        print(f"{'page':<44} " + " ".join(f"{c[:6]:>6}" for c in CATEGORIES) + "    LCP      TBT   load")
        with site_browser.serve(site, gzip=True) as server:
            for path in pages:
                before = os.getloadavg()[0]
                result = score(binary, server.page_url(path))
                load = max(before, os.getloadavg()[0])
                busy = " (busy machine)" if load > (os.cpu_count() or 1) else ""
                misses = [c for c in CATEGORIES if result[c] < TARGETS[c]]
                print(f"{path or '/':<44} " + " ".join(f"{result[c]:>6}" for c in CATEGORIES)
                      + f" {result['lcp']:>6} {result['tbt']:>8} {load:>5.1f}{busy}"
                      + (f"  below target: {', '.join(misses)}" if misses else ""), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
