"""atlas/site/css_prune.py keeps the rules a page uses and the custom properties those rules need."""
from atlas.site.css_prune import prune

CSS = """
@charset "UTF-8";
/* a comment { with braces } */
pre { line-height: 125% }
.used { color: var(--a) }
.unused { color: var(--b) }
.used .missing, .used .also { margin: 0 }
.root { --a: var(--c); --b: red; --c: blue; --icon: url(data:image/svg+xml;base64,AAA=) }
@media (max-width: 10px) { .unused { display: none } }
@media print { .used { display: none } }
@keyframes spin { from { opacity: 0 } to { opacity: 1 } }
@keyframes fade { from { opacity: 0 } to { opacity: 1 } }
.also { animation: spin 1s }
"""
HTML = '<div class="root used"><p class="also">x</p></div>'


def test_keeps_rules_whose_classes_are_on_the_page():
    out = prune(CSS, HTML)
    assert ".used { color: var(--a) }" in out
    assert ".unused" not in out
    assert ".used .also { margin: 0 }" in out and ".missing" not in out
    assert "pre { line-height: 125% }" in out  # no class: it may match


def test_keeps_only_the_custom_properties_kept_rules_need():
    out = prune(CSS, HTML)
    assert "--a: var(--c)" in out and "--c: blue" in out  # through another property
    assert "--b" not in out and "--icon" not in out


def test_at_rules_follow_their_content():
    out = prune(CSS, HTML)
    assert "@media print" in out and "max-width: 10px" not in out
    assert "@keyframes spin" in out and "@keyframes fade" not in out
    assert "@charset" not in out and "comment" not in out


def test_data_urls_with_semicolons_stay_whole():
    out = prune(".x { --icon: url(data:image/svg+xml;base64,AAA=); background: var(--icon) }", '<b class="x">')
    assert "--icon: url(data:image/svg+xml;base64,AAA=)" in out


def test_a_class_the_page_lacks_inside_not_keeps_the_rule():
    css = ".cell:not(.active) .prompt { color: grey } .cell:is(.dirty) .prompt { color: red }"
    out = prune(css, '<div class="cell"><span class="prompt">')
    assert ".cell:not(.active) .prompt { color: grey }" in out
    assert ".cell:is(.dirty) .prompt { color: red }" in out
