"""One figure for what a waiting async Django request costs (issue 26, item 8: the site said 76, 77,
45 + 32 and ~120 KiB). Every page and notebook quotes the lab's stored median of request_cost, the same
number everywhere, and says what it was measured on."""
from __future__ import annotations

import re

from atlas.core.paths import DOCS
from atlas.data.lab_figures import pages, stored

QUOTE = re.compile(r"(\d+(?:\.\d+)?) KiB<!-- lab: request_cost summary\.django\.(\w+) -->")


def texts():
    yield from pages(DOCS)


def test_every_quote_of_a_waiting_request_is_the_stored_median():
    summary = stored()["request_cost"]["summary"]["django"]
    wrong = []
    for name, text in texts():
        for figure, field in QUOTE.findall(text):
            if float(figure) != round(summary[field]["median"]):
                wrong.append(f"{name}: {figure} KiB for {field} (stored median {summary[field]['median']})")
    assert not wrong, "\n".join(wrong)


def test_no_page_quotes_another_figure_for_it():
    long_polling = (DOCS / "use-cases" / "long-polling.md").read_text(encoding="utf-8")
    assert "120 KiB" not in long_polling and "request_cost summary.django.total_kib_per_request" in long_polling
