/* Filters the Ecosystem page (docs/concepts/ecosystem.md) by kind: all, hop-free, sync-only, hopping
 * middleware, async code.
 *
 * The page works without this script: every package shows and the filter form stays hidden. Each package is
 * <div class="atlas-eco" data-tags="hop-free sync-only costly async">. Material's instant navigation swaps
 * pages without a reload, so it (re)initialises on every page (atlasOnEveryPage, atlas.js).
 */
(function () {
  "use strict";

  function apply(form) {
    var kind = form.querySelector('[data-filter="kind"]').value;
    var items = document.querySelectorAll(".atlas-eco");
    var shown = 0;
    items.forEach(function (item) {
      var visible = !kind || (" " + item.getAttribute("data-tags") + " ").indexOf(" " + kind + " ") !== -1;
      item.hidden = !visible;
      if (visible) shown += 1;
    });
    form.querySelector(".atlas-eco-count").textContent = kind ? shown + " of " + items.length + " shown" : "";
  }

  function init() {
    var form = document.querySelector(".atlas-eco-filter");
    if (!form || form.getAttribute("data-ready") === "1") return;
    form.setAttribute("data-ready", "1");
    form.hidden = false;
    form.addEventListener("change", function () { apply(form); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply(form);
  }

  atlasOnEveryPage(init);
})();
