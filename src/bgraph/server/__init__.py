"""``bgraph serve``: a read-only SPARQL 1.1 endpoint, query UI and linked-data server, on the one
store (:mod:`bgraph.store`: Oxigraph in RAM, or a built store on disk).

Modules, one job each: :mod:`.run` (start-up), :mod:`.app` (Starlette app, error handlers),
:mod:`.routing` (route tables),
:mod:`.protocol` (SPARQL protocol parsing), :mod:`.engine` (one query, in a worker),
:mod:`.writers` (Oxigraph's serialisers), :mod:`.workers` (worker processes and deadlines),
:mod:`.safety` (offline), :mod:`.lookups` / :mod:`.describe` / :mod:`.overview` (page lookups,
in the workers), :mod:`.pages` (HTML), :mod:`.metadata` (service description, VoID),
:mod:`.dumps` (data dumps); the vendored YASGUI files are checked by :mod:`bgraph.vendor`.
"""
