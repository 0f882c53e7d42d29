/* Wijkengids search worker: Material's search box and result list, the wijkengids's ranking.

   It speaks the protocol of Material's own worker (SETUP → READY, QUERY → RESULT; Material lets a
   site bring its own worker for exactly this) and ranks with the model that browser_search.py
   writes to zoekdata.js: the analyzer of `wijkengids zoek` ran at build time, so this file only
   folds and splits the question and looks its words up; BM25F over the same fields and weights;
   the synonym groups of data/synoniemen.yml widen the question. Why not lunr: see the docstring of
   browser_search.py. Runs in a Worker and in the iframe-worker shim (file://), where importScripts
   is asynchronous; awaiting it works in both. */
"use strict";
(() => {
  const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  const PREFIX_LIMIT = 40; // corpus words an unknown query word may stand for (while typing)

  let model = null; // zoekdata.js
  let pages = new Map(); // location → Material's search document (title, text)
  let vocabulary = []; // every analyzable corpus word, sorted, for prefix lookups
  let avgLength = [];
  const postingsOf = new Map(); // term → decoded postings, on first use
  const stopwords = new Set();

  function scriptBase() {
    // In the shim the frame's URL is the page's; the worker's own script is its first script[src].
    const own = self.document && self.document.querySelector("script[src]");
    return own ? own.src : self.location.href;
  }

  async function setup(docs) {
    await importScripts(new URL("zoekdata.js", scriptBase()).href);
    model = self.wijkengidsZoekdata;
    pages = new Map(docs.filter(d => !d.location.includes("#")).map(d => [d.location, d]));
    model.stopwords.forEach(w => stopwords.add(w));
    vocabulary = [...new Set([...Object.keys(model.terms), ...Object.keys(model.forms)])].sort();
    avgLength = model.fields.map((_, f) =>
      model.lengths.reduce((sum, l) => sum + l[f], 0) / Math.max(1, model.lengths.length));
  }

  // The model stores pairs [doc - previous doc, count << 3 | field] (see browser_search.model).
  function postings(term) {
    let decoded = postingsOf.get(term);
    if (decoded) return decoded;
    const pairs = model.terms[term] || model.phrases[term] || []; // "papier dossier": a phrase
    const docs = [], fields = [], counts = [], docFreq = model.fields.map(() => 0);
    for (let i = 0, doc = 0; i < pairs.length; i += 2) {
      doc += pairs[i];
      docs.push(doc); fields.push(pairs[i + 1] & 7); counts.push(pairs[i + 1] >> 3);
      docFreq[pairs[i + 1] & 7]++;
    }
    decoded = { docs, fields, counts, docFreq };
    postingsOf.set(term, decoded);
    return decoded;
  }

  // The same folding as Python's search._fold: lowercase, accents off (één = een).
  const fold = text => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  const words = text => (fold(text).match(/[\p{L}\p{N}_]+/gu) || [])
    .filter(w => w.length >= 2 && !stopwords.has(w));

  // A word's analysis: [stem, ...compound part stems]; an unknown word stands for the corpus
  // words it is the beginning of ("bewonersp" while typing), as Material's wildcard did.
  function analyze(word) {
    if (model.forms[word]) return { terms: model.forms[word], alternatives: null };
    if (model.terms[word]) return { terms: [word], alternatives: null };
    const alternatives = new Set();
    let lo = 0, hi = vocabulary.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (vocabulary[mid] < word) lo = mid + 1; else hi = mid; }
    for (let i = lo; i < vocabulary.length && vocabulary[i].startsWith(word) && alternatives.size < PREFIX_LIMIT; i++)
      alternatives.add((model.forms[vocabulary[i]] || [vocabulary[i]])[0]);
    return { terms: [], alternatives: [...alternatives] };
  }

  // BM25F of one term: per page, the weighted sum over the fields (as Whoosh's BM25F).
  function termScores(term) {
    const scores = new Map();
    const { docs, fields, counts, docFreq } = postings(term);
    const n = model.docs.length;
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i], f = fields[i], tf = counts[i];
      const idf = Math.log(n / (docFreq[f] + 1)) + 1;
      const norm = (1 - model.b) + model.b * model.lengths[doc][f] / (avgLength[f] || 1);
      const s = model.weights[f] * idf * (tf * (model.k1 + 1)) / (tf + model.k1 * norm);
      scores.set(doc, (scores.get(doc) || 0) + s);
    }
    return scores;
  }

  function add(total, scores, boost) {
    for (const [doc, s] of scores) total.set(doc, (total.get(doc) || 0) + boost * s);
    return total;
  }

  // All terms present (a compound's parts, a synonym of several words): their summed scores.
  function allOf(terms) {
    const each = terms.map(termScores);
    const result = new Map();
    if (!each.length) return result;
    for (const [doc] of each[0])
      if (each.every(m => m.has(doc))) result.set(doc, each.reduce((sum, m) => sum + m.get(doc), 0));
    return result;
  }

  // A synonym term: one word, or several standing together (counted per page by the model).
  const termOrPhrase = term => termScores(term.join(" "));

  function contains(sequence, phrase) {
    if (!phrase.length) return false;
    for (let i = 0; i + phrase.length <= sequence.length; i++)
      if (phrase.every((t, j) => sequence[i + j] === t)) return true;
    return false;
  }

  function rank(query) {
    const typed = words(query);
    const total = new Map();
    const matchedTerms = new Set();
    const found = {}; // query word → matched anywhere (Material lists the missing ones)
    const stems = []; // per typed word, the term a synonym group is matched on
    for (const word of typed) {
      const { terms, alternatives } = analyze(word);
      let scores;
      if (alternatives) {
        scores = new Map();
        for (const alt of alternatives)
          for (const [doc, s] of termScores(alt)) if (s > (scores.get(doc) || 0)) scores.set(doc, s);
        alternatives.forEach(t => matchedTerms.add(t));
        stems.push(word); // a synonym the corpus lacks ("1G1P1R") still opens its group
      } else {
        scores = termScores(terms[0]);
        if (/^\d+$/.test(terms[0])) scores = add(new Map(), scores, model.numberBoost); // a fact asked for
        if (terms.length > 1) add(scores, allOf(terms.slice(1)), model.compoundBoost);
        terms.forEach(t => matchedTerms.add(t));
        stems.push(terms[0]);
      }
      add(total, scores, 1);
      found[word] = scores.size > 0;
    }
    for (const group of model.synonyms) {
      const typedTerms = group.filter(term => contains(stems, term));
      if (!typedTerms.length) continue;
      let widened = false;
      for (const term of group) {
        if (typedTerms.includes(term)) {
          if (term.length > 1) add(total, termOrPhrase(term), 1); // a phrase the reader typed: extra precision
          continue;
        }
        const scores = termOrPhrase(term);
        add(total, scores, model.synonymBoost);
        term.forEach(t => matchedTerms.add(t));
        widened ||= scores.size > 0;
      }
      // A word found through its synonyms is not "missing" in Material's result list.
      if (widened) typed.forEach((word, i) => typedTerms.some(t => t.includes(stems[i])) && (found[word] = true));
    }
    const ranked = [...total].map(([doc, s]) => [doc, s * model.boosts[doc]]).sort((a, b) => b[1] - a[1]);
    return { ranked, matchedTerms, found }; // all of them: Material renders ten, more on scroll
  }

  // --- Result documents for Material's list ---------------------------------------------------

  // Marks the words whose analysis matched, in text outside tags only (Material's text is HTML).
  function highlight(markup, matchedTerms) {
    return markup.split(/(<[^>]*>)/).map((part, i) => i % 2 ? part : part.replace(/[\p{L}\p{N}_]+/gu, w => {
      const f = fold(w);
      const [word, ...parts] = model.forms[f] || [f];
      // A compound is marked for its own stem or for all its parts ("laagland" is no "laag inkomen").
      const hit = matchedTerms.has(word) || (parts.length > 0 && parts.every(t => matchedTerms.has(t)));
      return hit ? `<mark data-md-highlight>${w}</mark>` : w;
    })).join("");
  }

  function search(query) {
    if (!model || !query.trim()) return { items: [] };
    const { ranked, matchedTerms, found } = rank(query);
    const items = [];
    for (const [doc, score] of ranked) {
      const location = model.docs[doc];
      const page = pages.get(location);
      if (!page) continue;
      // Material's index as the plugin cut it down: a title and a short, escaped teaser.
      const text = page.text || "";
      items.push([{
        location,
        title: highlight(page.title, matchedTerms),
        text: highlight(text, matchedTerms),
        score,
        terms: found,
        ...(page.tags ? { tags: page.tags } : {}),
      }]);
    }
    return { items, suggest: [] };
  }

  addEventListener("message", async ev => {
    const message = ev.data;
    if (message.type === SETUP) {
      await setup(message.data.docs);
      postMessage({ type: READY });
    } else if (message.type === QUERY) {
      let data;
      try {
        data = search(message.data);
      } catch (err) {
        console.warn("wijkengids zoeken:", err);
        data = { items: [] };
      }
      postMessage({ type: RESULT, data });
    }
  });
})();
