/* Filters the resource list (docs/resources/) by topic and Django release.
 *
 * The page works without this script: the full list shows and the filter form stays hidden.
 * Entries carry data-topics ("a b c"), data-django-min ("4.2" or "" for any release) and
 * data-django-max ("5.2", or "" for open-ended). Material's instant navigation swaps pages without a
 * reload, so we (re)initialise on every page through its document$ observable.
 */
(function () {
  "use strict";

  function version(text) {
    var parts = String(text).split(".");
    return [parseInt(parts[0], 10) || 0, parseInt(parts[1], 10) || 0];
  }

  function compare(a, b) {
    return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
  }

  function covers(item, release) {
    if (!release) return true;
    var low = item.getAttribute("data-django-min");
    var high = item.getAttribute("data-django-max");
    if (!low) return true; // "any"
    var wanted = version(release);
    if (compare(wanted, version(low)) < 0) return false;
    return !high || compare(wanted, version(high)) <= 0;
  }

  function hasTopic(item, topic) {
    if (!topic) return true;
    return (" " + item.getAttribute("data-topics") + " ").indexOf(" " + topic + " ") !== -1;
  }

  function apply(form) {
    var topic = form.querySelector('[data-filter="topic"]').value;
    var release = form.querySelector('[data-filter="release"]').value;
    var items = document.querySelectorAll(".atlas-resource");
    var shown = 0;
    items.forEach(function (item) {
      var visible = hasTopic(item, topic) && covers(item, release);
      item.hidden = !visible;
      if (visible) shown += 1;
    });
    // Hide a kind's heading and list when none of its entries match.
    document.querySelectorAll(".atlas-resource-list").forEach(function (list) {
      var any = list.querySelector(".atlas-resource:not([hidden])") !== null;
      list.hidden = !any;
      var heading = list.previousElementSibling;
      if (heading && heading.classList.contains("atlas-resource-heading")) heading.hidden = !any;
    });
    var count = form.querySelector(".atlas-resource-count");
    if (count) {
      count.textContent = topic || release ? shown + " of " + items.length + " shown" : "";
    }
  }

  function init() {
    var form = document.querySelector(".atlas-resource-filter");
    if (!form || form.getAttribute("data-ready") === "1") return;
    form.setAttribute("data-ready", "1");
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () {
        apply(form);
      });
    });
    apply(form);
  }

  if (typeof document$ !== "undefined" && document$ && typeof document$.subscribe === "function") {
    document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
