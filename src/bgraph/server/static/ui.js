/* bgraph query UI: YASGUI (vendored, served by bgraph) with the competency questions as tabs.
 * Works offline: no prefix.cc or LOV look-ups; the prefixes come from the server. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("bgraph-config").textContent);
  var endpoint = new URL(cfg.endpoint, window.location.href).href;
  var Yasqe = Yasgui.Yasqe;
  var prefixes = Object.keys(cfg.prefixes).map(function (p) {
    return p + ": <" + cfg.prefixes[p] + ">";
  });
  Yasqe.forkAutocompleter(
    "prefixes",
    { name: "bgraph-prefixes", persistenceId: null, get: function () { return prefixes; } },
    false
  );
  // Replace, don't merge: the built-in "prefixes", "class" and "property" completers go online.
  Yasqe.defaults.autocompleters = ["bgraph-prefixes", "variables"];

  var examples = cfg.examples || [];
  var fromUrl = new URLSearchParams(window.location.search).has("query");
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    persistenceId: null,
    populateFromUrl: true,
    copyEndpointOnNewTab: true,
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
      keys: [],
    },
    yasqe: { value: examples.length ? examples[0].query : "SELECT * WHERE { ?s ?p ?o } LIMIT 10" },
  });

  function tabName(e) {
    var name = e.title || e.slug;
    return name.length > 40 ? name.slice(0, 38) + "…" : name;
  }

  if (!fromUrl && examples.length) {
    var first = yasgui.getTab();
    var ids = Object.keys(yasgui._tabs || {});
    examples.forEach(function (e, i) {
      yasgui.addTab(i === 0, { name: tabName(e), yasqe: { value: e.query } });
    });
    // the default tab Yasgui opened is replaced by the examples
    if (first && ids.length === 1) {
      yasgui.getTab(ids[0]).close();
    }
  }
  // IRIs of this dataset link to their pages on this server (not to the public base IRI).
  var base = cfg.baseIri;
  function localise(root) {
    var links = root.querySelectorAll ? root.querySelectorAll("a[href]") : [];
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("href");
      if (base && href && href.indexOf(base) === 0 && href.length > base.length) {
        links[i].setAttribute("href", "/" + href.slice(base.length));
        links[i].removeAttribute("target");
      }
    }
  }
  new MutationObserver(function (changes) {
    changes.forEach(function (c) { c.addedNodes.forEach(localise); });
  }).observe(document.getElementById("yasgui"), { childList: true, subtree: true });
  window.bgraphYasgui = yasgui;
})();
