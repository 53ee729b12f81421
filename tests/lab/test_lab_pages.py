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
    plots = re.findall(r'<img[^>]*src="(plot-[^"]+\.png)"[^>]*>', html)
    assert plots, "the stored plot is not on the page"
    for tag in re.findall(r'<img[^>]*src="plot-[^"]+"[^>]*>', html):
        assert 'loading="lazy"' in tag and re.search(r'width="\d+" height="\d+"', tag), tag
    for plot in plots:
        assert (built_site.site / "lab" / name / plot).read_bytes().startswith(b"\x89PNG")
    assert "base64," not in html, "a plot is still inlined"
    # a text output scrolls sideways instead of wrapping (atlas.css): its scrolling box must take keyboard focus
    assert all('tabindex="0"' in tag for tag in re.findall(r'<div class="jp-RenderedText[^>]*>', html))
    assert "Applies to <strong>Django" in html
    external = [tag for tag in EXTERNAL.findall(html) if 'rel="canonical"' not in tag]
    assert external == [], external
    assert "cdn.jsdelivr" not in html and "mathjax" not in html.lower()
    assert "No description has been provided" not in html, "a plot has no alt text"
    assert "<style" not in html
    stylesheet = re.search(r'href="\.\./\.\./(assets/stylesheets/notebooks/[0-9a-f]+\.css)"', html)
    assert stylesheet, "the page does not link its notebook stylesheet"
    css = (built_site.site / stylesheet.group(1)).read_text()
    assert ".jp-OutputArea" in css and "jp-Toolbar" not in css, "notebook CSS is not pruned to what the page uses"
    assert (built_site.site / "lab" / name / f"{name}.ipynb").exists()  # include_source: the download
