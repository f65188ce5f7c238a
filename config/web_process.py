"""What a web process does once, when it has started: config/wsgi.py calls it
after Django is set up (the in-process bench, bench/public.py, too).

``gc.freeze()`` moves every object made while starting (the modules, the
settings, the URLconf and the views it imports, the translations) out of the
garbage collector's generations, so that the collections a request's
allocations set off no longer walk them: about 190,000 objects here. Python's
documentation recommends it for a process that forks, as a worker does under
gunicorn with ``--preload``; it also keeps those pages shared between the
workers. Measured in-process (issue 15, docs/performance.md "Round trips and
the collector"): the status page's CPU 10% lower, a submission's about 5%.
Nothing is kept that would otherwise be freed: a start-up object is referenced
by its module for the life of the process.
"""

from __future__ import annotations

import gc


def web_process_ready() -> None:
    from django.urls import get_resolver

    # The views are imported with the URLconf, on the first request otherwise:
    # import them now, so that they are frozen with the rest.
    get_resolver().url_patterns  # noqa: B018
    gc.freeze()
