/* Part of the iframe-worker shim (MIT, see LICENSE), wijkengids patch: the worker API inside the
   iframe that shim.js creates, from a file instead of an inline script (Content-Security-Policy).
   Same code as upstream's inline script; `name` is the worker's URL, set by shim.js. The element
   removes itself: Material's worker finds its own URL as the first `script[src]` of the frame. */
window.postMessage = function (s, n) { parent.postMessage(s, n || "*") };
window.importScripts = function (...s) {
  return s.reduce((n, e) => n.then(() => new Promise(r => {
    let t = document.createElement("script"); t.src = e, t.onload = r, document.body.appendChild(t)
  })), Promise.resolve())
};
addEventListener("error", ({ error }) => { parent.dispatchEvent(new ErrorEvent("error", { filename: window.name, error })) });
document.currentScript.remove();
