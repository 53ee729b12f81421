/* Filters the resource list (docs/resources/) by topic, kind and Django release.
 *
 * The page works without this script: every section and entry shows and the filter form stays hidden.
 * Each entry is a Markdown list item ending in <span class="atlas-resource-meta"> with data-topics
 * ("a b c"), data-kind, data-django-min ("4.2", or "" for any release) and data-django-max ("5.2", or ""
 * for open-ended). A section is its h2, the paragraph that describes it and its list; a section with no
 * matching entry is hidden whole. Material's instant navigation swaps pages without a reload, so it
 * (re)initialises on every page (atlasOnEveryPage, atlas.js).
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

  function covers(meta, release) {
    if (!release) return true;
    var low = meta.getAttribute("data-django-min");
    var high = meta.getAttribute("data-django-max");
    if (!low) return true; // "any"
    var wanted = version(release);
    if (compare(wanted, version(low)) < 0) return false;
    return !high || compare(wanted, version(high)) <= 0;
  }

  function hasTopic(meta, topic) {
    if (!topic) return true;
    return (" " + meta.getAttribute("data-topics") + " ").indexOf(" " + topic + " ") !== -1;
  }

  function isKind(meta, kind) {
    return !kind || meta.getAttribute("data-kind") === kind;
  }

  // The elements of one section: the h2 before the list and everything between them.
  function sectionParts(list) {
    var parts = [list];
    var node = list.previousElementSibling;
    while (node && node.tagName !== "FORM") {
      parts.push(node);
      if (node.tagName === "H2") break;
      node = node.previousElementSibling;
    }
    return parts;
  }

  function apply(form) {
    var topic = form.querySelector('[data-filter="topic"]').value;
    var kind = form.querySelector('[data-filter="kind"]').value;
    var release = form.querySelector('[data-filter="release"]').value;
    var metas = document.querySelectorAll(".atlas-resource-meta");
    var lists = [];
    var shown = 0;
    metas.forEach(function (meta) {
      var item = meta.closest("li");
      if (!item) return;
      var visible = hasTopic(meta, topic) && isKind(meta, kind) && covers(meta, release);
      item.hidden = !visible;
      if (visible) shown += 1;
      if (lists.indexOf(item.parentElement) === -1) lists.push(item.parentElement);
    });
    lists.forEach(function (list) {
      var any = list.querySelector(":scope > li:not([hidden])") !== null;
      sectionParts(list).forEach(function (part) {
        part.hidden = !any;
      });
    });
    var count = form.querySelector(".atlas-resource-count");
    if (count) {
      count.textContent = topic || kind || release ? shown + " of " + metas.length + " shown" : "";
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

  atlasOnEveryPage(init);
})();
