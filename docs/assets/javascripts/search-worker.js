// The site's search worker: Material's search box sends it the index and the reader's queries, as it
// would its own lunr worker (setup: {type 0, data {config, docs}} -> {type 1}; query: {type 2, data
// text} -> {type 3, data {items, suggest}}). The index is built at build time by atlas/site/search_index.py:
// weighted terms per document (title, headings, tags, words, the reader words of
// docs/data/search_vocabulary.yml) in postings, so a query is a few look-ups, no index to build here.
//
// Ranking: BM25 over the weighted terms; each query word is a "concept" matched by its own term, a
// longer word it begins ("touch" -> "touchable"), or the site words the vocabulary gives it ("hang" ->
// deadlock; a site phrase such as "server-sent events" counts fully only with all its words); the site's
// stop words ("async", "django") are dropped unless nothing else is left or they make a vocabulary phrase
// ("what can"); a document matching fewer of the concepts loses score, less so when the rest of its page
// has them; the parts of a name ("post", "save" of post_save) add score but only the name counts as a
// concept; a release the query names ("what changed in 4.2") weighs its own page (versions/4.2/) more,
// and a query asking "since when" weighs every release's page more; one asking what a word means ("what is")
// weighs the glossary more. Results come per page, best first, as Material draws them: the best part of each page first,
// and of sections that tie only the first shown (the others fold under "N more on this page").
"use strict";

// The twin of atlas/site/search_index.py's tokens() and stem(): keep them the same.
const TOKEN = /\d+(?:\.\d+)+|[a-z0-9]+/g;
const NAME = /[a-z][a-z0-9]*(?:[._][a-z0-9]+)+|django(?:-[a-z0-9]+)+/g;
const WHOLE_NAME = /^(?:[a-z][a-z0-9]*(?:[._][a-z0-9]+)+|django(?:-[a-z0-9]+)+)$/;

// running, stopped -> run, stop (added -> add)
const unDouble = word => (word.length > 3 && /([bdgmnpt])\1$/.test(word) ? word.slice(0, -1) : word);

function stem(word) {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  if (word.endsWith("ies") && word.length > 4) word = word.slice(0, -3) + "y";
  else if (word.endsWith("sses")) word = word.slice(0, -2);
  else if (word.endsWith("s") && !/(ss|us|is)$/.test(word)) word = word.slice(0, -1);
  if (word.endsWith("ing") && word.length > 5) word = unDouble(word.slice(0, -3));
  else if (word.endsWith("ed") && word.length > 4) word = unDouble(word.slice(0, -2));
  if (word.endsWith("e") && word.length > 4) word = word.slice(0, -1);
  return word;
}

function words(text) {
  text = text.toLowerCase();
  const names = text.match(NAME) || [];
  const parts = names.filter(name => name.includes(".")).flatMap(name => name.split(".").filter(part => part.includes("_")));
  const tails = names.filter(name => name.split(".").length > 2).map(name => name.split(".").slice(-2).join("."));
  return [...(text.match(TOKEN) || []), ...names, ...parts, ...tails];
}

const K1 = 3, B = 0.3;
const PREFIX = 0.5;          // a longer word the query word begins
const PREFIX_FROM = 4;       // letters a word needs before it also finds longer words
const STOP = 0.1;            // a stop word counts this much, and not towards the coverage below
const SYNONYM = 0.7;         // a site word the vocabulary gives a reader's word
const PAGE_SHARE = 0.5;      // a concept only elsewhere on the document's page counts this much to its coverage
const COVERAGE = 1;          // score x (concepts matched / concepts) ** COVERAGE
const PER_PAGE = 6;          // parts of a page listed (the box folds all but the best under "N more")
const GROUPS = 20;           // pages listed
const RELEASE = 2;           // score x this on the page of a release the query names, or of every release
                             // when it asks which one ("since when", docs/data/search_vocabulary.yml)
const MEANING = 2;           // score x this on the glossary when the query asks what a word means ("what is")
const TIE = 1 - 1e-6;        // a section tying the one above it on its page scores this much of it

const GLOSSARY = "faq/glossary";
let index = null;

function setup(config, docs) {
  const atlas = config.atlas;
  const terms = Object.keys(atlas.postings).sort();
  const total = atlas.lengths.reduce((a, b) => a + b, 0);
  const synonyms = atlas.query.synonyms.map(entry => ({
    // a name ("post_save", "abulk_create") is one word, of the query or of the site, as words() keeps it whole
    words: entry.words.map(phrase => (WHOLE_NAME.test(phrase) ? [phrase] : words(phrase)).map(stem)),
    means: entry.means.map(phrase => (WHOLE_NAME.test(phrase) ? [phrase] : words(phrase)).map(stem)),
  }));
  index = {
    docs, terms, synonyms,
    postings: atlas.postings,
    lengths: atlas.lengths,
    average: total / atlas.lengths.length || 1,
    stop: new Set(atlas.query.stop_words.map(stem)),
    asksRelease: (atlas.query.asks_release || []).map(phrase => words(phrase).map(stem)),
    asksMeaning: (atlas.query.asks_meaning || []).map(phrase => words(phrase).map(stem)),
  };
}

// The terms of the index a query word stands for, each with a weight.
function expansions(word) {
  const found = new Map();
  if (index.postings[word]) found.set(word, 1);
  if (word.length >= PREFIX_FROM) {
    let low = 0, high = index.terms.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (index.terms[mid] < word) low = mid + 1; else high = mid;
    }
    for (let i = low; i < index.terms.length && index.terms[i].startsWith(word) && i < low + 60; i++)
      if (!found.has(index.terms[i])) found.set(index.terms[i], PREFIX);
  }
  return found;
}

function contains(sequence, phrase) {
  outer: for (let i = 0; i + phrase.length <= sequence.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (sequence[i + j] !== phrase[j]) continue outer;
    return [i, i + phrase.length];
  }
  return null;
}

// The query as concepts: one per word that is not a stop word, each a map of index terms to weights.
function concepts(query) {
  const raw = words(query);
  const stemmed = raw.map(stem);
  // the parts of a name the query holds ("post" and "save" of post_save) add to the score, but only the
  // whole name counts towards coverage
  const parts = new Set((query.toLowerCase().match(NAME) || []).flatMap(name => name.split(/[._-]/)).map(stem));
  const list = stemmed.map((word, i) => ({ word: raw[i], stem: word, stop: index.stop.has(word), terms: expansions(word),
                                           part: parts.has(word) && !WHOLE_NAME.test(raw[i]) }));
  const meanings = [];
  for (const entry of index.synonyms)
    for (const phrase of entry.words) {
      const span = contains(stemmed, phrase);
      if (!span) continue;
      let targets = list.slice(span[0], span[1]).filter(concept => !concept.stop);
      // a phrase of stop words only ("what can", "good for") still means something: its first word carries
      // the phrase's meaning, though not its own
      if (!targets.length && phrase.length > 1) {
        targets = [list[span[0]]];
        targets[0].stop = false;
        targets[0].lifted = true;
      }
      meanings.push([targets, entry.means]);
    }
  // the words of a question's form ("since when was … added", "what counts as") name no topic: as stop words
  for (const phrase of [...index.asksRelease, ...index.asksMeaning]) {
    const span = contains(stemmed, phrase);
    if (span) for (const concept of list.slice(span[0], span[1])) if (!concept.lifted) concept.stop = true;
  }
  if (list.every(concept => concept.stop)) for (const concept of list) concept.stop = false;   // "async" alone
  for (const concept of list)
    if (concept.stop || concept.lifted) for (const term of concept.terms.keys()) concept.terms.set(term, STOP);
  for (const concept of list) concept.phrases = [];
  for (const [targets, means] of meanings)
    for (const concept of targets) {
      if (concept.stop) continue;
      for (const phrase of means) {
        const known = phrase.filter(term => index.postings[term] && !index.stop.has(term));
        if (known.length > 1) concept.phrases.push(known);      // "long polling": both words, not either
        else if (known.length === 1 && !(concept.terms.get(known[0]) >= SYNONYM)) concept.terms.set(known[0], SYNONYM);
      }
    }
  return list.filter(concept => concept.terms.size || concept.phrases.length);
}

function search(query) {
  const list = concepts(query);
  const count = index.docs.length;
  const scores = new Map();       // doc -> [score per concept]
  const idfOf = term => {
    const df = index.postings[term].length / 2;
    return Math.log(1 + (count - df + 0.5) / (df + 0.5));
  };
  const bm25 = (weight, idf, tf, doc) =>
    weight * idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * index.lengths[doc] / index.average));
  list.forEach((concept, c) => {
    // a site phrase the vocabulary gives ("server-sent events"): the mean of its words' scores, so a
    // document needs all of them to count fully, and "server" alone counts a third
    for (const phrase of concept.phrases) {
      const sums = new Map();
      for (const term of phrase) {
        const postings = index.postings[term], idf = idfOf(term);
        for (let i = 0; i < postings.length; i += 2)
          sums.set(postings[i], (sums.get(postings[i]) || 0) + bm25(SYNONYM, idf, postings[i + 1], postings[i]) / phrase.length);
      }
      for (const [doc, value] of sums) {
        let row = scores.get(doc);
        if (!row) scores.set(doc, row = new Float64Array(list.length));
        if (value > row[c]) row[c] = value;
      }
    }
    const own = index.postings[concept.stem] ? idfOf(concept.stem) : Infinity;
    for (const [term, weight] of concept.terms) {
      const postings = index.postings[term];
      // a longer word the query word begins is rarer, not more relevant: it weighs as the word typed
      const idf = term.startsWith(concept.stem) && term !== concept.stem ? Math.min(idfOf(term), own) : idfOf(term);
      for (let i = 0; i < postings.length; i += 2) {
        const doc = postings[i];
        const value = bm25(weight, idf, postings[i + 1], doc);
        let row = scores.get(doc);
        if (!row) scores.set(doc, row = new Float64Array(list.length));
        if (value > row[c]) row[c] = value;
      }
    }
  });
  let counted = list.map(concept => !concept.stop && !concept.part);
  if (!counted.some(Boolean)) counted = list.map(concept => !concept.stop);    // a name the index lacks: its parts
  const needed = counted.filter(Boolean).length || 1;
  // a word the section lacks but another part of its page has counts in part: the reader lands on the page
  const onPage = new Map();
  for (const [doc, row] of scores) {
    const page = index.docs[doc].location.split("#")[0];
    const seen = onPage.get(page) || onPage.set(page, new Uint8Array(list.length)).get(page);
    row.forEach((value, c) => { if (value > 0) seen[c] = 1; });
  }
  // a release the query names ("what changed in 4.2") is what the reader asks about: its page weighs more;
  // so do all of them when the query asks which release brought something ("since when")
  const releases = new Set(list.filter(concept => /^\d+\.\d+$/.test(concept.stem)).map(concept => `versions/${concept.stem}`));
  const stemmed = words(query).map(stem);
  const asksRelease = index.asksRelease.some(phrase => contains(stemmed, phrase));
  const asksMeaning = index.asksMeaning.some(phrase => contains(stemmed, phrase));
  const ranked = [];
  for (const [doc, row] of scores) {
    const seen = onPage.get(index.docs[doc].location.split("#")[0]);
    let sum = 0, matched = 0;
    row.forEach((value, c) => {
      sum += value;
      if (counted[c]) matched += value > 0 ? 1 : seen[c] * PAGE_SHARE;
    });
    const page = index.docs[doc].location.split("/", 2).slice(0, 2).join("/");
    const release = releases.has(page) || (asksRelease && /^versions\/\d+\.\d+$/.test(page)) ? RELEASE : 1;
    const meaning = asksMeaning && page === GLOSSARY ? MEANING : 1;
    ranked.push([doc, sum * (matched / needed) ** COVERAGE * (index.docs[doc].rank || 1) * release * meaning]);
  }
  ranked.sort((a, b) => b[1] - a[1]);
  return { items: groups(ranked, list), suggest: [] };
}

function escape(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function highlighter(list) {
  const stems = list.map(concept => stem(concept.word)).filter(word => word.length > 1)
    .map(word => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (!stems.length) return escape;
  const pattern = new RegExp(`\\b(${stems.join("|")})([a-z0-9]*)`, "gi");
  return text => escape(text).replace(pattern, "<mark>$1$2</mark>");
}

// Material's result items: per page, its documents best first, the page's own entry among them. The box
// draws the page's entry as the heading of the group, with its text only when it is the best match; below
// a better section it carries score 0, as when only its sections matched.
function groups(ranked, list) {
  const mark = highlighter(list);
  const terms = Object.fromEntries(list.map(concept => [concept.word, true]));
  const pages = new Map();
  for (const [number, score] of ranked) {
    const doc = index.docs[number];
    const page = doc.location.split("#")[0];
    if (!pages.has(page)) {
      if (pages.size >= GROUPS) continue;
      pages.set(page, []);
    }
    const items = pages.get(page);
    // sections of one page that tie (the API index's file.SessionStore.acreate, .adelete, …: the query
    // matched only what they share) are not told apart by it: the box shows the first and folds the rest
    // under "N more on this page", as it folds any lower one, instead of filling the list with them
    const previous = items.length ? items[items.length - 1].score : Infinity;
    if (items.length < PER_PAGE) items.push(item(doc, Math.min(score, previous * TIE), mark, terms));
  }
  const byLocation = new Map(index.docs.map(doc => [doc.location, doc]));
  return [...pages].map(([page, items]) => {
    const own = items.findIndex(entry => entry.location === page);
    if (own > 0) items[own].score = 0;      // drawn as the heading over a better section, not as a result
    else if (own === -1 && byLocation.has(page)) items.push(item(byLocation.get(page), 0, mark, {}));
    return items;
  });
}

function item(doc, score, mark, terms) {
  const since = doc.since && doc.since !== "3.0" ? `<b>Since Django ${escape(doc.since)}</b> · ` : "";
  return { location: doc.location, title: mark(doc.title), text: since + mark(doc.text), score, terms };
}

addEventListener("message", event => {
  const message = event.data;
  if (message.type === 0) {
    setup(message.data.config, message.data.docs);
    postMessage({ type: 1 });
  } else if (message.type === 2) {
    postMessage({ type: 3, data: index ? search(message.data) : { items: [] } });
  }
});
