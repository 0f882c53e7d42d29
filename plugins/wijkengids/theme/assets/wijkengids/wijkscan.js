/* Wijkscan (step 1): tick the signals you see in the wijk, get a route through the guide.
 *
 * Data: #wg-wijkscan-data, inlined by the build (explore.wijkscan). The route holds every page
 * that names a ticked signal, plus the bestanddelen behind them, grouped by step (2 → 5, pages of
 * step 1 only first) and within a step by the number of ticked signals it matches, then by
 * PageRank. Links come from the lists per signal below the form (`[data-wg-item]`), which are
 * also what shows without JavaScript. The ticked signals live in the address
 * (`?signalen=overlast,werkloosheid`), so a route can be bookmarked and shared; `#overlast` (the
 * kaart links a signal like that) ticks one signal. Works from file://.
 */
(function () {
  "use strict";
  var root = document.getElementById("wg-wijkscan");
  var source = document.getElementById("wg-wijkscan-data");
  if (!root || !source) return;
  var data = JSON.parse(source.textContent);
  var form = root.querySelector(".wg-scan__form");
  var out = root.querySelector(".wg-scan__route");
  var VISIBLE = 6;
  var PARAM = "signalen";

  var hrefs = [];
  document.querySelectorAll("[data-wg-item]").forEach(function (el) {
    var a = el.querySelector("a");
    var i = Number(el.getAttribute("data-wg-item"));
    if (a && !hrefs[i]) hrefs[i] = a.getAttribute("href");
  });
  var ids = data.signalen.map(function (s) { return s[0]; });
  var stapVraag = {};
  data.stappen.forEach(function (s) { stapVraag[s[0]] = s[1]; });

  // Without JavaScript the lists per signal are the page; with it the route replaces them.
  var marker = document.querySelector(".wg-scan-fallback");
  var fallback = [];
  for (var sib = marker && marker.nextElementSibling; sib; sib = sib.nextElementSibling) fallback.push(sib);
  fallback.forEach(function (e) { e.hidden = true; });

  // Counts next to each signal: how many pages name it.
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=signaal]"));
  boxes.forEach(function (box) {
    var s = ids.indexOf(box.value);
    var n = data.items.filter(function (it) { return it.d.indexOf(s) >= 0; }).length;
    var count = document.createElement("span");
    count.className = "wg-count";
    count.textContent = " " + n;
    count.title = n + (n === 1 ? " pagina noemt dit signaal" : " pagina's noemen dit signaal");
    box.parentNode.querySelector("strong").appendChild(count);
  });

  function ticked() {
    return boxes.filter(function (b) { return b.checked; }).map(function (b) { return ids.indexOf(b.value); });
  }

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    var wanted = (params.get(PARAM) || "").split(",").filter(Boolean);
    var hash = decodeURIComponent(window.location.hash.slice(1));
    data.signalen.forEach(function (s) { if (hash && s[2] === hash) wanted.push(s[0]); });
    boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
  }

  function writeUrl(chosen) {
    var params = new URLSearchParams(window.location.search);
    if (chosen.length) params.set(PARAM, chosen.map(function (s) { return ids[s]; }).join(","));
    else params.delete(PARAM);
    var query = params.toString().replace(/%2C/g, ",");
    try {
      history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    } catch (err) { /* an old browser on file:// may refuse; the route still shows */ }
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function groupTitle(g) {
    if (g === 1) return "Stap 1 — Herken de signalen";
    if (g >= 2 && g <= 5) return "Stap " + g + " — " + stapVraag[g];
    return "Zonder stap";
  }

  function render() {
    var chosen = ticked();
    writeUrl(chosen);
    out.textContent = "";
    if (!chosen.length) {
      out.appendChild(el("p", "wg-scan__empty", "Vink hierboven een of meer signalen aan; je route verschijnt hier."));
      return;
    }
    var route = [];
    data.items.forEach(function (it, i) {
      var direct = it.d.filter(function (s) { return chosen.indexOf(s) >= 0; });
      var via = it.v.filter(function (s) { return chosen.indexOf(s) >= 0 && direct.indexOf(s) < 0; });
      if (direct.length || via.length) route.push({ i: i, it: it, direct: direct, via: via, score: 2 * direct.length + via.length });
    });
    route.sort(function (a, b) {
      return a.it.g - b.it.g || b.score - a.score || b.it.r - a.it.r || a.it.l.localeCompare(b.it.l, "nl");
    });
    var names = chosen.map(function (s) { return data.signalen[s][1]; });
    var head = el("h2", "wg-scan__title", "Jouw route");
    head.id = "jouw-route";
    out.appendChild(head);
    out.appendChild(el("p", "wg-scan__summary", route.length + (route.length === 1 ? " pagina" : " pagina's") +
      " bij " + names.join(", ").replace(/, ([^,]*)$/, " en $1") + ", van stap 2 naar stap 5."));
    var groups = [];
    route.forEach(function (r) {
      var last = groups[groups.length - 1];
      if (!last || last.g !== r.it.g) groups.push(last = { g: r.it.g, rows: [] });
      last.rows.push(r);
    });
    groups.forEach(function (group) {
      var section = el("section", "wg-scan__step");
      var title = el("h3", null, groupTitle(group.g) + " ");
      title.appendChild(el("span", "wg-count", "(" + group.rows.length + ")"));
      section.appendChild(title);
      var list = el("ol", "wg-scan__list");
      group.rows.forEach(function (r, n) {
        var li = el("li", "wg-scan__item");
        if (n >= VISIBLE) li.hidden = true;
        li.appendChild(el("span", "wg-scan__kind wg-scan__kind--" + r.it.k, data.kinds[r.it.k] || r.it.k));
        var a = el("a", "wg-scan__link", r.it.l);
        a.href = hrefs[r.i] || "#";
        li.appendChild(a);
        if (r.it.s) li.appendChild(el("span", "wg-scan__samenvatting", r.it.s));
        var why = [];
        if (r.direct.length) why.push("bij " + r.direct.map(function (s) { return data.signalen[s][1].toLowerCase(); }).join(", "));
        if (r.via.length) why.push("bestanddeel achter " + r.via.map(function (s) { return data.signalen[s][1].toLowerCase(); }).join(", "));
        li.appendChild(el("span", "wg-scan__why", why.join(" · ")));
        list.appendChild(li);
      });
      section.appendChild(list);
      if (group.rows.length > VISIBLE) {
        var more = el("button", "wg-scan__more", "Toon nog " + (group.rows.length - VISIBLE));
        more.type = "button";
        more.addEventListener("click", function () {
          list.querySelectorAll("li[hidden]").forEach(function (li) { li.hidden = false; });
          more.remove();
        });
        section.appendChild(more);
      }
      out.appendChild(section);
    });
  }

  form.addEventListener("change", render);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(render, 0); });
  readUrl();
  root.hidden = false;
  render();
})();
