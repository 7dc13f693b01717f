"""HTML from Jinja2 templates (``bgraph/templates``), with autoescape: a value a template inserts
is escaped unless it is :class:`~markupsafe.Markup` (HTML that another template made).

The one environment of every HTML page bgraph writes: the server's pages, the explanations of
``/why``, the ontology reference and the pictures' fragments. Jinja2 is imported on the first
page, never on the way to a SPARQL answer (``tests/test_start_fast.py``).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup


@cache
def environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("bgraph", "templates"),
        autoescape=True,  # every template is HTML (or SVG inside HTML)
        undefined=jinja2.StrictUndefined,  # a misspelt name fails, never renders as ""
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, /, **values: Any) -> Markup:
    """``template`` (a path under ``bgraph/templates``) rendered with ``values``."""
    from markupsafe import Markup

    return Markup(environment().get_template(template).render(**values))


def markup(html: str) -> Markup:
    """HTML made by bgraph itself (a template's, kept as text: a picture drawn in a worker, a
    page section), to be inserted as it is."""
    from markupsafe import Markup

    return Markup(html)
