/* Filters the async API index (docs/versions/async-api.md) by text and by release.
 *
 * The page works without this script: every entry shows and the filter form stays hidden. Entries are
 * <div class="atlas-api" data-search="..." data-since="4.1">; an area heading hides when none of its
 * entries match. Material's instant navigation swaps pages without a reload, so it (re)initialises on
 * every page (atlasOnEveryPage, atlas.js).
 */
(function () {
  "use strict";

  function key(version) {
    var parts = String(version).split(".");
    return (parseInt(parts[0], 10) || 0) * 100 + (parseInt(parts[1], 10) || 0);
  }

  function apply(form) {
    var words = form.querySelector('[data-filter="text"]').value.toLowerCase().split(/\s+/).filter(Boolean);
    var release = form.querySelector('[data-filter="release"]').value;
    var items = document.querySelectorAll(".atlas-api");
    var shown = 0;
    items.forEach(function (item) {
      var text = item.getAttribute("data-search") || "";
      var visible = words.every(function (word) { return text.indexOf(word) !== -1; }) &&
        (!release || key(item.getAttribute("data-since")) <= key(release));
      item.hidden = !visible;
      if (visible) shown += 1;
    });
    document.querySelectorAll("h2.atlas-api-area").forEach(function (heading) {
      var any = false;
      for (var node = heading.nextElementSibling; node && node.tagName !== "H2"; node = node.nextElementSibling) {
        if (node.classList.contains("atlas-api") && !node.hidden) { any = true; break; }
      }
      heading.hidden = !any;
    });
    var count = form.querySelector(".atlas-api-count");
    if (count) count.textContent = words.length || release ? shown + " of " + items.length + " shown" : "";
  }

  function init() {
    var form = document.querySelector(".atlas-api-filter");
    if (!form || form.getAttribute("data-ready") === "1") return;
    form.setAttribute("data-ready", "1");
    form.hidden = false;
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.querySelector('[data-filter="text"]').addEventListener("input", function () { apply(form); });
    form.querySelector('[data-filter="release"]').addEventListener("change", function () { apply(form); });
    apply(form);
  }

  atlasOnEveryPage(init);
})();
