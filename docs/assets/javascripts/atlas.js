// The atlas's own scripts, in a file rather than inline: the Content-Security-Policy allows no inline
// script but the theme's (atlas/site/csp.py).

// Run `init` on every page: Material's instant navigation swaps pages without a reload and announces each
// one, the first included, on document$; without the theme's script, once the document is parsed. The
// filters and "My Django" call it, so this file comes first in mkdocs.yml's extra_javascript.
window.atlasOnEveryPage = function (init) {
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
};

// Code that scrolls sideways must be reachable by keyboard (axe-core: scrollable-region-focusable).
// Material makes its own code blocks focusable; notebook cells rendered by mkdocs-jupyter are not, so
// give each scrollable one a tab stop, on every page load and instant navigation (document$).
// Wide tables scroll inside Material's .md-typeset__scrollwrap: the same applies to them.
atlasOnEveryPage(function () {
  document.querySelectorAll(".jupyter-wrapper .highlight-ipynb, .jupyter-wrapper pre, .md-typeset__scrollwrap").forEach(function (el) {
    if (el.scrollWidth > el.clientWidth && !el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "0");
    }
  });
});

// The 404 page: turn the missing address into search words, /atlas/use-cases/web-sockets/ -> "use cases
// web sockets", for its "Search for this page" button (data-home: the site's root path).
(function () {
  var link = document.querySelector(".atlas-404-search");
  if (!link) { return; }
  var base = link.getAttribute("data-home");
  var path = decodeURIComponent(location.pathname);
  if (path.indexOf(base) === 0) { path = path.slice(base.length); }
  var words = path.replace(/(index)?\.html?$/, "").split(/[\/\-_.]+/).filter(Boolean).join(" ");
  if (words) { link.href = base + "?q=" + encodeURIComponent(words); }
})();

// The search box: when a query finds nothing, show where to look next (.atlas-search-help in
// overrides/partials/search.html) under the theme's "No matching documents". The header, search box
// included, stays in place across instant navigation, so its links are made absolute once, from the page
// they were written for.
(function () {
  var help = document.querySelector(".atlas-search-help");
  var meta = document.querySelector(".md-search-result__meta");
  var box = document.querySelector("input.md-search__input");
  if (!help || !meta || !box) { return; }
  help.querySelectorAll("a[href]").forEach(function (link) { link.setAttribute("href", link.href); });
  var none = help.getAttribute("data-none");
  function update() {
    help.hidden = !(box.value.trim() && meta.textContent.trim() === none);
  }
  new MutationObserver(update).observe(meta, { childList: true, characterData: true, subtree: true });
  box.addEventListener("input", update);
  update();
})();
