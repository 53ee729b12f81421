"""Material's instant navigation (navigation.instant in mkdocs.yml): links are followed without a full page
load, notebook pages included, whose plots and styles must survive the swap."""
from atlas.notebooks import image_alts
from atlas.paths import DOCS


def follow_link(page, selector) -> bool:
    """Click a link and wait for its page; True if instant navigation handled it (no full reload)."""
    page.evaluate("window.__atlasMarker = 'kept'")  # a full reload forgets it
    page.locator(selector).first.click()
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__atlasMarker === 'kept'")


def test_tabs_and_notebook_links_navigate_instantly_and_show_the_plot(page, site_server):
    page.goto(site_server.page_url("lab/"))
    page.wait_for_load_state("networkidle")  # instant navigation starts once it has read the sitemap

    assert follow_link(page, ".md-tabs a[href*='learn']"), "the Learn tab reloaded the whole page"
    page.goto(site_server.page_url("lab/"))
    page.wait_for_load_state("networkidle")
    assert follow_link(page, "article a[href*='threads-vs-tasks']"), "the notebook link reloaded the page"

    assert page.url.endswith("/lab/threads-vs-tasks/")
    plot = page.locator(".jupyter-wrapper img").first  # plots are image files next to the page
    plot.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 100", arg=plot.element_handle())
    # the plot's description, from the notebook's cell metadata, survives the swap
    assert plot.get_attribute("alt") == image_alts(DOCS / "lab" / "threads-vs-tasks.ipynb")[0]
    # the notebook styles, moved to a shared file, still apply after the swap: prompts get their font
    prompt_font = page.locator(".jp-InputPrompt").first.evaluate("el => getComputedStyle(el).fontFamily")
    assert "monospace" in prompt_font, prompt_font
