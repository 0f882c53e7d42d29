/* Kaart van de kennis: draws the graph inlined in the page (#wg-kaart-data) as SVG.
 *
 * The layout comes from the build (networkx), so this only draws: filters by type, thema and
 * stap, search, zoom and pan (wheel, drag, pinch, buttons), hover or tap to highlight a node's
 * neighbours, click to open its page. Each node's link is read from the list under the map (the
 * text alternative, `[data-wg-node]`), where MkDocs resolved it; without JavaScript only that list
 * shows. No network, no libraries: works from file://. Labels are editor text: set as textContent.
 */
(function () {
  "use strict";
  var root = document.getElementById("wg-kaart");
  var source = document.getElementById("wg-kaart-data");
  if (!root || !source) return;
  var data = JSON.parse(source.textContent);
  var NS = "http://www.w3.org/2000/svg";
  var svg = root.querySelector(".wg-kaart__svg");
  var form = root.querySelector(".wg-kaart__filters");
  var info = root.querySelector(".wg-kaart__info");
  var nodes = data.nodes;
  var size = data.size;
  var MIN_W = size / 25;
  var MAX_W = size * 1.2;
  var typeLabel = {};
  data.types.forEach(function (t) { typeLabel[t[0]] = t[1]; });
  var ONE = { les: "les", bestanddeel: "werkzaam bestanddeel", interventie: "interventie", thema: "thema", stap: "stap",
    signaal: "signaal", plaats: "plaats" };
  var KIND = { les: "Les", bestanddeel: "Werkzaam bestanddeel", interventie: "Interventie", thema: "Thema",
    stap: "Stap", signaal: "Signaal", plaats: "Plaats" };

  var hrefs = [];
  document.querySelectorAll("[data-wg-node]").forEach(function (el) {
    var a = el.querySelector("a");
    if (a) hrefs[Number(el.getAttribute("data-wg-node"))] = a.getAttribute("href");
  });
  var adj = nodes.map(function () { return []; });
  var incident = nodes.map(function () { return []; });
  data.edges.forEach(function (e, k) {
    adj[e[0]].push(e[1]); adj[e[1]].push(e[0]);
    incident[e[0]].push(k); incident[e[1]].push(k);
  });

  function make(tag, attrs, parent) {
    var el = document.createElementNS(NS, tag);
    for (var k in attrs) el.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(el);
    return el;
  }
  var gEdges = make("g", { "class": "wg-kaart__edges" }, svg);
  var gNodes = make("g", { "class": "wg-kaart__nodes" }, svg);
  var gLabels = make("g", { "class": "wg-kaart__labels" }, svg);
  var edgeEls = data.edges.map(function (e) {
    var a = nodes[e[0]], b = nodes[e[1]];
    return make("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y }, gEdges);
  });
  // Screen size in pixels: thema's and stappen stand out, other nodes grow with their degree.
  var px = nodes.map(function (d) {
    if (d.t === "stap") return 9;
    if (d.t === "thema") return 8;
    return Math.min(8, 2.5 + 0.7 * Math.sqrt(d.d));
  });
  var nodeEls = nodes.map(function (d, i) {
    var el = d.t === "stap" ? make("rect", {}, gNodes) : make("circle", { cx: d.x, cy: d.y }, gNodes);
    el.setAttribute("class", "wg-kaart__node wg-kaart__node--" + d.t);
    el.setAttribute("data-i", i);
    var title = make("title", {}, el);
    title.textContent = (KIND[d.t] || d.t) + ": " + d.l;
    return el;
  });
  var labelEls = [];
  function label(i, cls) {
    var t = make("text", { "class": "wg-kaart__label " + (cls || ""), x: nodes[i].x, y: nodes[i].y }, gLabels);
    t.textContent = nodes[i].t === "stap" ? String(nodes[i].st[0]) : shorten(nodes[i].l, 34);
    t.setAttribute("data-i", i);
    labelEls.push(t);
    return t;
  }
  function shorten(text, n) { return text.length > n ? text.slice(0, n - 1) + "…" : text; }
  var fixedLabels = [];
  nodes.forEach(function (d, i) {
    if (d.t === "thema" || d.t === "stap") fixedLabels.push(label(i, "wg-kaart__label--fixed wg-kaart__label--" + d.t));
  });

  // ---- view: the viewBox, zoom and pan ---------------------------------------------------------
  var view = { x: 0, y: 0, w: size, h: size };
  function unitsPerPx() {
    var box = svg.getBoundingClientRect();
    return Math.max(view.w / (box.width || 1), view.h / (box.height || 1));
  }
  function apply() {
    svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].map(function (v) { return v.toFixed(1); }).join(" "));
    // On a phone the whole map is a few hundred pixels wide: smaller dots overlap less.
    var small = svg.getBoundingClientRect().width < 600 ? 0.7 : 1;
    var u = unitsPerPx();
    nodeEls.forEach(function (el, i) {
      var r = px[i] * u * (nodes[i].t === "stap" ? 1 : small), d = nodes[i];
      if (d.t === "stap") {
        el.setAttribute("x", d.x - r); el.setAttribute("y", d.y - r);
        el.setAttribute("width", 2 * r); el.setAttribute("height", 2 * r);
      } else {
        el.setAttribute("r", r);
      }
    });
    labelEls.forEach(function (t) {
      var i = Number(t.getAttribute("data-i"));
      var inside = nodes[i].t === "stap"; // the step number sits in its square
      t.setAttribute("font-size", ((inside ? 11 : 12 * (small < 1 ? 0.9 : 1)) * u).toFixed(2));
      t.setAttribute("dx", inside ? 0 : ((px[i] * small + 3) * u).toFixed(2));
      t.setAttribute("dy", (4 * u).toFixed(2));
    });
  }
  function toSvg(clientX, clientY) {
    var m = svg.getScreenCTM();
    if (!m) return { x: view.x + view.w / 2, y: view.y + view.h / 2 };
    var p = svg.createSVGPoint();
    p.x = clientX; p.y = clientY;
    var q = p.matrixTransform(m.inverse());
    return { x: q.x, y: q.y };
  }
  function zoomAt(factor, cx, cy) {
    var w = Math.min(MAX_W * aspect(), Math.max(MIN_W, view.w / factor));
    var f = view.w / w;
    view.x = cx - (cx - view.x) / f;
    view.y = cy - (cy - view.y) / f;
    view.w = w; view.h = view.h / f;
    apply();
  }
  function aspect() {
    var box = svg.getBoundingClientRect();
    return box.width && box.height ? box.width / box.height : 1;
  }
  // Show a box of the map (x0..x1, y0..y1) as large as the element allows, at its aspect ratio.
  function show(x0, y0, x1, y1) {
    var a = aspect();
    var w = Math.max(x1 - x0, (y1 - y0) * a, MIN_W);
    var h = w / a;
    view = { x: (x0 + x1) / 2 - w / 2, y: (y0 + y1) / 2 - h / 2, w: w, h: h };
    apply();
  }
  function fit(indexes) {
    if (!indexes.length) { show(0, 0, size, size); return; }
    var xs = indexes.map(function (i) { return nodes[i].x; }), ys = indexes.map(function (i) { return nodes[i].y; });
    var pad = 30;
    show(Math.min.apply(null, xs) - pad, Math.min.apply(null, ys) - pad, Math.max.apply(null, xs) + pad, Math.max.apply(null, ys) + pad);
  }
  root.querySelectorAll("[data-zoom]").forEach(function (b) {
    b.addEventListener("click", function () {
      var how = b.getAttribute("data-zoom"), c = { x: view.x + view.w / 2, y: view.y + view.h / 2 };
      if (how === "in") zoomAt(1.6, c.x, c.y);
      else if (how === "out") zoomAt(1 / 1.6, c.x, c.y);
      else fit(visibleIndexes());
    });
  });
  svg.addEventListener("wheel", function (e) {
    e.preventDefault();
    var p = toSvg(e.clientX, e.clientY);
    zoomAt(Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)), p.x, p.y);
  }, { passive: false });

  var pointers = {};
  var drag = null;
  var pinch = null;
  svg.addEventListener("pointerdown", function (e) {
    pointers[e.pointerId] = { x: e.clientX, y: e.clientY };
    var ids = Object.keys(pointers);
    if (ids.length === 2) {
      var a = pointers[ids[0]], b = pointers[ids[1]];
      pinch = { dist: Math.hypot(a.x - b.x, a.y - b.y), w: view.w };
      drag = null;
    } else {
      drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false, node: nodeAt(e.target) };
    }
    try { svg.setPointerCapture(e.pointerId); } catch (err) { /* not capturable */ }
  });
  svg.addEventListener("pointermove", function (e) {
    if (pointers[e.pointerId]) pointers[e.pointerId] = { x: e.clientX, y: e.clientY };
    var ids = Object.keys(pointers);
    if (pinch && ids.length === 2) {
      var a = pointers[ids[0]], b = pointers[ids[1]];
      var d = Math.hypot(a.x - b.x, a.y - b.y);
      var mid = toSvg((a.x + b.x) / 2, (a.y + b.y) / 2);
      zoomAt(view.w / (pinch.w * pinch.dist / Math.max(d, 1)), mid.x, mid.y);
      return;
    }
    if (drag) {
      var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) > 5) drag.moved = true;
      if (drag.moved) {
        var u = unitsPerPx();
        view.x = drag.vx - dx * u; view.y = drag.vy - dy * u;
        apply();
      }
      return;
    }
    if (e.pointerType === "mouse") {
      var i = nodeAt(e.target);
      if (i !== hovered) { hovered = i; focus(i === null ? selected : i); }
    }
  });
  function release(e) {
    delete pointers[e.pointerId];
    if (Object.keys(pointers).length < 2) pinch = null;
    if (e.type === "pointercancel") { drag = null; return; }
    if (drag && !drag.moved) tap(drag.node, e.pointerType);
    drag = null;
  }
  svg.addEventListener("pointerup", release);
  svg.addEventListener("pointercancel", release);
  svg.addEventListener("pointerleave", function (e) {
    if (e.pointerType === "mouse" && !drag) { hovered = null; focus(selected); }
  });

  function nodeAt(target) {
    var el = target && target.closest ? target.closest("[data-i]") : null;
    return el && el.classList.contains("wg-kaart__node") ? Number(el.getAttribute("data-i")) : null;
  }

  // ---- selection and highlight -----------------------------------------------------------------
  var hovered = null;
  var selected = null;
  var tapped = false; // selected by a tap (a second tap opens), not by the search
  var near = [];
  var hoverLabels = [];
  function open(i) {
    if (hrefs[i]) window.location.href = hrefs[i];
  }
  function tap(i, pointerType) {
    if (i === null) { selected = null; focus(null); return; }
    // A mouse opens at once (hover already showed the neighbours); a finger first selects.
    if (pointerType === "mouse" || (selected === i && tapped)) { open(i); return; }
    selected = i;
    tapped = true;
    focus(i);
  }
  function focus(i) {
    near.forEach(function (el) { el.classList.remove("is-near", "is-focus"); });
    hoverLabels.forEach(function (t) { t.remove(); labelEls.splice(labelEls.indexOf(t), 1); });
    near = []; hoverLabels = [];
    svg.classList.toggle("is-focusing", i !== null);
    if (i === null) { describe(null); return; }
    nodeEls[i].classList.add("is-focus");
    near.push(nodeEls[i]);
    var shown = adj[i].filter(function (j) { return visible[j]; });
    shown.forEach(function (j) { nodeEls[j].classList.add("is-near"); near.push(nodeEls[j]); });
    incident[i].forEach(function (k) {
      var e = data.edges[k];
      if (visible[e[0]] && visible[e[1]]) { edgeEls[k].classList.add("is-near"); near.push(edgeEls[k]); }
    });
    if (nodes[i].t !== "thema" && nodes[i].t !== "stap") hoverLabels.push(label(i, "wg-kaart__label--focus"));
    if (shown.length <= 12) {
      shown.forEach(function (j) {
        if (nodes[j].t !== "thema" && nodes[j].t !== "stap") hoverLabels.push(label(j, "wg-kaart__label--near"));
      });
    }
    apply();
    describe(i);
  }
  var hint = info.textContent;
  function describe(i) {
    info.textContent = "";
    if (i === null) {
      info.textContent = matches ? matches : hint;
      return;
    }
    var d = nodes[i];
    var kind = document.createElement("strong");
    kind.textContent = (KIND[d.t] || d.t) + ": ";
    info.appendChild(kind);
    if (hrefs[i]) {
      var a = document.createElement("a");
      a.href = hrefs[i];
      a.textContent = d.l;
      info.appendChild(a);
    } else {
      info.appendChild(document.createTextNode(d.l));
    }
    var counts = {};
    adj[i].forEach(function (j) { counts[nodes[j].t] = (counts[nodes[j].t] || 0) + 1; });
    var parts = data.types.filter(function (t) { return counts[t[0]]; }).map(function (t) {
      return counts[t[0]] + " " + (counts[t[0]] === 1 ? ONE[t[0]] : t[1].toLowerCase());
    });
    info.appendChild(document.createTextNode(" — " + adj[i].length + (adj[i].length === 1 ? " verband" : " verbanden") +
      (parts.length ? ": " + parts.join(", ") : "") + (selected === i && tapped ? ". Tik nogmaals om te openen." : ".")));
  }

  // ---- filters and search ----------------------------------------------------------------------
  var visible = nodes.map(function () { return true; });
  var matches = "";
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  var folded = nodes.map(function (d) { return fold(d.l); });
  function visibleIndexes() {
    var out = [];
    visible.forEach(function (v, i) { if (v) out.push(i); });
    return out;
  }
  function filter(refit) {
    var types = {};
    root.querySelectorAll("input[name=type]").forEach(function (c) { types[c.value] = c.checked; });
    var thema = form.elements.thema.value, stap = form.elements.stap.value;
    nodes.forEach(function (d, i) {
      visible[i] = types[d.t] !== false &&
        (thema === "" || d.th.indexOf(Number(thema)) >= 0) &&
        (stap === "" || d.st.indexOf(Number(stap)) >= 0);
      nodeEls[i].classList.toggle("is-hidden", !visible[i]);
    });
    fixedLabels.forEach(function (t) { t.classList.toggle("is-hidden", !visible[Number(t.getAttribute("data-i"))]); });
    data.edges.forEach(function (e, k) { edgeEls[k].classList.toggle("is-hidden", !(visible[e[0]] && visible[e[1]])); });
    if (selected !== null && !visible[selected]) selected = null;
    search(false);
    if (refit) fit(visibleIndexes());
    focus(selected);
  }
  var found = [];
  function search(jump) {
    var q = fold(form.elements.q.value.trim());
    found = [];
    if (q) nodes.forEach(function (d, i) { if (visible[i] && folded[i].indexOf(q) >= 0) found.push(i); });
    svg.classList.toggle("is-searching", q !== "");
    nodeEls.forEach(function (el) { el.classList.remove("is-match"); });
    found.forEach(function (i) { nodeEls[i].classList.add("is-match"); });
    var elsewhere = q && !found.length ? folded.filter(function (f, i) { return !visible[i] && f.indexOf(q) >= 0; }).length : 0;
    matches = q ? (found.length ? found.length + (found.length === 1 ? " treffer" : " treffers") +
      (found.length > 1 ? " — Enter kiest de eerste: " + nodes[found[0]].l : ": " + nodes[found[0]].l)
      : elsewhere ? "Niets gevonden met deze filters; zet ze op ‘Alle’ voor " + elsewhere +
        (elsewhere === 1 ? " treffer." : " treffers.") : "Niets gevonden op de kaart.") : "";
    if (jump && found.length) {
      selected = found[0];
      tapped = false;
      var d = nodes[found[0]];
      show(d.x - size / 8, d.y - size / 8, d.x + size / 8, d.y + size / 8);
      focus(found[0]);
    } else if (selected === null) {
      describe(null);
    }
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); search(true); });
  root.addEventListener("change", function (e) { if (e.target.name !== "q") filter(true); });
  form.elements.q.addEventListener("input", function () { search(false); });
  window.addEventListener("resize", function () {
    var cy = view.y + view.h / 2;
    view.h = view.w / aspect(); // keep the zoom, follow the element's new shape
    view.y = cy - view.h / 2;
    apply();
  });

  root.hidden = false;
  info.textContent = hint = "Wijs een bolletje aan om de verbanden te zien, klik om de pagina te openen. " +
    "Zoom met scrollen, knijpen of de knoppen; sleep om te schuiven.";
  if (window.matchMedia && window.matchMedia("(hover: none)").matches) {
    info.textContent = hint = "Tik een bolletje aan om de verbanden te zien, tik nogmaals om de pagina te openen. " +
      "Knijp om te zoomen, sleep om te schuiven.";
  }
  filter(true);
})();
