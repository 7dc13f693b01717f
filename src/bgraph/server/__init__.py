"""``bgraph serve``: a read-only SPARQL 1.1 endpoint, query UI and linked-data server.

Modules, one job each: :mod:`.run` (start-up), :mod:`.app` (FastAPI app, routers),
:mod:`.protocol` (SPARQL protocol parsing), :mod:`.engine` (one query, in a worker),
:mod:`.workers` (worker processes and deadlines), :mod:`.safety` (read-only, offline),
:mod:`.describe` / :mod:`.pages` (linked-data views and HTML), :mod:`.metadata` (service
description, VoID), :mod:`.vendor` (the vendored YASGUI files).
"""
