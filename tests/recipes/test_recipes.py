"""Every recipe of CONTRIBUTING.md, carried out as written on a scratch copy of the project: add a page,
a use case, a capability, a FAQ entry, a resource, a glossary term, a notebook. The copy must then build
(--strict) and pass the checks that guard what the recipes touch.

Each step quotes CONTRIBUTING.md: the quote must stand there word for word (whitespace aside), so a recipe
edited without its test fails here, and a recipe that leaves out what the code needs fails the build or
the checks of the copy. To change a recipe, change its text and its steps below together.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from atlas.core.paths import CACHE, ROOT
from tests.support.once import once_per_run, shared_scratch
from tests.support.sitebuild import Build, build

pytestmark = [pytest.mark.build, pytest.mark.recipe]

GUIDE = " ".join((ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8").split())
# what a contributor's clone holds besides the tracked files; left out of the scratch copy
TOP_LEVEL_ONLY = {".venv", ".cache", "site", ".git", "lab-output"}
ANYWHERE = {"__pycache__", "node_modules", ".ipynb_checkpoints"}


def not_copied(folder: str, names: list[str]) -> set[str]:
    top = Path(folder) == ROOT
    return {name for name in names if name in ANYWHERE or (top and name in TOP_LEVEL_ONLY)}


@dataclass
class Step:
    quote: str                      # CONTRIBUTING.md's words for this step
    do: Callable[[Path], None]      # the step, on the scratch copy


# -- small editing helpers ---------------------------------------------------------------------------


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def insert_before(path: Path, marker: str, text: str) -> None:
    """Put `text` just before the first line matching the regular expression `marker` (which must exist)."""
    content = path.read_text(encoding="utf-8")
    match = re.search(rf"^{marker}", content, re.MULTILINE)
    assert match, f"{path.name}: no line starting with {marker!r} to insert before"
    path.write_text(content[:match.start()] + textwrap.dedent(text).lstrip("\n") + content[match.start():],
                    encoding="utf-8")


def edit(path: Path, old: str, new: str) -> None:
    content = path.read_text(encoding="utf-8")
    assert old in content, f"{path.name}: no {old!r} to change"
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


def insert_after(path: Path, line: str, text: str) -> None:
    """Put `text` on the lines after the first line equal to `line` (stripped)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next((i for i, each in enumerate(lines) if each.strip() == line.strip()), None)
    assert index is not None, f"{path.name}: no line {line.strip()!r}"
    lines.insert(index + 1, text)
    path.write_text("".join(lines), encoding="utf-8")


def front_matter(title: str, summary: str, django: str, tags: str) -> str:
    return f'---\ntitle: {title}\nsummary: {summary}\ndjango: "{django}"\ntags: {tags}\n---\n'


def from_template(project: Path, target: str, meta: str, body: str | None = None) -> None:
    """templates/page.md copied to `target` with its front matter replaced (and its body, if given)."""
    template = (project / "templates" / "page.md").read_text(encoding="utf-8")
    rest = template.split("---\n", 2)[2]
    (project / target).write_text(meta + (textwrap.dedent(body) if body is not None else rest), encoding="utf-8")


def nav_after(existing: str, new: str) -> Callable[[Path], None]:
    def step(project: Path) -> None:
        insert_after(project / "mkdocs.yml", f"- {existing}", f"      - {new}\n")
    return step


def run_module(project: Path, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", *args], cwd=project, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, PYTHONPATH=str(project)))
    assert done.returncode == 0, f"python -m {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


# -- the recipes --------------------------------------------------------------------------------------

PAGE = "concepts/recipe-page.md"
USE_CASE = "recipe-echo"          # the page id
TOPIC = "echo"                     # its snippets/ and tests/ package
NOTEBOOK = "recipe-count"


def page_body(project: Path) -> None:
    page = project / "docs" / PAGE
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"## The code\n.*?(?=## How to run it)", "", text, flags=re.DOTALL)
    page.write_text(text.replace("\n## How to run it\n", "\nCopy nothing: this page only explains.\n\n## How to run it\n"),
                    encoding="utf-8")


USE_CASE_PAGE = f"""
    Echo what the client says, from an async view; possible since [Django 3.1](../versions/3.1.md)<!-- fact: since async-views -->.

    ## The code

    ```python title="snippets/{TOPIC}/views.py"
    --8<-- "{TOPIC}/views.py"
    ```

    ```python title="snippets/{TOPIC}/urls.py"
    --8<-- "{TOPIC}/urls.py"
    ```

    ## How to run it

    Under any ASGI server, for example `uvicorn snippets.demo.asgi:application`.

    ## Pitfalls

    None worth a warning.

    ## The sync alternative, and when it is good enough

    A sync view does the same; nothing here waits.

    ## Sources

    - Django 3.1 release notes, "Asynchronous views and middleware support": <https://docs.djangoproject.com/en/3.1/releases/3.1/>
"""

RECIPES: dict[str, list[Step]] = {
    "page": [
        Step("Copy `templates/page.md` to the right section: `docs/learn/`, `docs/use-cases/`, `docs/concepts/`",
             lambda project: shutil.copy(project / "templates" / "page.md", project / "docs" / PAGE)),
        Step("Fill the front matter. Every field is required and checked",
             lambda project: from_template(project, "docs/" + PAGE, front_matter(
                 "A page added by the recipe", "What the recipe's page answers, in one line.", "4.2+",
                 "[concepts]"))),
        Step("The template's example include (`topic/what_it_shows.py`) names no real file: replace it with your "
             "own snippet (see \"Code on a page\") or delete that section.", page_body),
        Step("Add the page to `nav` in `mkdocs.yml`. A page left out of nav fails the build.",
             nav_after("concepts/what-async-is-not.md", PAGE)),
    ],
    "use case": [
        Step("Add the page as in \"Add a page\", in `docs/use-cases/`, with its file name as the use case's id",
             lambda project: from_template(project, f"docs/use-cases/{USE_CASE}.md", front_matter(
                 "Echo", "Answer with what the client said, from an async view.", "6.1", "[asgi]"),
                 USE_CASE_PAGE)),
        Step("and list it under \"Use cases\" in `nav`", nav_after("use-cases/deploying.md", f"use-cases/{USE_CASE}.md")),
        Step("Put its code in a package named for the topic, `snippets/<topic>/` with an `__init__.py`",
             lambda project: (write(project / "snippets" / TOPIC / "__init__.py", ""),
                              write(project / "snippets" / TOPIC / "views.py", '''
                                  """Echo: an async view that answers with what the client said."""
                                  from django.http import JsonResponse


                                  async def echo(request):
                                      return JsonResponse({"echo": request.GET.get("say", "")})
                                  '''))),
        Step("Give it a `urls.py` in that package, include it on the page too, and mount it with one line in "
             "`USE_CASE_URLS` of `snippets/demo/urls.py`: `\"<topic>\": \"<url prefix>/\",`",
             lambda project: (write(project / "snippets" / TOPIC / "urls.py", '''
                                  from django.urls import path

                                  from snippets.echo import views

                                  urlpatterns = [path("", views.echo)]
                                  '''),
                              insert_after(project / "snippets" / "demo" / "urls.py", "USE_CASE_URLS = {",
                                           f'    "{TOPIC}": "{TOPIC}/",\n'))),
        Step("Add its id, title and page to `docs/data/use_cases.yml` "
             "(`<page id>: {title: …, page: use-cases/<page id>.md}`;",
             lambda project: (project / "docs" / "data" / "use_cases.yml").open("a", encoding="utf-8").write(
                 f"{USE_CASE}: {{title: Echo, page: use-cases/{USE_CASE}.md}}\n")),
        Step("Name the id in the `use_cases` of the capabilities in `docs/data/capabilities.yml` that make it "
             "possible: every use case needs at least one.",
             lambda project: edit(project / "docs" / "data" / "capabilities.yml", "use_cases: [deploying, uploads, real-time-chat]",
                                  f"use_cases: [deploying, uploads, real-time-chat, {USE_CASE}]")),
        Step("Then say how it is built in `docs/data/use_case_levels.yml` (each way: the capabilities it cannot "
             "do without, the packages it needs)",
             lambda project: insert_after(project / "docs" / "data" / "use_case_levels.yml", "use_cases:",
                                          f"  {USE_CASE}:\n    ways:\n      - name: an async view under ASGI\n"
                                          "        capabilities: [asgi-handler, async-views]\n")),
        Step("Test the code in `tests/<topic>/` (with an `__init__.py`): the tests import the snippet modules and "
             "drive them.",
             lambda project: (write(project / "tests" / TOPIC / "__init__.py", ""),
                              write(project / "tests" / TOPIC / "test_echo.py", '''
                                  from django.urls import resolve

                                  from snippets.echo import views


                                  async def test_echo_answers_with_what_was_said(async_client):
                                      response = await async_client.get("/echo/", {"say": "hello"})
                                      assert response.json() == {"echo": "hello"}
                                      assert resolve("/echo/").func is views.echo
                                  '''))),
        Step("The command writes `docs/data/page_matrix.json`; commit it with your change.",
             lambda project: run_module(project, "atlas.collect.page_matrix", f"use-cases/{USE_CASE}.md")),
    ],
    "capability": [
        Step("add an entry to `docs/data/capabilities.yml` under the heading of the release that added it",
             lambda project: insert_before(project / "docs" / "data" / "capabilities.yml", r"# -+ 4\.0$", f'''
                 - id: recipe-async-echo
                   name: Echo from an async view (recipe)
                   apis: ["async def view(request)"]
                   added: "3.1"
                   support: full
                   requires: [asgi-server]
                   use_cases: [{USE_CASE}]
                   source: {{file: docs/releases/3.1.txt, section: "Asynchronous views and middleware support"}}
                   probe: |
                     sent = asgi_call(__import__("django.core.asgi", fromlist=["x"]).get_asgi_application(), "/av/")
                     assert sent[0]["status"] == 200, sent

                 ''')),
    ],
    "FAQ entry": [
        Step("an `##` heading phrased as the question in `docs/faq/index.md`, above its closing `## Sources` "
             "section, ending with a stable anchor",
             lambda project: insert_before(project / "docs" / "faq" / "index.md", "## Sources", '''
                 ## Can a recipe add a question? { #recipe-question }

                 Yes: a heading phrased as the question, then the short answer in the first sentence. The details
                 follow, with the releases it applies to and where the facts come from.

                 Applies to: Django 3.1–6.1

                 Sources: [Django 3.1 release notes](https://docs.djangoproject.com/en/3.1/releases/3.1/).

                 ''')),
    ],
    "resource": [
        Step("**Resource section, topic, kind or blocked host**: an entry in `docs/data/resource_sections.yml`; no "
             "Python to edit.",
             lambda project: insert_after(project / "docs" / "data" / "resource_sections.yml", "topics:",
                                          "  - id: recipes\n    description: How the atlas is extended, step by step.\n")),
        Step("**Resource**: one record in `docs/data/resources.yml`",
             lambda project: (project / "docs" / "data" / "resources.yml").open("a", encoding="utf-8").write(
                 textwrap.dedent('''
                     - title: A resource added by the recipe
                       url: https://docs.djangoproject.com/en/stable/internals/contributing/
                       section: concepts
                       kind: article
                       author: Django Async Atlas
                       year: 2026
                       django: "3.1+"
                       topics: [recipes, async-views]
                       status: current
                       description: What the recipe adds to the resource list, in one line.
                     '''))),
        Step("`python3 dev.py resources --fix` puts the entry in its place",
             lambda project: run_module(project, "atlas.data.resources_fix", "--fix")),
    ],
    "glossary term": [
        Step("**Glossary term**: an `##` heading with an anchor in `docs/faq/glossary.md`, in alphabetical order "
             "above the closing `## Sources`",
             lambda project: insert_before(project / "docs" / "faq" / "glossary.md", "## Server-sent events", '''
                 ## Recipe { #recipe-term }

                 A list of steps in CONTRIBUTING.md that a test carries out on a scratch copy of the project.

                 ''')),
    ],
    "notebook": [
        Step("Put the code it runs in `snippets/lab/<name>.py` and test it at a tiny size in `tests/lab/`.",
             lambda project: (write(project / "snippets" / "lab" / "recipe_count.py", '''
                                  """Counts, for the recipe's notebook."""


                                  def count(n: int) -> list[int]:
                                      return list(range(1, n + 1))
                                  '''),
                              write(project / "tests" / "lab" / "test_recipe_count.py", '''
                                  from snippets.lab import recipe_count


                                  def test_count():
                                      assert recipe_count.count(3) == [1, 2, 3]
                                  '''))),
        Step("Start a new `docs/lab/<name>.ipynb` with the first code cell of `docs/lab/cpu-bound.ipynb`", lambda project: new_notebook(project)),
        Step("Give the notebook its page metadata, an `atlas` key in the notebook's top-level `metadata`", lambda project: notebook_metadata(project)),
        Step("Run it and store its outputs: `python3 dev.py notebooks docs/lab/<name>.ipynb`",
             lambda project: run_module(project, "atlas.collect.notebook_outputs", f"docs/lab/{NOTEBOOK}.ipynb")),
        Step("Add it to `nav` under \"Lab\" with its title: `- \"The title\": lab/<name>.ipynb`.",
             lambda project: insert_after(project / "mkdocs.yml", "- lab/index.md",
                                          f'      - "Counting, the recipe\'s notebook": lab/{NOTEBOOK}.ipynb\n')),
    ],
}


def new_notebook(project: Path) -> None:
    model = json.loads((project / "docs" / "lab" / "cpu-bound.ipynb").read_text(encoding="utf-8"))
    first_code = next(cell for cell in model["cells"] if cell["cell_type"] == "code")
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["Counting to three, as the recipe does."]},
        {**first_code, "outputs": [], "execution_count": None},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ["from snippets.lab import recipe_count\n", "recipe_count.count(3)"]},
    ]
    notebook = {"cells": cells, "metadata": {"kernelspec": model["metadata"].get("kernelspec", {}),
                                             "language_info": model["metadata"].get("language_info", {})},
                "nbformat": model["nbformat"], "nbformat_minor": model["nbformat_minor"]}
    (project / "docs" / "lab" / f"{NOTEBOOK}.ipynb").write_text(json.dumps(notebook, indent=1), encoding="utf-8")


def notebook_metadata(project: Path) -> None:
    path = project / "docs" / "lab" / f"{NOTEBOOK}.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["metadata"]["atlas"] = {"summary": "Counting to three, the way the recipe adds a notebook.",
                                     "django": "5.0+", "tags": ["performance"]}
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")


#: what each recipe leaves in the built site (path under site/, text it must contain)
BUILT = {
    "page": [(PAGE.replace(".md", "/index.html"), "A page added by the recipe")],
    "use case": [(f"use-cases/{USE_CASE}/index.html", "Echo what the client says"),
                 ("versions/matrix/index.html", f"use-cases/{USE_CASE}/")],
    "capability": [("versions/matrix/index.html", "Echo from an async view (recipe)"),
                   ("versions/3.1/index.html", "Echo from an async view (recipe)")],
    "FAQ entry": [("faq/index.html", 'id="recipe-question"')],
    "resource": [("resources/index.html", "A resource added by the recipe")],
    "glossary term": [("faq/glossary/index.html", 'id="recipe-term"')],
    "notebook": [(f"lab/{NOTEBOOK}/index.html", "Counting to three")],
}

#: the checks run in the copy: what guards the pages, data, snippets and notebooks the recipes touch
CHECKS = ["tests/atlas/data/test_frontmatter.py", "tests/site/test_snippet_policy.py", "tests/atlas/data/test_versions_data.py",
          "tests/atlas/site/test_versions_render.py", "tests/resources", "tests/lab/test_notebooks.py",
          "tests/lab/test_recipe_count.py", f"tests/{TOPIC}", f"docs/{PAGE}", f"docs/use-cases/{USE_CASE}.md",
          "docs/faq"]


def normalised(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("recipe", RECIPES)
def test_every_step_quotes_contributing(recipe):
    for step in RECIPES[recipe]:
        assert normalised(step.quote) in GUIDE, (
            f"CONTRIBUTING.md no longer says {step.quote!r} ({recipe} recipe): update the recipe's steps in "
            f"tests/recipes/test_recipes.py together with the text")


@pytest.fixture(scope="module")
def carried_out(tmp_path_factory):
    """The scratch copy with every recipe done, built, and its checks run: (problems per recipe, build, checks).
    Done once per run: parallel workers share it (tests/support/once.py)."""
    def carry_out() -> dict:
        project = shared_scratch(tmp_path_factory, "recipes") / "atlas"
        shutil.copytree(ROOT, project, ignore=not_copied, symlinks=True)
        (project / ".cache").symlink_to((CACHE).resolve())   # release environments, as a clone keeps them
        problems = {}
        for recipe, steps in RECIPES.items():
            for step in steps:
                try:
                    step.do(project)
                except Exception as error:   # reported by the recipe's own test
                    problems.setdefault(recipe, f"step {step.quote!r} failed: {type(error).__name__}: {error}")
        built = build(project, project / "site")
        checks = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:randomly", "-m",
             "not server and not browser and not matrix and not build and not recipe", *CHECKS],
            cwd=project, env=dict(os.environ, PYTHONPATH=str(project)), capture_output=True, text=True, timeout=900)
        return {"problems": problems, "built": built.saved(),
                "checks": [checks.returncode, checks.stdout]}

    saved = once_per_run(tmp_path_factory, "recipes", carry_out)
    checks = subprocess.CompletedProcess(CHECKS, saved["checks"][0], stdout=saved["checks"][1])
    return saved["problems"], Build.from_saved(saved["built"]), checks


def test_the_copy_builds_strict(carried_out):
    _problems, built, _checks = carried_out
    assert built.returncode == 0, f"mkdocs build --strict of the copy failed:\n{built.output[-4000:]}"


def test_the_copy_passes_its_checks(carried_out):
    _problems, _built, checks = carried_out
    assert checks.returncode == 0, f"checks of the copy ({' '.join(CHECKS)}) failed:\n{checks.stdout[-6000:]}"


@pytest.mark.parametrize("recipe", RECIPES)
def test_each_recipe_shows_in_the_built_site(carried_out, recipe):
    problems, built, _checks = carried_out
    assert recipe not in problems, problems[recipe]
    assert built.returncode == 0, "the copy does not build (see test_the_copy_builds_strict)"
    for path, text in BUILT[recipe]:
        page = built.site / path
        assert page.exists(), f"{recipe}: the build has no {path}"
        assert text in page.read_text(encoding="utf-8"), f"{recipe}: {path} does not show {text!r}"
