"""The public form's multipart body parsed without Django's streaming parser.

Browsers post the complaint form as ``multipart/form-data`` (it has a file
input), and RefuseNulMiddleware reads ``request.POST`` on every POST, so every
submission paid for Django's ``MultiPartParser``: ~370 µs of CPU for the
form's body of 9 plain fields (the same fields urlencoded: ~3 µs), 9% of the
submission's CPU (issue 15). Most of it is the e-mail package parsing each
part's header, and the parser's stream bookkeeping.

``parse_file_upload`` stands in for ``HttpRequest.parse_file_upload`` (what
``_load_post_and_files`` calls for multipart) and gives what Django's parser
gives on the same bytes: the same QueryDict (keys, values, order, encoding,
immutable), an empty FILES, names and values decoded with the request's
encoding and ``errors="replace"``, a file input left empty (``filename=""``)
kept in POST as an empty value, as Django keeps it. It reads a body as
Django's parser does: each boundary found with the line break before it
dropped as Django drops it, the preamble and the closing ``--`` as parts that
Django counts against DATA_UPLOAD_MAX_NUMBER_FIELDS (its "+ 2"), each part's
header looked for in its first 1,024 bytes and parsed by Django's own
``parse_boundary_stream``, memoized: a form's part headers are the same on
every submission, only the boundary changes.

CPU of ``request.POST`` on the form's body (895 bytes as the test client
encodes it; 1,022 with a browser's empty file input), 3 rounds of 3,000,
less the request's construction, medians: 348 → 40 µs (browser: 394 → 45 µs).

Django's parser takes everything else, on the same bytes (so it raises what
it raises): a Content-Type other than ``multipart/form-data; boundary=<token>``
(a quoted boundary, a charset, an invalid boundary), no or a zero
Content-Length, one over 64 KiB (such a body is not read here), upload
handlers other than Django's two, a part with a filename (a file), a
Content-Transfer-Encoding or any part header besides Content-Disposition and
Content-Type, a header Django refuses, a body that ends without a boundary
after 1 KiB, a limit reached (TooManyFieldsSent, RequestDataTooBig), any
error at all. A body of up to 64 KiB (its handlers' chunk size) is read by
Django's parser in one piece, as it is here; one ``request.body`` already read
arrives as a BytesIO to both.

``install()`` puts ``parse_file_upload`` in place of Django's method, and
refuses to start on a Django other than 5.2 or if the method changed.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping
from functools import lru_cache
from io import BytesIO
from typing import Any

import django
from django.conf import settings
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.http import HttpRequest, QueryDict, multipartparser
from django.utils.datastructures import ImmutableList, MultiValueDict

CAP = 64 * 1024
# The shape browsers and Django's test client send. The boundary's symbols are
# ones that e-mail's parameter parsing (Django's parse_header_parameters)
# takes as they are: no quotes, angle brackets, "=", "*", ";" or spaces.
_CONTENT_TYPE = re.compile(r"multipart/form-data; boundary=([0-9A-Za-z'()+_,./:?-]{1,200})")
# parse_boundary_stream looks for a part's header in its first 1,024 bytes.
_HEADER_WINDOW = 1024
_DJANGO_HANDLERS = (MemoryFileUploadHandler, TemporaryFileUploadHandler)
_FIELD_HEADERS = frozenset({"content-disposition", "content-type"})
_RAW, _FIELD, _UNSURE = "raw", "field", "unsure"

_django_parse_file_upload = HttpRequest.parse_file_upload


@lru_cache(maxsize=256)
def _part_header(header: bytes) -> tuple[str, bytes | None]:
    """What a part with this header is to Django: a raw part, a field (its name, if it
    has one), or something left to Django's parser."""
    stream = multipartparser.LazyStream(iter([header + b"\r\n\r\n"]))  # type: ignore[arg-type]
    kind, headers, _ = multipartparser.parse_boundary_stream(  # type: ignore[attr-defined]
        stream,
        multipartparser.MAX_TOTAL_HEADER_SIZE,  # type: ignore[attr-defined]
    )
    if kind == multipartparser.RAW:
        return _RAW, None
    if kind != multipartparser.FIELD or not headers.keys() <= _FIELD_HEADERS:
        return _UNSURE, None
    return _FIELD, headers["content-disposition"][1].get("name")


def _fields(body: bytes, boundary: bytes, encoding: str) -> list[tuple[str, str]] | None:
    """The fields Django's parser finds in ``body``, in order; None for a body left to it."""
    max_fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    max_memory = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    separator = b"--" + boundary
    fields: list[tuple[str, str]] = []
    parts = size = start = 0
    length = len(body)
    while start < length:
        found = body.find(separator, start)
        if found < 0:
            # No boundary after it (a truncated body, an epilogue): one part when
            # short; Django may cut a longer one in two.
            if length - start >= _HEADER_WINDOW:
                return None
            end = next_start = length
        else:
            end, next_start = found, found + len(separator)
            # Django's BoundaryIter drops a "\n", then a "\r", before the boundary.
            if end > start and body[end - 1] == 0x0A:
                end -= 1
            if end > start and body[end - 1] == 0x0D:
                end -= 1
        part = body[start:end]
        start = next_start
        header_end = part.find(b"\r\n\r\n", 0, _HEADER_WINDOW)
        if header_end < 0:
            if len(part) >= _HEADER_WINDOW:
                return None  # Django: "Request max total header size exceeded."
            kind, name = _RAW, None
        else:
            kind, name = _part_header(part[:header_end])
            if kind == _UNSURE:
                return None
        if max_fields is not None:
            parts += 1  # raw parts count too (Django's "+ 2")
            if max_fields + 2 < parts:
                return None  # Django raises TooManyFieldsSent
        if name is None:
            continue
        field_name = str(name.strip(), encoding, "replace")
        value = part[header_end + 4 :]
        if max_memory is not None:
            size += len(value) + len(field_name) + 2
            if size > max_memory:
                return None  # Django raises RequestDataTooBig
        fields.append((field_name, str(value, encoding, "replace")))
    return fields


def _simple(request: HttpRequest, META: Mapping[str, Any], post_data: Any) -> bytes | None:
    """The boundary of a request this module parses, before anything is read."""
    content_type, length = META.get("CONTENT_TYPE"), META.get("CONTENT_LENGTH")
    if not isinstance(content_type, str) or not isinstance(length, str):
        return None
    match = _CONTENT_TYPE.fullmatch(content_type)
    if match is None or not (length.isascii() and length.isdigit()):
        return None
    if not 0 < int(length) <= CAP:
        return None
    # Django's parser reads on from where a partly read stream is.
    if post_data is request and getattr(request, "_read_started", False):
        return None
    handlers = request.upload_handlers
    if not all(type(handler) in _DJANGO_HANDLERS for handler in handlers):
        return None
    # Django reads in its handlers' chunk size: one piece for a body this small.
    if any(handler.chunk_size and handler.chunk_size < CAP for handler in handlers):
        return None
    return match[1].encode("ascii")


def _read(stream: Any) -> tuple[bytes, bool]:
    """At most CAP + 1 bytes of ``stream``; and whether that was all of it."""
    chunks: list[bytes] = []
    size = 0
    while size <= CAP:
        chunk = stream.read(CAP + 1 - size)
        if not chunk:
            return b"".join(chunks), True
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), False


class _Replay:
    """What was read of a body, then the rest of it: for Django's parser to read."""

    def __init__(self, head: bytes, rest: Any) -> None:
        self._head, self._rest = head, rest

    def read(self, size: int | None = -1) -> bytes:
        if not self._head:
            return self._rest.read(size)
        if size is None or size < 0:
            data, self._head = self._head + self._rest.read(), b""
        else:
            data, self._head = self._head[:size], self._head[size:]
        return data


def parse_file_upload(
    self: HttpRequest, META: Mapping[str, Any], post_data: Any
) -> tuple[QueryDict, MultiValueDict[str, Any]]:
    """Django's ``HttpRequest.parse_file_upload``, without its parser for a small form."""
    boundary = _simple(self, META, post_data)
    if boundary is None:
        return _django_parse_file_upload(self, META, post_data)
    body, complete = _read(post_data)
    encoding = self.encoding or settings.DEFAULT_CHARSET
    fields = None
    if complete:
        try:
            fields = _fields(body, boundary, encoding)
        except Exception:
            fields = None  # Django's parser, on the same bytes, says what is wrong
    if fields is None:
        replay: Any = BytesIO(body) if complete else _Replay(body, post_data)
        return _django_parse_file_upload(self, META, replay)

    # What Django's parse_file_upload and MultiPartParser.parse leave behind.
    self.upload_handlers = ImmutableList(
        self.upload_handlers,
        warning="You cannot alter upload handlers after the upload has been processed.",
    )
    handlers = self.upload_handlers
    content_length = int(META["CONTENT_LENGTH"])
    for handler in handlers:
        handler.handle_raw_input(post_data, META, content_length, boundary, encoding)  # type: ignore[arg-type]
    lists: dict[str, list[str]] = {}
    for name, value in fields:
        lists.setdefault(name, []).append(value)
    post = QueryDict(mutable=True)
    # A MultiValueDict is a dict of each key's list (its constructor takes one):
    # what QueryDict.appendlist builds, without its per-value conversions of str to str.
    dict.update(post, lists)
    for handler in handlers:
        handler.upload_complete()  # Django's two return None: each is called
    post._mutable = False
    return post, MultiValueDict()


def install() -> None:
    if HttpRequest.parse_file_upload is parse_file_upload:  # type: ignore[comparison-overlap]
        return
    expected = ["self", "META", "post_data"]
    if (
        django.VERSION[:2] != (5, 2)
        or list(inspect.signature(HttpRequest.parse_file_upload).parameters) != expected
        or "parse_file_upload" not in HttpRequest._load_post_and_files.__code__.co_names  # type: ignore[attr-defined]
        or not callable(getattr(multipartparser, "parse_boundary_stream", None))
        or not callable(getattr(multipartparser, "LazyStream", None))
    ):
        raise RuntimeError(
            "Django's multipart parsing changed: re-check common/multipart.py against it"
        )
    HttpRequest.parse_file_upload = parse_file_upload  # type: ignore[method-assign,assignment]
