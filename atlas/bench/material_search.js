// Run queries through the search worker the built site ships (the one its pages name), as the browser does, under Node.
//
//     node atlas/bench/material_search.js SITE_DIR < queries.json > results.json
//
// SITE_DIR is a built site: the worker is the file its home page's Material configuration names (the
// file the browser runs) and the index its search/search_index.json. The worker is set up with the
// message the theme's page script sends (config, docs, options.suggest), then answers one query per
// message. Each answer is turned into the links the result list shows, best first, with the same rule
// as the theme's renderSearchResultItem (Material 9.8, templates/search/index.tsx): per page, the page's
// own link, then its sections scoring as high as the page's best match; the other sections are folded
// under "N more on this page" and not counted. A link whose score shows as 0.00 is the page heading over
// its matching sections, not a result (atlas/bench/site_browser.read_results reads the box the same way).
//
// stdin: a JSON list of query strings. stdout: {"setup_ms": n, "results": [{"query", "ms", "links":
// [{"location", "title", "score"}]}]}; ms is the worker's time for the query, in this process.
"use strict";

const fs = require("fs");
const path = require("path");
const vm = require("vm");
const { performance } = require("perf_hooks");

function workerFile(site) {
  // the worker the search box runs: the "search" address of the page's Material configuration
  const page = fs.readFileSync(path.join(site, "index.html"), "utf-8");
  const config = page.match(/<script id="__config" type="application\/json">([\s\S]*?)<\/script>/);
  if (!config) throw new Error(`no Material configuration (#__config) in ${site}/index.html`);
  const url = JSON.parse(config[1]).search;
  const file = path.join(site, url.replace(/^(\.\/)+/, ""));
  if (!fs.existsSync(file)) throw new Error(`the search worker ${url} named by ${site}/index.html is missing`);
  return file;
}

// A web worker's global scope, enough for Material's worker: it listens for "message" and answers with
// postMessage; importScripts is only called for languages other than English.
function workerScope() {
  const scope = { listeners: [], posted: [] };
  const sandbox = {
    console, URL, setTimeout, clearTimeout, Promise,
    addEventListener: (type, listener) => { if (type === "message") scope.listeners.push(listener); },
    postMessage: message => scope.posted.push(message),
    importScripts: (...urls) => { throw new Error(`importScripts(${urls}) is not supported here`); },
  };
  sandbox.self = sandbox;
  scope.context = vm.createContext(sandbox);
  return scope;
}

async function send(scope, message) {
  scope.posted.length = 0;
  for (const listener of scope.listeners) await listener({ data: message });
  // the worker's listener is async: let its await settle
  for (let i = 0; i < 10 && !scope.posted.length; i++) await new Promise(resolve => setImmediate(resolve));
  if (scope.posted.length !== 1) throw new Error(`the worker answered ${scope.posted.length} messages`);
  return scope.posted[0];
}

// The links one result item (a page and its matching sections) shows, as renderSearchResultItem draws them.
function shownLinks(item) {
  const threshold = item[0].score;
  const docs = [...item];
  const parent = docs.findIndex(doc => !doc.location.includes("#"));
  const [article] = docs.splice(parent, 1);
  let index = docs.findIndex(doc => doc.score < threshold);
  if (index === -1) index = docs.length;
  return [article, ...docs.slice(0, index)]
    .filter(doc => Number(doc.score.toFixed(2)) > 0)
    .map(doc => ({ location: doc.location, title: doc.title.replace(/<[^>]*>/g, ""), score: doc.score }));
}

async function main() {
  const site = process.argv[2];
  const queries = JSON.parse(fs.readFileSync(0, "utf-8"));
  const index = JSON.parse(fs.readFileSync(path.join(site, "search", "search_index.json"), "utf-8"));
  const scope = workerScope();
  vm.runInContext(fs.readFileSync(workerFile(site), "utf-8"), scope.context);
  const started = performance.now();
  const ready = await send(scope, { type: 0, data: { config: index.config, docs: index.docs, options: { suggest: true } } });
  const setupMs = performance.now() - started;
  if (ready.type !== 1) throw new Error(`the worker did not get ready: ${JSON.stringify(ready)}`);
  const results = [];
  for (const query of queries) {
    const begin = performance.now();
    const answer = await send(scope, { type: 2, data: query });
    const ms = performance.now() - begin;
    results.push({ query, ms, links: answer.data.items.flatMap(shownLinks) });
  }
  process.stdout.write(JSON.stringify({ setup_ms: setupMs, results }));
}

main().catch(error => { console.error(error.stack || String(error)); process.exit(1); });
