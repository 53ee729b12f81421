"""Notebook pages as readers see them (docs/assets/stylesheets/atlas.css): text outputs keep their lines
whole and scroll, plots follow the dark scheme. Seen in Chromium on a built page; the built page's own
checks are in tests/lab/test_lab_pages.py."""
import re

from atlas.core.paths import DOCS

CSS = (DOCS / "assets" / "stylesheets" / "atlas.css").read_text()


def test_text_outputs_do_not_wrap_inside_numbers_and_scroll_instead():
    assert re.search(r"\.jupyter-wrapper \.jp-RenderedText pre \{ white-space: pre; \}", CSS)
    assert re.search(r"\.jupyter-wrapper \.jp-RenderedText \{ overflow-x: auto; \}", CSS)


def test_plots_follow_the_dark_scheme():
    rule = re.search(r'\[data-md-color-scheme="slate"\] \.jupyter-wrapper \.jp-RenderedImage img \{([^}]*)\}', CSS)
    assert rule and "invert(" in rule[1] and "hue-rotate(180deg)" in rule[1]
