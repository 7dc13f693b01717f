"""Pictures of the graph: the franchise diagram, entity neighbourhoods and the timeline.

- :mod:`.model` reads the graph into plain data (no drawing);
- :mod:`.franchise` and :mod:`.neighbourhood` lay that data out as SVG (pure Python);
- :mod:`.dot` writes Graphviz DOT, :mod:`.png` converts SVG to PNG;
- :mod:`.fragments` builds the HTML/JSON the server embeds (interactive graph, timeline);
- ``static/`` holds the browser code, with the vendored Cytoscape.js (see ``static/vendor``).
"""
