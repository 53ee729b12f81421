"""The scripts the browser tests run in pages (axe-core, colour schemes, following a link) and their settings."""

AXE_RUN = """async (options) => {
    const result = await axe.run(document, options);
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
        count: v.nodes.length,
    }));
}"""


# Transitions off, so that axe reads final colours, not colours halfway through a fade (a constructed
# style sheet: the page's Content-Security-Policy refuses an inline <style> element). Set once: it survives
# instant navigation.
NO_TRANSITIONS = """() => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('*, *::before, *::after { transition: none !important; animation: none !important; }');
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}"""
# Switch the page to a scheme in place, as Material's toggle does (an attribute on <body>).
SCHEME = """(scheme) => {
    document.body.setAttribute('data-md-color-scheme', scheme);
    return getComputedStyle(document.body).backgroundColor;
}"""
# Follow a link to `url` as a reader's click does: Material's instant navigation fetches the page and swaps
# it into this document (document$ emits once more when the new page is in place), so axe stays loaded.
FOLLOW = """([url, timeoutMs]) => new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error(`no page arrived ${timeoutMs} ms after following ${url}`)), timeoutMs);
    let seen = 0;
    const subscription = document$.subscribe(() => {
        if (seen++ === 1) { setTimeout(() => subscription.unsubscribe()); resolve(location.href); }
    });
    const link = document.createElement('a');
    link.href = url;
    document.body.append(link);
    link.click();
    link.remove();
})"""
DARK_BACKGROUND = "rgb(30, 33, 41)"  # Material's slate scheme
DARK_RULES = {"runOnly": ["color-contrast", "link-in-text-block"], "resultTypes": ["violations"]}


def serious_in_both_schemes(page, axe_script) -> list[tuple]:
    """axe-core's serious and critical violations on the page as it stands: every rule in the light scheme,
    then the rules a scheme changes (contrast) after switching the page to the dark one in place."""
    page.evaluate(axe_script.read_text())  # from outside the page: its CSP refuses inline scripts
    page.evaluate(NO_TRANSITIONS)
    violations = page.evaluate(AXE_RUN, {"resultTypes": ["violations"]})
    assert page.evaluate(SCHEME, "slate") == DARK_BACKGROUND, "the dark scheme did not apply"
    violations += page.evaluate(AXE_RUN, DARK_RULES)
    return [(v["id"], v["nodes"]) for v in violations if v["impact"] in ("serious", "critical")]
