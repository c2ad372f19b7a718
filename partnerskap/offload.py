"""The one way off the event loop: blocking work (service calls, routes, jobs, mail, probes) in threads sized to the database pool.

Reads and writes run in separate threads (see db.READING_TRANSACTIONS): a writer waiting for SQLite's lock holds a
writing thread only, so members opening threads never wait behind replies that wait for the lock.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from partnerskap import db

Result = TypeVar("Result")

_reading = concurrent.futures.ThreadPoolExecutor(max_workers=db.READING_TRANSACTIONS, thread_name_prefix="read")
_writing = concurrent.futures.ThreadPoolExecutor(max_workers=db.WRITING_TRANSACTIONS, thread_name_prefix="write")


async def read(function: Callable[..., Result], /, *args: Any, **kwargs: Any) -> Result:
    """Run blocking work that never waits for the database's write lock (it reads, or notes things in memory) in a reading thread."""
    return await asyncio.get_running_loop().run_in_executor(_reading, functools.partial(function, *args, **kwargs))


async def write(function: Callable[..., Result], /, *args: Any, **kwargs: Any) -> Result:
    """Run blocking work that writes to the database, and so may wait for SQLite's write lock, in a writing thread."""
    return await asyncio.get_running_loop().run_in_executor(_writing, functools.partial(function, *args, **kwargs))
