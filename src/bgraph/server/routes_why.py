"""``/why?s=…&p=…&o=…``: the explanation of a fact (issue 14).

The proof is read with SPARQL SELECTs over ``bgg:explanations``, each run in a query worker
under the query deadline as any query is (the main process never touches the store); the page
is written here (:mod:`.why_page`). ``Accept: application/json`` gets the proof as
``bgraph why --format json`` prints it. Terms are N-Triples (``<IRI>``, literals), prefixed
names with bgraph's prefixes, or bare ``http(s)://`` IRIs.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .. import formats
from ..errors import HttpError
from ..explain import Explainer, Row, parse_triple, rows_of_json
from .context import PageTimeout, ServerContext, get_ctx
from .responses import wants_json
from .routing import Routes

routes = Routes()

#: An explanation takes a handful of queries; together they may take this many query timeouts.
WHY_TIMEOUT_FACTOR = 2
JSON_RESULTS = formats.result_format("json").media_type


@routes.get("/why")
async def why(request: Request) -> Response:
    ctx = get_ctx(request)
    params = request.query_params
    missing = [k for k in ("s", "p", "o") if not params.get(k, "").strip()]
    if missing:
        raise HttpError(
            f"invalid request parameters: give s, p and o (missing: {', '.join(missing)})"
        )
    # a term it cannot read: UsageError, 400
    triple = parse_triple(params["s"][:4000], params["p"][:4000], params["o"][:4000])
    explainer = Explainer(_select(ctx, asyncio.get_running_loop()))
    try:
        proof = await asyncio.wait_for(
            asyncio.to_thread(explainer.explain, triple),
            timeout=ctx.config.timeout * WHY_TIMEOUT_FACTOR,
        )
    except TimeoutError:
        raise PageTimeout("the explanation took too long and was stopped") from None
    status = 404 if proof.status == "absent" else 200
    if wants_json(request):
        body = json.dumps(explainer.as_dict(proof), ensure_ascii=False, indent=1)
        return Response(body, status, media_type=formats.JSON, headers={"Vary": "Accept"})
    from .why_page import why_page

    return HTMLResponse(why_page(ctx, explainer, proof), status, headers={"Vary": "Accept"})


def _select(ctx: ServerContext, loop: asyncio.AbstractEventLoop) -> Callable[[str], list[Row]]:
    """``select`` for the Explainer (which runs in a thread): each query is sent to a worker
    from the event loop, and its JSON results read back as rows."""
    from .engine import QueryJob
    from .workers import DeadlineExceeded

    async def run(text: str) -> bytes:
        job = QueryJob(text=text, accept=JSON_RESULTS)
        try:
            reply = await ctx.pool.run(job, timeout=ctx.config.timeout)
        except DeadlineExceeded:
            raise PageTimeout("an explanation query took too long and was stopped") from None
        reply.raise_for_status()
        return reply.body

    def select(text: str) -> list[Row]:
        return rows_of_json(asyncio.run_coroutine_threadsafe(run(text), loop).result())

    return select
