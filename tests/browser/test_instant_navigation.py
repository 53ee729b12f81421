"""Material's instant navigation (navigation.instant in mkdocs.yml): links are followed without a full page
load, notebook pages included, whose plots and styles must survive the swap."""
import re
from urllib.parse import urljoin

from playwright.sync_api import expect

from atlas.core.paths import DOCS
from atlas.site.notebook_html import image_alts


def open_page(page, url) -> None:
    """Load a page and wait until instant navigation is ready: it starts once it has read the sitemap."""
    with page.expect_response(lambda response: response.url.endswith("/sitemap.xml")):
        page.goto(url)


def follow_link(page, selector) -> bool:
    """Click a link and wait for its page; True if instant navigation handled it (no full reload)."""
    link = page.locator(selector).first
    target = urljoin(page.url, link.get_attribute("href"))
    page.evaluate("window.__atlasMarker = 'kept'")  # a full reload forgets it
    link.click()
    page.wait_for_url(target.split("#")[0])
    page.wait_for_load_state("load")
    return page.evaluate("window.__atlasMarker === 'kept'")


def test_tabs_and_notebook_links_navigate_instantly_and_show_the_plot(page, site_server):
    open_page(page, site_server.page_url("lab/"))
    assert follow_link(page, ".md-tabs a[href*='learn']"), "the Learn tab reloaded the whole page"
    open_page(page, site_server.page_url("lab/"))
    assert follow_link(page, "article a[href*='threads-vs-tasks']"), "the notebook link reloaded the page"

    assert page.url.endswith("/lab/threads-vs-tasks/")
    plot = page.locator(".jupyter-wrapper img").first  # plots are image files next to the page
    plot.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 100", arg=plot.element_handle())
    # the plot's description, from the notebook's cell metadata, survives the swap
    assert plot.get_attribute("alt") == image_alts(DOCS / "lab" / "threads-vs-tasks.ipynb")[0]
    # the notebook styles, moved to a shared file, still apply after the swap: prompts get their font
    # (retried until the stylesheet has applied)
    expect(page.locator(".jp-InputPrompt").first).to_have_css("font-family", re.compile("monospace"))
