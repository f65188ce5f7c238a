"""What the client sends PostgreSQL, read on the wire (libpq's own trace)."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def sent() -> Iterator[list[str]]:
    """The text of every query message the client sends in the block."""
    connection.ensure_connection()
    messages: list[str] = []
    pgconn = connection.connection.pgconn
    with tempfile.TemporaryFile() as trace:
        pgconn.trace(trace.fileno())
        try:
            yield messages
        finally:
            pgconn.untrace()
            trace.seek(0)
            lines = trace.read().decode().splitlines()
    for line in lines:
        # A simple query:   <time> \t F \t 20 \t Query \t "BEGIN; SELECT 1"
        # An extended one:  <time> \t F \t 13 \t Parse \t "" "BEGIN" 0
        fields = line.split("\t")
        if len(fields) < 5 or fields[1] != "F":
            continue
        if fields[3] == "Query":
            messages.append(fields[4].strip().strip('"'))
        elif fields[3] == "Parse":
            messages.append(re.findall(r'"((?:[^"]|"")*)"', fields[4])[1])
