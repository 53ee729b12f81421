/* "Check your stack" (docs/concepts/check-your-stack.md): the reader pastes a MIDDLEWARE setting, picks a
 * release and a view kind, and reads the thread hops of each entry, the total and an estimate of the CPU,
 * from the published measurements (downloads/stack.json, same origin). Nothing leaves the browser.
 *
 * The form (.atlas-stack-check) is hidden until this script runs; its data-* attributes name the data
 * file and the middleware the page's fixes apply to. Runs again after instant navigation (atlasOnEveryPage).
 */
(function () {
  "use strict";

  var DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/;

  function ParseError(line, message) {
    this.line = line;
    this.message = message;
  }

  // A Python list of strings, as in settings.py: optional `NAME =`, comments, either quote, trailing comma.
  function parseList(text) {
    var i = 0, line = 1, n = text.length;
    var items = [];
    function skip() {
      while (i < n) {
        var c = text[i];
        if (c === "\n") { line += 1; i += 1; }
        else if (c === " " || c === "\t" || c === "\r" || c === "\\") { i += 1; }
        else if (c === "#") { while (i < n && text[i] !== "\n") i += 1; }
        else break;
      }
    }
    skip();
    if (i >= n) throw new ParseError(1, "The box is empty: paste your MIDDLEWARE setting, e.g. MIDDLEWARE = [\"django.middleware.security.SecurityMiddleware\"].");
    var name = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*/.exec(text.slice(i));
    if (name) {
      for (var k = 0; k < name[0].length; k += 1) { if (text[i + k] === "\n") line += 1; }
      i += name[0].length;
      skip();
    }
    if (text[i] !== "[" && text[i] !== "(") {
      throw new ParseError(line, "Expected a list starting with [ here, found " + JSON.stringify(text.slice(i, i + 20)) + ". Paste the setting as it is in settings.py: MIDDLEWARE = [ ... ].");
    }
    var close = text[i] === "[" ? "]" : ")";
    var openedAt = line;
    i += 1;
    var needComma = false;
    for (;;) {
      skip();
      if (i >= n) throw new ParseError(openedAt, "The list opened on line " + openedAt + " is never closed: add " + close + " after its last entry.");
      var c = text[i];
      if (c === close) { i += 1; break; }
      if (c === ",") {
        if (!needComma) throw new ParseError(line, "A comma with no entry before it: remove it.");
        needComma = false; i += 1; continue;
      }
      if (c === "\"" || c === "'") {
        if (needComma) throw new ParseError(line, "A comma is missing before this entry.");
        var start = i + 1, end = text.indexOf(c, start), nl = text.indexOf("\n", start);
        if (end === -1 || (nl !== -1 && nl < end)) throw new ParseError(line, "This string is not closed: end it with " + c + " on the same line.");
        var value = text.slice(start, end);
        if (!DOTTED.test(value)) throw new ParseError(line, JSON.stringify(value) + " is not a dotted path to a class, such as \"django.middleware.common.CommonMiddleware\".");
        items.push({ path: value, line: line });
        i = end + 1; needComma = true; continue;
      }
      var word = /^[^\s,\])]+/.exec(text.slice(i));
      throw new ParseError(line, (word ? "\"" + word[0] + "\"" : "This") + " is not a quoted string: write each entry in quotes, e.g. \"myapp.middleware.MyMiddleware\".");
    }
    skip();
    if (i < n) throw new ParseError(line, "Unexpected text after the end of the list: " + JSON.stringify(text.slice(i, i + 20)) + ". Paste only the MIDDLEWARE setting.");
    if (!items.length) throw new ParseError(openedAt, "The list is empty. With no middleware there is nothing to check: see the \"no middleware\" row of the table on the middleware page.");
    return items;
  }

  function short(path) { return path.slice(path.lastIndexOf(".") + 1); }

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function render(form, data, out) {
    var version = form.querySelector('[data-stack="release"]').value;
    var kind = form.querySelector('[data-stack="view"]').value;
    var release = data.releases.filter(function (r) { return r.version === version; })[0];
    var inline = (form.getAttribute("data-inline") || "").split(" ");
    var droppable = (form.getAttribute("data-droppable") || "").split(" ");
    out.textContent = "";
    var items;
    try {
      items = parseList(form.querySelector('[data-stack="input"]').value);
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      var box = el("div", null, "admonition failure atlas-stack-error");
      box.setAttribute("role", "alert");
      box.appendChild(el("p", "Line " + error.line + ": " + error.message));
      out.appendChild(box);
      return;
    }
    var byPath = {};
    release.middleware.forEach(function (m) { byPath[m.path] = m; });
    var elsewhere = {};
    data.releases.forEach(function (r) { r.middleware.forEach(function (m) { (elsewhere[m.path] = elsewhere[m.path] || []).push(r.version); }); });
    var thirdParty = {};
    ((data.third_party || {}).middleware || []).forEach(function (t) { thirdParty[t.path] = t; });
    var base = release.empty[kind];
    var total = base.sync_to_async, toSync = base.async_to_sync, cpu = base.cpu_us.median;
    var unknown = [], fixes = [], seen = [];
    var table = el("table");  // no class: Material styles table:not([class])
    var head = el("tr");
    ["Line", "Middleware", "Hops", "Hooks that hop", "Note"].forEach(function (h) { head.appendChild(el("th", h)); });
    var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
    var body = el("tbody");
    items.forEach(function (item) {
      var m = byPath[item.path];
      var row = el("tr");
      row.appendChild(el("td", String(item.line)));
      var name = el("td");
      name.appendChild(el("code", short(item.path)));
      name.appendChild(el("br"));
      name.appendChild(el("small", item.path.slice(0, item.path.lastIndexOf("."))));
      name.setAttribute("data-path", item.path);
      row.appendChild(name);
      var tp = !m && thirdParty[item.path];
      if (tp && tp.configured && kind === (data.third_party || {}).kind) {
        // a third-party package's middleware, measured alone on the newest Django (atlas/collect/ecosystem.py)
        total += tp.sync_to_async; toSync += tp.async_to_sync;
        row.appendChild(el("td", String(tp.sync_to_async) +
          (tp.async_to_sync ? " + " + tp.async_to_sync + " async_to_sync" : "")));
        row.appendChild(el("td", tp.calls.map(function (c) { return c.hook; }).join(", ") || "none"));
        row.appendChild(el("td", "Third-party: " + tp.package + " " + tp.version + ", measured on Django " +
          data.third_party.django + (tp.async_capable ? "" : " (sync-only: it runs in a thread)") + "."));
        row.className = "atlas-stack-third-party";
      } else if (!m) {
        var note = tp ? (tp.configured ? "Third-party (" + tp.package + "): measured on an async view only; choose that view kind."
          : "Third-party (" + tp.package + "), not measured: " + tp.why + " ")
          : elsewhere[item.path]
          ? "Not in Django " + version + " (shipped in " + elsewhere[item.path].join(", ") + ")."
          : "Unknown: not a middleware Django " + version + " ships. Count it with the script in ";
        unknown.push(item.path);
        row.appendChild(el("td", "?")); row.appendChild(el("td", "—"));
        var noteCell = el("td", note);
        if (!elsewhere[item.path] && !(tp && tp.configured)) {
          var how = el("a", "Count your own project");
          how.href = form.getAttribute("data-measure");
          noteCell.appendChild(how);
          noteCell.appendChild(document.createTextNode("."));
        }
        row.appendChild(noteCell);
        row.className = "atlas-stack-unknown";
      } else {
        var added = m.added[kind];
        total += added.sync_to_async; toSync += added.async_to_sync;
        cpu += Math.max(0, added.cpu_us || 0);
        // sync_to_async calls; the rarer async_to_sync ones named when there are any
        row.appendChild(el("td", String(added.sync_to_async) +
          (added.async_to_sync ? " + " + added.async_to_sync + " async_to_sync" : "")));
        row.appendChild(el("td", m.hooks[kind].map(function (h) { return h.hook; }).join(", ") || "none"));
        var missing = m.prerequisites.filter(function (p) { return seen.indexOf(p) === -1; });
        row.appendChild(el("td", missing.length ? "Needs " + missing.map(short).join(", ") + " before it." : ""));
        if (added.sync_to_async > 0 && inline.indexOf(item.path) !== -1) fixes.push(short(item.path) + ": run its hooks in the event loop (header-only), saving " + added.sync_to_async + ".");
        else if (added.sync_to_async > 0 && droppable.indexOf(item.path) !== -1) fixes.push(short(item.path) + ": drop it if the project does not use it, saving " + added.sync_to_async + ".");
      }
      seen.push(item.path);
      body.appendChild(row);
    });
    table.appendChild(body);
    // the startproject stack itself was measured whole: that figure, not the sum of the parts measured alone
    var isDefault = items.map(function (i) { return i.path; }).join(" ") === release.default_stack.join(" ");
    var cpuText = isDefault
      ? Math.round(release["default"][kind].cpu_us.median) + " µs, as measured for this very stack"
      : Math.round(cpu) + " µs, the handler's own plus what each known middleware added when measured alone";
    var summary = el("p", null, "atlas-stack-total");
    summary.appendChild(el("strong", (unknown.length ? "At least " : "") + total + " sync_to_async"));
    summary.appendChild(document.createTextNode(
      " and " + toSync + " async_to_sync calls per request on Django " + version + " (" + base.sync_to_async +
      " of them Django's handler makes with no middleware). Estimated CPU per request: about " +
      cpuText +
      (unknown.length ? ", not counting " + unknown.length + " unknown " + (unknown.length === 1 ? "entry" : "entries") : "") +
      " (measured on " + release.measured_on.cpu + ", " + release.measured_on.date + "; your machine will differ)."));
    out.appendChild(summary);
    var wrap = el("div", null, "md-typeset__scrollwrap");
    var inner = el("div", null, "md-typeset__table atlas-stack-table");
    inner.appendChild(table); wrap.appendChild(inner); out.appendChild(wrap);
    if (fixes.length) {
      var intro = el("p", "What removes hops (");
      var more = el("a", "Removing the hops");
      more.href = form.getAttribute("data-fixes");
      intro.appendChild(more);
      intro.appendChild(document.createTextNode(" explains each):"));
      out.appendChild(intro);
      var list = el("ul", null, "atlas-stack-fixes");
      fixes.forEach(function (f) { list.appendChild(el("li", f)); });
      out.appendChild(list);
    }
  }

  function init() {
    var form = document.querySelector(".atlas-stack-check");
    if (!form || form.getAttribute("data-ready") === "1") return;
    form.setAttribute("data-ready", "1");
    var out = document.querySelector(".atlas-stack-result");
    var url = new URL(form.getAttribute("data-src"), document.baseURI).href;
    fetch(url).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (data) {
      var select = form.querySelector('[data-stack="release"]');
      data.releases.forEach(function (r) { select.appendChild(new Option("Django " + r.version, r.version)); });
      // the reader's release ("My Django") where it was measured, else the newest
      var mine = document.documentElement.getAttribute("data-atlas-my-django");
      var start = data.releases.filter(function (r) { return r.version === mine; })[0] ||
        data.releases[data.releases.length - 1];
      select.value = start.version;
      var input = form.querySelector('[data-stack="input"]');
      if (!input.value.trim()) {
        input.value = "MIDDLEWARE = [\n" + start.default_stack.map(function (p) { return "    \"" + p + "\",\n"; }).join("") + "]\n";
      }
      form.hidden = false;
      form.addEventListener("submit", function (event) { event.preventDefault(); render(form, data, out); });
      select.addEventListener("change", function () { render(form, data, out); });
      form.querySelector('[data-stack="view"]').addEventListener("change", function () { render(form, data, out); });
      render(form, data, out);
    }).catch(function (error) {
      out.textContent = "The measurements could not be loaded (" + error.message + "): the tables on the middleware page hold the same figures.";
    });
  }

  atlasOnEveryPage(init);
})();
