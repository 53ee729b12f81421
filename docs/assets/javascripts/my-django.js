/* "My Django": the reader picks the release they run, once, and every page answers for it.
 *
 * Pages read correctly without this script: the banner says which releases a page applies to, the matrix
 * shows every release. With it:
 *   - a picker in the header (every feature release, from <meta name="atlas-releases">, plus "Not sure"),
 *     remembered in localStorage;
 *   - the banner says whether the reader's release has what the page shows, or which release brings it,
 *     with a link to the upgrade view from the reader's release;
 *   - the capability matrix highlights the reader's column and marks the rows it lacks, and gets a filter
 *     box and a "what changed between X and Y" view;
 *   - version tabs open on the tab for the reader's release;
 *   - the use-cases index says what the reader's release can do for each use case, and the upgrade page
 *     opens at the reader's release;
 *   - elements with data-since (and data-until) say whether the reader can use them (the API index), and so
 *     do headings ending in "(X.Y+)" (a part of a page that needs a later release than the rest);
 *   - elements with data-before (what a release did before a change) say so to a reader on that release;
 * Material's instant navigation swaps pages without a reload: everything runs on each document$ emission.
 */
(function () {
  "use strict";

  var KEY = "atlas.myDjango";

  function releases() {
    var meta = document.querySelector('meta[name="atlas-releases"]');
    return meta ? meta.getAttribute("content").split(/\s+/).filter(Boolean) : [];
  }

  function key(version) {
    var parts = String(version).split(".");
    return (parseInt(parts[0], 10) || 0) * 1000 + (parseInt(parts[1], 10) || 0);
  }

  function chosen() {
    try {
      var value = window.localStorage.getItem(KEY) || "";
      return releases().indexOf(value) >= 0 ? value : "";
    } catch (error) {
      return "";
    }
  }

  function remember(value) {
    try {
      if (value) window.localStorage.setItem(KEY, value);
      else window.localStorage.removeItem(KEY);
    } catch (error) { /* private mode: the choice lasts for this page only */ }
  }

  function siteBase() {
    var config = document.getElementById("__config");
    try {
      return JSON.parse(config.textContent).base || ".";
    } catch (error) {
      return ".";
    }
  }

  /* Each release's support on the day the site was built: {"4.2": "ended", "5.2": "security", ...}. */
  function supportStates() {
    var meta = document.querySelector('meta[name="atlas-support"]');
    var states = {};
    (meta ? meta.getAttribute("content") : "").split(/\s+/).forEach(function (pair) {
      var parts = pair.split("=");
      if (parts.length === 2) states[parts[0]] = parts[1];
    });
    return states;
  }

  /* A reader on an ended release is told what that means and where to go, once per page. */
  function supportNotice(mine, newest) {
    var old = document.querySelector(".atlas-support-notice");
    if (old) old.remove();
    var state = mine ? supportStates()[mine] : "";
    if (state !== "ended") return;
    var line = document.querySelector(".atlas-versions[data-django-low]");
    if (!line) return;
    var note = el("p", { "class": "atlas-support-notice", role: "note" });
    note.appendChild(document.createTextNode(
      "Django " + mine + " no longer gets any fixes, not even for security problems: a vulnerability found " +
      "now stays open on it. Move to a supported release (" + newest + ", or the newest LTS). "));
    note.appendChild(el("a", { href: upgradeLink(mine) }, "What upgrading from " + mine + " gives you"));
    line.parentNode.insertBefore(note, line.nextSibling);
  }

  function upgradeLink(from) {
    return siteBase() + "/versions/upgrade/?from=" + from + "#from-django-" + from.replace(".", "");
  }

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) node.textContent = text;
    return node;
  }

  /* The picker, in the header next to the search box. */
  function ensurePicker() {
    var select = document.getElementById("atlas-my-django");
    var header = document.querySelector(".md-header__inner");
    if (select || !header) return select;
    var wrapper = el("div", { "class": "atlas-picker" });
    var label = el("label", { "for": "atlas-my-django", "class": "atlas-picker__label" }, "My Django");
    select = el("select", { id: "atlas-my-django", "class": "atlas-picker__select" });
    select.appendChild(el("option", { value: "" }, "Not sure"));
    releases().slice().reverse().forEach(function (version) {
      select.appendChild(el("option", { value: version }, version));
    });
    wrapper.appendChild(label);
    wrapper.appendChild(select);
    var search = header.querySelector(".md-search") || header.querySelector(".md-header__source");
    header.insertBefore(wrapper, search);
    select.addEventListener("change", function () {
      remember(select.value);
      apply();
    });
    return select;
  }

  /* The "Applies to" line under each page title. data-django-low/-high: the releases the page applies to
   * (derived from what it describes); data-code-low/-high: the releases its code runs on; data-levels (a
   * use-case page): what each release can do, by which way. */
  function levelsOf(line) {
    try {
      return JSON.parse(line.getAttribute("data-levels") || "{}");
    } catch (error) {
      return {};
    }
  }

  function banner(mine, newest) {
    document.querySelectorAll(".atlas-versions[data-django-low]").forEach(function (line) {
      var old = line.querySelector(".atlas-versions__mine");
      if (old) old.remove();
      if (!mine) return;
      var low = line.getAttribute("data-django-low");
      var high = line.getAttribute("data-django-high");
      var codeLow = line.getAttribute("data-code-low");
      var level = levelsOf(line)[mine];
      var note = el("span", { "class": "atlas-versions__mine" });
      if (low && key(mine) < key(low)) {
        note.classList.add("atlas-versions__mine--no");
        note.appendChild(document.createTextNode("✗ Not in your Django " + mine + ": it arrives in " + low + ". "));
        note.appendChild(el("a", { href: upgradeLink(mine) }, "What upgrading from " + mine + " to " + newest + " gives you"));
      } else if (high && key(mine) > key(high)) {
        note.classList.add("atlas-versions__mine--no");
        note.textContent = "✗ Your Django " + mine + " is newer than what this page describes (up to " + high + ").";
      } else {
        note.classList.add("atlas-versions__mine--yes");
        var text = level ? "✓ Your Django " + mine + ": " + level + "." : "✓ Your Django " + mine + " has this.";
        if (codeLow && key(mine) < key(codeLow)) {
          text += " The code here needs " + codeLow + " or later; the parts marked with a release say what yours lacks.";
        }
        note.textContent = text;
      }
      line.appendChild(document.createTextNode(" "));
      line.appendChild(note);
    });
  }

  /* Version tabs ("Django 3.1 – 4.1", "Django 4.2+"): open the reader's one. */
  function tabs(mine) {
    if (!mine) return;
    document.querySelectorAll(".tabbed-set").forEach(function (set) {
      set.querySelectorAll(".tabbed-labels > label").forEach(function (label) {
        var match = /Django (\d+\.\d+)(?:\s*[–-]\s*(\d+\.\d+)|(\+))?/.exec(label.textContent);
        if (!match) return;
        var low = match[1], high = match[3] ? null : (match[2] || match[1]);
        if (key(mine) >= key(low) && (!high || key(mine) <= key(high))) {
          var input = document.getElementById(label.getAttribute("for"));
          if (input && !input.checked) input.checked = true;
        }
      });
    });
  }

  /* Anything with data-since: can the reader call it? */
  function since(mine) {
    document.querySelectorAll("[data-since]").forEach(function (item) {
      var row = item.closest("tr") || item;
      row.classList.remove("atlas-mine--yes", "atlas-mine--no");
      var old = item.querySelector(".atlas-mine-note");
      if (old) old.remove();
      if (!mine) return;
      var until = item.getAttribute("data-until");
      var yes = key(mine) >= key(item.getAttribute("data-since")) && (!until || key(mine) <= key(until));
      row.classList.add(yes ? "atlas-mine--yes" : "atlas-mine--no");
      var note = el("span", { "class": "atlas-mine-note" }, yes ? "✓ in your " + mine + " · " : "✗ not in your " + mine + " · ");
      var facts = item.querySelector(".atlas-api__facts p") || item.querySelector(".atlas-api__facts");
      if (facts) facts.insertBefore(note, facts.firstChild);
      else item.appendChild(note);
    });
  }

  /* What a release did before a change (data-before: the release before it): a reader on that release or an
   * older one is told this is what they have. */
  function before(mine) {
    document.querySelectorAll("[data-before]").forEach(function (item) {
      item.classList.remove("atlas-before--mine");
      var old = item.querySelector(".atlas-before-note");
      if (old) old.remove();
      if (!mine || key(mine) > key(item.getAttribute("data-before"))) return;
      item.classList.add("atlas-before--mine");
      item.insertBefore(el("span", { "class": "atlas-before-note" }, "Your Django " + mine + " works this way: "),
        item.firstChild);
    });
  }

  /* The use-cases index and the home page's situations: each use case's level and needs for the reader's release (data-uc-levels holds an
   * entry where the answer changes; it holds until the next one). */
  function useCaseTable(mine) {
    var list = releases();
    var release = mine || list[list.length - 1];
    document.querySelectorAll(".atlas-uc-release").forEach(function (heading) {
      heading.textContent = mine ? "On your Django " + mine : "On Django " + release;
    });
    document.querySelectorAll(".atlas-uc-mine").forEach(function (name) {
      name.textContent = mine ? "your Django " + mine : "Django " + release;
    });
    document.querySelectorAll(".atlas-uc-level[data-uc-levels]").forEach(function (cell) {
      var entries = {};
      try { entries = JSON.parse(cell.getAttribute("data-uc-levels")); } catch (error) { return; }
      var answer = null;
      Object.keys(entries).forEach(function (from) {
        if (key(from) <= key(release) && (!answer || key(from) >= key(answer[0]))) answer = [from, entries[from]];
      });
      if (!answer) return;
      cell.className = "atlas-uc-level atlas-cell atlas-cell--" + answer[1][0];
      cell.textContent = answer[1][1];
      var how = cell.closest("tr, .atlas-uc-answer").querySelector(".atlas-uc-how");
      if (how) how.textContent = answer[1][2];
    });
  }

  /* The upgrade page opens at the reader's release, however the reader got there (nav, search, a link):
   * only a link to another section (a fragment) wins. */
  function upgradeStart(mine) {
    if (!mine || window.location.hash) return;
    var section = document.getElementById("from-django-" + mine.replace(".", ""));
    if (section) section.scrollIntoView();
  }

  /* Parts of a page that need a later release than the page: headings ending in "(X.Y+)". */
  function parts(mine) {
    document.querySelectorAll(".md-content h2, .md-content h3").forEach(function (heading) {
      var old = heading.querySelector(".atlas-part-mine");
      if (old) old.remove();
      var match = /\((\d+\.\d+)\+\)\s*$/.exec(heading.textContent.replace(/[¶#]\s*$/, "").trim());
      if (!mine || !match) return;
      var yes = key(mine) >= key(match[1]);
      heading.appendChild(el("span", { "class": "atlas-part-mine atlas-part-mine--" + (yes ? "yes" : "no") },
        yes ? "✓ in your " + mine : "✗ not in your " + mine));
    });
  }

  /* The capability matrix. */
  function matrixTable() {
    return document.querySelector(".atlas-matrix table");
  }

  function columnOf(table, version) {
    var headers = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    for (var i = 0; i < headers.length; i++) {
      if (headers[i].textContent.trim().replace(/\s.*$/, "") === version) return i;
    }
    return -1;
  }

  function cellIn(row, column) {
    var cell = row.children[column];
    return cell ? cell.querySelector(".atlas-cell") : null;
  }

  function highlight(table, mine) {
    table.querySelectorAll(".atlas-col--mine").forEach(function (cell) { cell.classList.remove("atlas-col--mine"); });
    table.querySelectorAll(".atlas-lacks").forEach(function (badge) { badge.remove(); });
    table.querySelectorAll("tr.atlas-row--lacking").forEach(function (row) { row.classList.remove("atlas-row--lacking"); });
    if (!mine) return;
    var column = columnOf(table, mine);
    if (column < 0) return;
    // On a narrow screen, scroll the reader's column into view next to the sticky capability column.
    var header = table.querySelectorAll("thead th")[column];
    var first = table.querySelector("thead th");
    var box = table.closest(".md-typeset__scrollwrap");
    if (box && header && first && header.offsetLeft + header.offsetWidth > box.scrollLeft + box.clientWidth) {
      box.scrollLeft = header.offsetLeft - first.offsetWidth;
    }
    table.querySelectorAll("tr").forEach(function (row) {
      var cell = row.children[column];
      if (cell) cell.classList.add("atlas-col--mine");
      var content = cellIn(row, column);
      if (content && content.getAttribute("data-level") === "no") {
        row.classList.add("atlas-row--lacking");
        row.children[0].appendChild(el("span", { "class": "atlas-lacks" }, "not in " + mine));
      }
    });
  }

  function matrixControls(table) {
    if (document.getElementById("atlas-matrix-filter")) return;
    var versions = releases();
    var form = el("form", { "class": "atlas-matrix-controls", role: "search", "aria-label": "Filter the capability matrix" });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var filterLabel = el("label", { "for": "atlas-matrix-filter" }, "Filter ");
    var filter = el("input", { id: "atlas-matrix-filter", type: "search", placeholder: "capability, API or use case" });
    var compare = el("input", { id: "atlas-matrix-changed", type: "checkbox" });
    var compareLabel = el("label", { "for": "atlas-matrix-changed" }, " Only what changed between ");
    function releaseSelect(id, label, value) {
      var select = el("select", { id: id, "aria-label": label });
      versions.forEach(function (v) { select.appendChild(el("option", { value: v }, v)); });
      select.value = value;
      return select;
    }
    var from = releaseSelect("atlas-matrix-from", "From release", chosen() || versions[0]);
    var to = releaseSelect("atlas-matrix-to", "To release", versions[versions.length - 1]);
    var count = el("span", { id: "atlas-matrix-count", "class": "atlas-matrix-count", "aria-live": "polite" });
    [filterLabel, filter, el("span", {}, " "), compare, compareLabel, from, el("span", {}, " and "), to, el("span", {}, " "), count]
      .forEach(function (node) { form.appendChild(node); });
    var wrapper = table.closest(".md-typeset__scrollwrap") || table;
    wrapper.parentNode.insertBefore(form, wrapper);
    [filter, compare, from, to].forEach(function (control) {
      control.addEventListener("input", function () { filterRows(table); });
      control.addEventListener("change", function () { filterRows(table); });
    });
  }

  function filterRows(table) {
    var words = (document.getElementById("atlas-matrix-filter").value || "").toLowerCase().trim();
    var onlyChanged = document.getElementById("atlas-matrix-changed").checked;
    var a = document.getElementById("atlas-matrix-from").value;
    var b = document.getElementById("atlas-matrix-to").value;
    if (key(a) > key(b)) { var swap = a; a = b; b = swap; }
    var from = columnOf(table, a), to = columnOf(table, b);
    var rows = table.querySelectorAll("tbody tr"), shown = 0;
    rows.forEach(function (row) {
      var anchor = row.querySelector(".atlas-row");
      var text = (row.children[0].textContent + " " + (anchor ? anchor.getAttribute("data-apis") + " " +
        anchor.getAttribute("data-use-cases") : "")).toLowerCase();
      var visible = !words || text.indexOf(words) >= 0;
      if (visible && onlyChanged && from > 0 && to > 0) {
        var start = cellIn(row, from), end = cellIn(row, to), changed = false;
        for (var c = from + 1; c <= to; c++) {
          var cell = cellIn(row, c);
          if (cell && cell.getAttribute("data-changed")) changed = true;
        }
        visible = changed || (start && end && start.getAttribute("data-level") !== end.getAttribute("data-level"));
      }
      row.hidden = !visible;
      if (visible) shown++;
    });
    document.getElementById("atlas-matrix-count").textContent = shown + " of " + rows.length + " capabilities shown";
  }

  function matrix(mine) {
    var table = matrixTable();
    if (!table) return;
    matrixControls(table);
    highlight(table, mine);
    filterRows(table);
  }

  function apply() {
    var list = releases();
    var mine = chosen();
    var select = ensurePicker();
    if (select && select.value !== mine) select.value = mine;
    document.documentElement.setAttribute("data-atlas-my-django", mine || "");
    banner(mine, list[list.length - 1]);
    supportNotice(mine, list[list.length - 1]);
    tabs(mine);
    since(mine);
    before(mine);
    parts(mine);
    useCaseTable(mine);
    matrix(mine);
    upgradeStart(mine);
  }

  atlasOnEveryPage(apply);
})();
