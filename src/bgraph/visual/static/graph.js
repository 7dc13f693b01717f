/* bgraph interactive neighbourhood graph (uses the vendored Cytoscape.js, served by bgraph).
 *
 * Markup (built by bgraph.visual.fragments.graph_fragment):
 *   <div class="bg-graph" data-src="URL">             payload fetched from URL, or
 *   <div class="bg-graph"><script type="application/json">PAYLOAD</script></div>
 * PAYLOAD = {focus, depth, truncated, nodes:[{id,label,kind,group,depth,href}],
 *            edges:[{source,target,label,predicate}], colours:{group:[fill,ink]}}
 *
 * Pan (drag the background), zoom (wheel, pinch, or the + / − / fit buttons), click a node to
 * open its page. Big graphs (hundreds of nodes) get a linear-time layout and lighter drawing so
 * the page never freezes. When a graph is drawn, its container gets data-state="ready".
 */
(function () {
  "use strict";

  var BIG = 150; // above this many nodes: concentric layout, no edge labels until zoomed in

  function ink(colours, group, i) {
    var c = colours[group] || colours.other || ["#f3f4f6", "#374151"];
    return c[i];
  }

  function styles(colours, big) {
    return [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "background-color": function (n) { return ink(colours, n.data("group"), 0); },
          "border-color": function (n) { return ink(colours, n.data("group"), 1); },
          "border-width": 1.5,
          color: "#111827",
          "font-family": "DejaVu Sans, Verdana, sans-serif",
          "font-size": 11,
          "text-valign": "bottom",
          "text-margin-y": 4,
          "text-wrap": "ellipsis",
          "text-max-width": 140,
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.8,
          "text-background-padding": 1,
          "min-zoomed-font-size": big ? 9 : 0,
          width: 22,
          height: 22,
        },
      },
      {
        selector: "node[?focus]",
        style: { width: 36, height: 36, "border-width": 4, "font-weight": "bold", "font-size": 13 },
      },
      { selector: "node:selected, node.hover", style: { "border-width": 4, "overlay-opacity": 0 } },
      {
        selector: "edge",
        style: {
          width: 1.2,
          "line-color": "#9ca3af",
          "target-arrow-color": "#9ca3af",
          "target-arrow-shape": "triangle",
          "arrow-scale": 0.8,
          "curve-style": big ? "haystack" : "bezier",
          label: big ? "" : "data(label)",
          "font-size": 9,
          color: "#6b7280",
          "text-rotation": "autorotate",
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.85,
          "min-zoomed-font-size": 7,
        },
      },
      { selector: "edge.hover", style: { "line-color": "#374151", width: 2, label: "data(label)" } },
    ];
  }

  function layoutFor(count, focus) {
    if (count <= BIG) {
      return {
        name: "cose",
        animate: false,
        randomize: false,
        nodeDimensionsIncludeLabels: true,
        nodeRepulsion: function () { return 120000; },
        nodeOverlap: 20,
        idealEdgeLength: function () { return 70; },
        edgeElasticity: function () { return 80; },
        gravity: 0.2,
        numIter: 2000,
        fit: true,
        padding: 24,
      };
    }
    // Linear time: rings by distance from the focus.
    return {
      name: "concentric",
      animate: false,
      fit: true,
      padding: 24,
      minNodeSpacing: 6,
      concentric: function (n) { return 100 - (n.data("depth") || 0); },
      levelWidth: function () { return 1; },
    };
  }

  function controls(container, cy) {
    var bar = document.createElement("div");
    bar.className = "bg-graph-controls";
    [
      ["+", "Zoom in", function () { cy.zoom({ level: cy.zoom() * 1.25, renderedPosition: centre() }); }],
      ["−", "Zoom out", function () { cy.zoom({ level: cy.zoom() / 1.25, renderedPosition: centre() }); }],
      ["⤢", "Fit the whole graph", function () { cy.fit(undefined, 24); }],
    ].forEach(function (spec) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = spec[0];
      b.title = spec[1];
      b.setAttribute("aria-label", spec[1]);
      b.addEventListener("click", spec[2]);
      bar.appendChild(b);
    });
    function centre() {
      return { x: container.clientWidth / 2, y: container.clientHeight / 2 };
    }
    container.parentNode.insertBefore(bar, container);
  }

  function caption(container) {
    var el = container.parentNode.querySelector(".bg-graph-caption");
    return function (text) { if (el) { el.textContent = text; } };
  }

  function draw(container, payload) {
    var colours = payload.colours || {};
    var big = payload.nodes.length > BIG;
    var elements = [];
    // Start positions: rings by distance from the focus (deterministic, and a good start).
    var rings = {};
    payload.nodes.forEach(function (n) { (rings[n.depth] = rings[n.depth] || []).push(n.id); });
    var start = {};
    Object.keys(rings).forEach(function (d) {
      var ids = rings[d];
      ids.forEach(function (id, i) {
        var a = (2 * Math.PI * i) / ids.length;
        start[id] = { x: 160 * d * Math.cos(a), y: 160 * d * Math.sin(a) };
      });
    });
    payload.nodes.forEach(function (n) {
      var data = { id: n.id, label: n.label, kind: n.kind, group: n.group, depth: n.depth };
      if (n.href) { data.href = n.href; }
      if (n.id === payload.focus) { data.focus = true; }
      elements.push({ group: "nodes", data: data, position: start[n.id] });
    });
    payload.edges.forEach(function (e, i) {
      elements.push({
        group: "edges",
        data: { id: "e" + i, source: e.source, target: e.target, label: e.label },
      });
    });
    var started = performance.now();
    var cy = window.cytoscape({
      container: container,
      elements: elements,
      style: styles(colours, big),
      layout: layoutFor(payload.nodes.length, payload.focus),
      minZoom: 0.05,
      maxZoom: 4,
      boxSelectionEnabled: false,
      autoungrabify: big,
      textureOnViewport: big,
      hideEdgesOnViewport: big,
      pixelRatio: big ? 1 : "auto",
    });
    var say = caption(container);
    var base = payload.nodes.length + " entities, " + payload.edges.length + " links" +
      (payload.truncated ? " (the first " + payload.nodes.length + " only)" : "") +
      ". Drag to pan, scroll to zoom, click an entity to open its page.";
    say(base);
    cy.on("mouseover", "node", function (ev) {
      var n = ev.target;
      n.addClass("hover");
      n.connectedEdges().addClass("hover");
      if (n.data("href")) { container.style.cursor = "pointer"; }
      say(n.data("label") + (n.data("kind") ? " — " + n.data("kind") : ""));
    });
    cy.on("mouseout", "node", function (ev) {
      ev.target.removeClass("hover");
      ev.target.connectedEdges().removeClass("hover");
      container.style.cursor = "";
      say(base);
    });
    cy.on("tap", "node", function (ev) {
      var href = ev.target.data("href");
      if (href) { window.location.assign(href); }
    });
    controls(container, cy);
    cy.ready(function () {
      // Readable at first sight: not smaller than 3/4 scale, centred on the focus.
      var focus = cy.getElementById(payload.focus);
      if (!big && cy.zoom() < 0.75 && focus.nonempty()) {
        cy.zoom(0.75);
        cy.center(focus);
      }
      container.dataset.state = "ready";
      container.dataset.nodes = String(cy.nodes().length);
      container.dataset.edges = String(cy.edges().length);
      container.dataset.ms = String(Math.round(performance.now() - started));
    });
    container.bgraphCy = cy;
    (window.bgraphGraphs = window.bgraphGraphs || []).push(cy);
    return cy;
  }

  function fail(container, message) {
    container.dataset.state = "error";
    container.textContent = message;
  }

  function start(container) {
    if (container.dataset.state) { return; }
    container.dataset.state = "loading";
    if (!window.cytoscape) { fail(container, "The graph library did not load."); return; }
    var inline = container.querySelector('script[type="application/json"]');
    if (inline) {
      var payload = JSON.parse(inline.textContent);
      inline.remove();
      draw(container, payload);
      return;
    }
    var src = container.dataset.src;
    if (!src) { fail(container, "No graph data."); return; }
    fetch(src, { headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      })
      .then(function (payload) { draw(container, payload); })
      .catch(function (err) { fail(container, "Could not load the graph: " + err.message); });
  }

  function startAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".bg-graph"), start);
  }

  window.bgraphGraph = { start: start, startAll: startAll, draw: draw };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
