"""What qasync's event loop leaves out and asyncio's own loops do: finalising async generators on the loop.

asyncio's `run_forever` registers hooks so that an async generator abandoned half-way (httpx's body stream when
an answer is refused for its size, a cancelled request) is closed by the loop that ran it. qasync's loop never
registers them, so such a generator is finalised later by the garbage collector, outside any loop, and its
connection is not released. `manage_async_generators` registers the loop's own hooks.
"""

from __future__ import annotations

import asyncio
import sys


def manage_async_generators(loop: asyncio.AbstractEventLoop) -> None:
    """Let `loop` finalise the async generators it started, as `asyncio.run` does."""
    sys.set_asyncgen_hooks(firstiter=loop._asyncgen_firstiter_hook, finalizer=loop._asyncgen_finalizer_hook)


def stop_managing_async_generators(loop: asyncio.AbstractEventLoop) -> asyncio.Future:
    """Close what is left (a loop about to end), then forget the hooks; await or wait for the returned future."""
    closing = asyncio.ensure_future(loop.shutdown_asyncgens(), loop=loop)
    closing.add_done_callback(lambda _done: sys.set_asyncgen_hooks(firstiter=None, finalizer=None))
    return closing
