/* The browser search's ranking without a browser: runs the site's own search worker in Node.

   search_bench.py --node uses it to score the browser ranking in seconds instead of a minute in
   Chromium; the Chromium run stays the reference (it also proves Material's box and result list).
   The worker is loaded unchanged: its Worker globals (self, addEventListener, postMessage,
   importScripts) are given here, then SETUP gets search_index.json's documents as Material sends
   them and each QUERY's RESULT is read back.

     node scripts/worker_ranking.js SITE < questions.json   # ["vraag", ...] → [[location, ...], ...]
*/
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const site = process.argv[2];
if (!site) {
  console.error("gebruik: node worker_ranking.js SITE < vragen.json");
  process.exit(2);
}
const asset = name => path.join(site, "assets", "wijkengids", name);

let onMessage = null;
let lastResult = null;
const sandbox = {
  URL,
  location: { href: "file://" + asset("zoekwerker.js") },
  addEventListener: (type, handler) => { onMessage = handler; },
  postMessage: message => { if (message.type === 3) lastResult = message.data; },
  importScripts: async () => { vm.runInContext(fs.readFileSync(asset("zoekdata.js"), "utf8"), sandbox); },
};
sandbox.self = sandbox;
vm.createContext(sandbox);
vm.runInContext(fs.readFileSync(asset("zoekwerker.js"), "utf8"), sandbox);

(async () => {
  const index = JSON.parse(fs.readFileSync(path.join(site, "search", "search_index.json"), "utf8"));
  const questions = JSON.parse(fs.readFileSync(0, "utf8"));
  await onMessage({ data: { type: 0, data: { docs: index.docs } } });
  const ranked = [];
  for (const question of questions) {
    lastResult = null;
    await onMessage({ data: { type: 2, data: String(question) } });
    if (!lastResult) throw new Error(`geen resultaat voor ${JSON.stringify(question)}`);
    // Material lists one result per page: its first document's location.
    ranked.push(lastResult.items.map(group => group[0].location));
  }
  process.stdout.write(JSON.stringify(ranked));
})().catch(err => { console.error(err); process.exit(1); });
