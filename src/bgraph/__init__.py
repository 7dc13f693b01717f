"""bgraph: a linked-data knowledge graph of Michael Connelly's Bosch TV universe."""

__version__ = "0.1.0"
