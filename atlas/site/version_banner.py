"""The line under each page's title: the releases it applies to and what its code was tested with."""
from __future__ import annotations

from pathlib import Path

from atlas.core.django_range import DjangoRange
from atlas.data.page_matrix_results import tested_label
from atlas.data.frontmatter import LOCK, locked_django


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
    """Put the banner under the page's `#` title if it has one, else first (Material adds the title)."""
    head, newline, rest = markdown.lstrip("\n").partition("\n")
    if head.startswith("# "):
        return f"{head}\n\n{banner}{rest}"
    return banner + markdown


def version_banner(meta: dict, applies: DjangoRange, releases: list[str] | None = None, page: str | None = None) -> str:
    """The line each page shows under its title: which releases it applies to, what its code was tested with.

    Plain HTML, so Markdown pages and notebook pages show the very same line.
    """
    return (
        f'<p class="atlas-versions" data-django-low="{applies.low or ""}" data-django-high="{applies.high or ""}">'
        f'<span class="atlas-versions__applies">Applies to <strong>{applies.label()}</strong></span> · '
        f'<span class="atlas-versions__tested">code tested with <strong>{tested_with_label(page)}</strong></span>'
        f"</p>\n\n"
    )
