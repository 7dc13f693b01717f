"""RDF/XML's DTD entities, bounded before Oxigraph expands them (issue 10, point 9).

A 743-byte RDF/XML file whose internal DTD nests eight levels of sixteen references
("billion laughs") asks the parser for 10 GB (seven levels: 2 GB and 7 s; measured on
pyoxigraph 0.5); a flat entity referenced many times grows quadratically with the file. OWL
files use entities for namespace IRIs (``<!ENTITY owl "http://www.w3.org/2002/07/owl#">``), so
entities are not refused: :func:`check_entities` computes what every reference would expand to
and refuses the file when the total passes a bound (:data:`MAX_EXPANSION`), and refuses what
has no place in data (external and parameter entities, which a parser might fetch or read).
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import InputError

#: Bytes that entity references in one file may expand to, in all.
MAX_EXPANSION = 16 * 1024 * 1024
_PROLOG_BYTES = 1024 * 1024  #: the internal DTD must be within the file's first MiB

_DOCTYPE = re.compile(rb"<!DOCTYPE\b[^\[>]*\[(.*?)\]\s*>", re.S)
_ENTITY = re.compile(rb"<!ENTITY\s+(%\s+)?([^\s%\"']+)\s+(.*?)>", re.S)
_VALUE = re.compile(rb"\A(\"([^\"]*)\"|'([^']*)')\s*\Z", re.S)
_REF = re.compile(rb"&([A-Za-z_:][-A-Za-z0-9._:]*);")


def check_entities(path: Path, limit: int = MAX_EXPANSION) -> None:
    """Raise InputError when ``path`` (RDF/XML) declares external or parameter entities, or
    when its entity references would expand to more than ``limit`` bytes."""
    with path.open("rb") as fh:
        head = fh.read(_PROLOG_BYTES)
        if b"<!ENTITY" not in head:
            return
        doctype = _DOCTYPE.search(head)
        if doctype is None:
            raise InputError(path, "an entity declaration outside a DOCTYPE's internal subset")
        values: dict[bytes, bytes] = {}
        for match in _ENTITY.finditer(doctype.group(1)):
            parameter, name, rest = match.groups()
            value = _VALUE.match(rest.strip())
            if parameter or value is None:
                raise InputError(
                    path,
                    f"the DTD entity {name.decode(errors='replace')!r} is "
                    f"{'a parameter' if parameter else 'an external'} entity: not read",
                )
            values[name] = value.group(2) if value.group(2) is not None else value.group(3)
        sizes: dict[bytes, int] = {}

        def size(name: bytes, seen: tuple[bytes, ...] = ()) -> int:
            if name in sizes:
                return sizes[name]
            if name in seen:
                raise InputError(path, f"the DTD entity {name.decode()!r} refers to itself")
            text = values.get(name)
            if text is None:
                return 5  # a predefined entity (&amp; ...) or an unknown one (the parser says)
            total = len(_REF.sub(b"", text))
            for ref in _REF.findall(text):
                total += size(ref, (*seen, name))
                if total > limit:
                    break
            sizes[name] = total
            return total

        total = 0
        body = head[doctype.end() :]
        while True:
            for ref in _REF.findall(body):
                total += size(ref) if ref in values else 0
                if total > limit:
                    raise InputError(
                        path,
                        f"its DTD entities expand to more than {limit // (1024 * 1024)} MiB "
                        "(an entity expansion attack?): not parsed",
                    )
            chunk = fh.read(_PROLOG_BYTES)
            if not chunk:
                return
            amp = body.rfind(b"&")  # a reference cut by the chunk's end is read whole
            carry = body[amp:] if amp >= 0 and b";" not in body[amp:] else b""
            body = carry[:256] + chunk
