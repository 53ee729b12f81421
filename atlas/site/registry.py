"""What is rendered from data: the registries the generation step (atlas/site/generate.py) writes out.

* generated_pages(): whole pages, written to docs/<path>;
* placeholders(): tables, written to generated/<NAME>.md; a written page includes one with a line of its
  own, ``--8<-- "generated/NAME.md"`` (the name is historical: these once were ``<!-- atlas:NAME -->``);
* generated_files(): other files (JSON, Atom, ...), written to docs/<path> and published as they are.
"""
from __future__ import annotations

import re
from typing import Callable


def generated_pages() -> dict[str, str]:
    """Pages made entirely from data: {path under docs/: Markdown with front matter}."""
    from atlas.data import versions_data
    from atlas.site import changes, versions_render

    pages = {
        f"versions/{release.version}.md": versions_render.render_release_page(release.version)
        for release in versions_data.load_releases()
    }
    pages[changes.PAGE_PATH] = changes.render_page(changes.events())
    return pages


def generated_files(pages: dict[str, str]) -> dict[str, str | bytes]:
    """Files other than pages, published with the site: {path in site/: content} (JSON downloads, llms.txt,
    the Atom feed of changes); written to docs/<path> by the generation step. `pages`: generated_pages()."""
    from atlas.site import changes, downloads

    return {**downloads.files(pages), changes.FEED_PATH: changes.render_feed(changes.events())}


def placeholders() -> dict[str, Callable[[], str]]:
    """Name -> function returning the Markdown of generated/NAME.md (links relative to the including page)."""
    from atlas.collect import async_unsafe
    from atlas.site import (
        async_api_render,
        ecosystem_render,
        ecosystem_use_cases,
        error_index_render,
        lab_runs_render,
        link_status_render,
        resources_render,
        situations,
        stack_render,
        use_case_index,
        versions_render,
    )

    return {
        "async-api-index": async_api_render.render_index,
        "resources": resources_render.render_resources_page,
        "error-index": error_index_render.render_error_index,
        "link-status": link_status_render.render_link_status,
        "capability-matrix": versions_render.render_capability_matrix,
        "use-case-matrix": versions_render.render_usecase_matrix,
        "use-case-index": use_case_index.render,
        "situations": situations.render,
        "celery-or-tasks": situations.render_celery_or_tasks,
        "upgrade-view": versions_render.render_upgrade_view,
        "roadmap": versions_render.render_roadmap,
        "versions-timeline": lambda: versions_render.render_timeline("versions"),
        "release-strip": release_strip,
        "lab-runs": lab_runs_render.render_runs_table,
        "stack-summary": stack_render.render_summary,
        "stack-hops": stack_render.render_hops_table,
        "stack-handler": stack_render.render_handler_calls,
        "stack-changes": stack_render.render_changes,
        "stack-cpu": stack_render.render_cpu_table,
        "stack-fixes": stack_render.render_fixes,
        "stack-check-form": stack_render.render_check_form,
        "async-unsafe": async_unsafe.render,
        "ecosystem": ecosystem_render.render,
        **ecosystem_use_cases.placeholders(),  # each use-case page's packages
    }


def release_strip() -> str:
    """One line for the home page: every release, linked, then the roadmap."""
    from atlas.data import versions_data

    links = [f"[{r.version}{' LTS' if r.lts else ''}](versions/{r.version}.md)" for r in versions_data.load_releases()]
    return " → ".join(links + ["[roadmap](versions/roadmap.md)"])


CODE_BLOCK = re.compile(r'<div class="(language-[\w-]+ )?highlight"')


def exclude_code_from_search(html: str) -> str:
    """Mark code blocks so Material's search leaves them out: the index (downloaded by every visitor)
    then holds the prose that answers questions, not every line of every snippet. API names stay
    findable through the prose and headings that mention them."""
    return CODE_BLOCK.sub(lambda m: m.group(0) + " data-search-exclude", html)
