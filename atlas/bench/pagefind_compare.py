"""Pagefind on the same question set, for choosing the site's search engine on numbers (issue 32); the
site keeps Material's search box with its own worker (docs/assets/javascripts/search-worker.js). A
measuring script that prints figures and asserts nothing:

    python3 -m venv /tmp/pagefind && /tmp/pagefind/bin/pip install "pagefind[bin]"   # once, outside .venv
    .venv/bin/python -m atlas.bench.pagefind_compare --site DIR --pagefind "/tmp/pagefind/bin/python -m pagefind"

On a copy of the built site DIR, each page's article (Material's `article.md-content__inner`, what
Material's own index holds) is marked `data-pagefind-body`, code blocks and ¶ links are left out as
Material's index leaves them out, and Pagefind indexes it. Then, in headless Chromium on loopback:

* quality: every question through Pagefind's default UI (PagefindUI, sub-results shown, on a page of
  its own), the links read in the order it draws them; top-1, top-3 and MRR per part, as
  `dev.py bench search` counts them (the UI shows five pages, so a right answer further down counts 0);
* time: `pagefind.search()` alone and with the first five results' `data()` (each a fragment fetched),
  CPU slowed 4×;
* transfer: what a first query downloads (Pagefind loads index chunks per term, not one file);
* the Content-Security-Policy: Pagefind's API run on a page of the site, under the site's policy.
"""
from __future__ import annotations

import argparse
import gzip
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from atlas.bench import site_browser
from atlas.data import search_questions

BENCH_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pagefind</title>
<link href="pagefind/pagefind-ui.css" rel="stylesheet"><script src="pagefind/pagefind-ui.js"></script></head>
<body><div id="search"></div></body></html>
"""
UI_LINKS = """async (q) => {
    window.ui.triggerSearch(q);
    const started = performance.now();
    for (;;) {
        await new Promise(resolve => setTimeout(resolve, 20));
        const message = document.querySelector('.pagefind-ui__message');
        if (message && message.textContent.includes(q.slice(0, 20)) && !/searching/i.test(message.textContent)
            && !document.querySelector('.pagefind-ui__loading')) break;
        if (performance.now() - started > 15000) return null;
    }
    await new Promise(resolve => setTimeout(resolve, 150));
    return Array.from(document.querySelectorAll('a.pagefind-ui__result-link')).map(a => a.getAttribute('href'));
}"""
TIMED = """async (q) => {
    const started = performance.now();
    const found = await window.pf.search(q);
    const searched = performance.now();
    await Promise.all(found.results.slice(0, 5).map(result => result.data()));
    return [searched - started, performance.now() - started];
}"""
FIRST_QUERY = """async (q) => {
    const pf = await import('./pagefind/pagefind.js');
    await pf.init();
    const found = await pf.search(q);
    await Promise.all(found.results.slice(0, 5).map(result => result.data()));
    return found.results.length;
}"""
UNDER_CSP = """async () => {
    const pf = await import(new URL('../pagefind/pagefind.js', location.href).href);   // from faq/
    await pf.init();
    return (await pf.search('uvicorn')).results.length;
}"""


def prepare(site: Path, copy: Path, pagefind: list[str]) -> str:
    shutil.copytree(site, copy)
    for page in copy.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace('<article class="md-content__inner', '<article data-pagefind-body class="md-content__inner', 1),
                        encoding="utf-8")
    (copy / "pagefind-bench.html").write_text(BENCH_PAGE, encoding="utf-8")
    done = subprocess.run([*pagefind, "--site", str(copy), "--exclude-selectors", "[data-search-exclude]",
                           "--exclude-selectors", ".headerlink"], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stdout + done.stderr)
    return done.stdout


def location(href: str, prefix: str) -> str:
    href = href.split("?", 1)[0]
    return (href[len(prefix):] if href.startswith(prefix) else href).replace("index.html", "")


def on_disk(folder: Path) -> str:
    files = [p for p in (folder / "pagefind").rglob("*") if p.is_file()]
    def kib(paths):
        return sum(p.stat().st_size for p in paths) / 1024
    index = [p for p in files if p.parent.name == "index"]
    fragments = [p for p in files if p.parent.name == "fragment"]
    wasm = [p for p in files if p.name.startswith("wasm.en.")]   # the one an English page loads
    return (f"on disk (Pagefind stores them compressed): index chunks {kib(index):.0f} KiB in {len(index)} files, "
            f"fragments {kib(fragments):.0f} KiB in {len(fragments)}, WebAssembly {kib(wasm):.0f} KiB, "
            f"pagefind.js and its worker {sum(len(gzip.compress((folder / 'pagefind' / n).read_bytes())) for n in ('pagefind.js', 'pagefind-worker.js')) / 1024:.0f} KiB gzip")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, required=True, help="a built site (python3 dev.py build)")
    parser.add_argument("--pagefind", default=f"{sys.executable} -m pagefind", help="the command that runs Pagefind")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    questions = search_questions.load()
    with tempfile.TemporaryDirectory(prefix="atlas-pagefind-") as scratch:
        copy = Path(scratch) / "site"
        indexed = prepare(args.site, copy, shlex.split(args.pagefind))
        print("Pagefind: " + " ".join(line.strip() for line in indexed.splitlines() if "Indexed" in line))
        print("  " + on_disk(copy))
        with site_browser.serve(copy, gzip=True) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=site_browser.chromium_path(), args=site_browser.LAUNCH_ARGS)
            try:
                context = browser.new_context()
                violations = site_browser.record_csp_violations(context)
                page = context.new_page()
                page.goto(server.page_url("faq/"))
                try:
                    outcome = f"{page.evaluate(UNDER_CSP)} results for 'uvicorn'"
                except Exception as error:   # a refused script or WebAssembly: what the report needs
                    outcome = f"failed: {str(error).splitlines()[0]}"
                page.wait_for_timeout(300)
                print(f"  under the site's Content-Security-Policy: {outcome}; violations: {violations or 'none'}")
                context.close()

                for query in ("uvicorn", "can I run jobs with async django"):
                    context = browser.new_context()
                    sizes: dict[str, int] = {}
                    page = context.new_page()
                    page.on("requestfinished", lambda r, sizes=sizes: sizes.__setitem__(r.url, r.sizes()["responseBodySize"])
                            if "/pagefind/" in r.url else None)
                    page.goto(server.page_url("pagefind-bench.html"))
                    page.evaluate(FIRST_QUERY, query)
                    page.wait_for_timeout(300)
                    print(f"  a first query ({query!r}) transfers {sum(sizes.values()) / 1024:.0f} KiB in {len(sizes)} requests")
                    context.close()

                context = browser.new_context()
                page = context.new_page()
                page.goto(server.page_url("pagefind-bench.html"))
                page.evaluate("() => { window.ui = new PagefindUI({element: '#search', showSubResults: true, showImages: false}); }")
                scored = []
                for question in questions:
                    links = [location(h, server.prefix) for h in page.evaluate(UI_LINKS, question.text) or []]
                    scored.append((question, search_questions.first_right(links, question.answers)))
                print(f"\n  {'part':12} {'questions':>9} {'top-1':>7} {'top-3':>7} {'MRR':>6}")
                parts = {"tuned": [s for s in scored if not s[0].held_aside],
                         "held aside": [s for s in scored if s[0].held_aside], "all": scored}
                for name, part in parts.items():
                    n = len(part)
                    print(f"  {name:12} {n:9} {sum(r == 1 for _, r in part) / n:7.1%} "
                          f"{sum(bool(r) and r <= 3 for _, r in part) / n:7.1%} {sum(1 / r for _, r in part if r) / n:6.3f}")
                page.evaluate("async () => { window.pf = await import('./pagefind/pagefind.js'); await window.pf.init(); await window.pf.search('warm'); }")
                context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
                times = [page.evaluate(TIMED, q.text) for q in questions]
                alone, with_data = [t[0] for t in times], [t[1] for t in times]
                print(f"\n  CPU slowed 4x: search() median {statistics.median(alone):.0f} ms "
                      f"(90th percentile {statistics.quantiles(alone, n=10)[-1]:.0f}); with the first five results' "
                      f"data(): median {statistics.median(with_data):.0f} ms (90th percentile "
                      f"{statistics.quantiles(with_data, n=10)[-1]:.0f})")
                context.close()
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
