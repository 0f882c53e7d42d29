/* Interventie-zoeker on /interventies/: filter the table of practices by thema, stap, plaats,
 * actor and bewijs, combined (an interventie must match every chosen filter).
 *
 * Progressive enhancement: the build writes the full table and, in #wg-zoeker-data, the facet
 * values of each row in the same order (explore.zoeker). Each option shows how many practices
 * it would leave given the other filters. The filters live in the address
 * (`?thema=burgerschap&stap=3`), so a selection can be shared; works from file://. Without
 * JavaScript the form stays hidden and the whole table shows.
 */
(function () {
  "use strict";
  var root = document.getElementById("wg-zoeker");
  var source = document.getElementById("wg-zoeker-data");
  if (!root || !source) return;
  var items = JSON.parse(source.textContent);
  var form = root.querySelector(".wg-zoeker__form");
  var count = root.querySelector(".wg-zoeker__count");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var keys = selects.map(function (s) { return s.name; });

  // The table is the first one after the form (Material may wrap it in a scroll container).
  var table = Array.prototype.slice.call(document.querySelectorAll("table")).filter(function (t) {
    return root.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING;
  })[0];
  var rows = table ? Array.prototype.slice.call(table.tBodies[0] ? table.tBodies[0].rows : []) : [];
  if (rows.length !== items.length) return; // table and data disagree: leave the full table alone

  var labels = selects.map(function (s) {
    return Array.prototype.map.call(s.options, function (o) { return o.textContent; });
  });

  function chosen() {
    var c = {};
    selects.forEach(function (s) { if (s.value) c[s.name] = s.value; });
    return c;
  }
  function matches(item, c, skip) {
    for (var k in c) {
      if (k !== skip && item[k].indexOf(c[k]) < 0) return false;
    }
    return true;
  }
  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (s) {
      var v = params.get(s.name);
      if (v && Array.prototype.some.call(s.options, function (o) { return o.value === v; })) s.value = v;
    });
  }
  function writeUrl(c) {
    var params = new URLSearchParams(window.location.search);
    keys.forEach(function (k) { if (c[k]) params.set(k, c[k]); else params.delete(k); });
    var query = params.toString();
    try {
      history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    } catch (err) { /* an old browser on file:// may refuse; the filter still works */ }
  }
  function update() {
    var c = chosen();
    var shown = 0;
    items.forEach(function (item, i) {
      var ok = matches(item, c, null);
      rows[i].hidden = !ok;
      if (ok) shown += 1;
    });
    selects.forEach(function (s, n) {
      Array.prototype.forEach.call(s.options, function (o, m) {
        if (!o.value) return;
        var k = 0;
        items.forEach(function (item) { if (item[s.name].indexOf(o.value) >= 0 && matches(item, c, s.name)) k += 1; });
        o.textContent = labels[n][m] + " (" + k + ")";
        o.disabled = k === 0 && s.value !== o.value;
      });
      s.classList.toggle("is-set", s.value !== "");
    });
    count.textContent = Object.keys(c).length
      ? shown + " van " + items.length + " interventies" + (shown ? "" : " — maak een filter ruimer")
      : "Alle " + items.length + " interventies";
    writeUrl(c);
  }
  form.addEventListener("change", update);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(update, 0); });
  readUrl();
  root.hidden = false;
  update();
})();
