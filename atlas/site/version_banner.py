"""The line under each page's title: the releases it applies to and what its code was tested with."""
from __future__ import annotations

from pathlib import Path

from atlas.core.django_range import DjangoRange
from atlas.data.applies import applies_to, use_case_levels_attr
from atlas.data.frontmatter import LOCK, locked_django
from atlas.data.page_matrix_results import tested_label


def tested_with_label(page: str | None = None, lock: Path = LOCK) -> str:
    """What "code tested with" says on a page: for a page in the page matrix (`page`: its path under
    docs/), the releases its code passed on, from docs/data/page_matrix.json ("Django 4.2, 5.2 and 6.1");
    for any other page, the feature release of the locked Django, which the suite runs its code with."""
    if page is not None:
        label = tested_label(page)
        if label:
            return label
    return "Django " + ".".join(locked_django(lock).split(".")[:2])


def with_banner(markdown: str, banner: str) -> str:
    """Put the banner under the page's `#` title if it has one (after any leading HTML comment, such as a
    generated page's note), else first (Material adds the title)."""
    lines = markdown.lstrip("\n").split("\n")
    title = next((i for i, line in enumerate(lines) if line.strip() and not line.startswith("<!--")), None)
    if title is not None and lines[title].startswith("# "):
        head, rest = "\n".join(lines[:title + 1]), "\n".join(lines[title + 1:])
        return f"{head}\n\n{banner}{rest}"
    return banner + markdown


def version_banner(meta: dict, applies: DjangoRange, releases: list[str] | None = None, page: str | None = None,
                   has_code: bool = True) -> str:
    """The line each page shows under its title: which releases it applies to and, on a page with code,
    what its code needs and was tested with.

    `applies` is the page's `django:` range, the releases its code must pass on; what the page applies to
    is derived from what it describes (atlas/data/applies.py), and the "My Django" picker marks the page by that.
    Plain HTML, so Markdown pages and notebook pages show the very same line.
    """
    derived = applies_to(page, meta, applies)
    code = ""
    if has_code:
        needs = "" if applies == derived else f"code for <strong>{applies.label()}</strong>, "
        code = (f' · <span class="atlas-versions__tested">{needs or "code "}tested with '
                f"<strong>{tested_with_label(page)}</strong></span>")
    return (
        f'<p class="atlas-versions" data-django-low="{derived.low or ""}" data-django-high="{derived.high or ""}" '
        f'data-code-low="{applies.low or ""}" data-code-high="{applies.high or ""}"{use_case_levels_attr(page)}>'
        f'<span class="atlas-versions__applies">Applies to <strong>{derived.label()}</strong></span>{code}'
        f"</p>\n\n"
    )
