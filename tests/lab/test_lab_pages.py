"""The built lab pages: notebooks render with their plots and load nothing from outside hosts.
(Instant navigation to a notebook is checked in a browser: tests/browser/test_instant_navigation.py.)"""
import re

import pytest

NOTEBOOK_PAGES = ["threads-vs-tasks", "sync-vs-async-under-load", "fan-out", "cpu-bound"]
EXTERNAL = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=\"(?:https?:)?//[^\"]*\"", re.IGNORECASE)

pytestmark = pytest.mark.build


@pytest.mark.parametrize("name", NOTEBOOK_PAGES)
def test_notebook_page_renders_outputs_and_loads_nothing_external(built_site, name):
    html = (built_site.site / "lab" / name / "index.html").read_text()
    assert "data:image/png;base64," in html, "the stored plot is not on the page"
    assert "Applies to <strong>Django" in html
    external = [tag for tag in EXTERNAL.findall(html) if 'rel="canonical"' not in tag]
    assert external == [], external
    assert "cdn.jsdelivr" not in html and "mathjax" not in html.lower()
    assert "No description has been provided" not in html, "a plot has no alt text"
    assert "<style" not in html and 'href="../../assets/stylesheets/jupyter.css"' in html
    assert (built_site.site / "lab" / name / f"{name}.ipynb").exists()  # include_source: the download
