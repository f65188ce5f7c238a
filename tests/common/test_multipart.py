"""The form's multipart body parsed without Django's parser gives what Django's
parser gives (common/multipart.py): on the form as the test client and browsers
send it, and on many other bodies, each parsed both ways and compared."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from io import BytesIO
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, RawPostDataException
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.test import RequestFactory, override_settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, FakePayload, encode_multipart
from django.utils.datastructures import ImmutableList
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common import multipart

DIFFERENTIAL = settings(
    max_examples=1000,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def the_form(**overrides: Any) -> dict[str, Any]:
    """The public form's fields, as bench/public.py posts them."""
    data = {
        "csrfmiddlewaretoken": "Zk3sV0yH2pLq8WnR4tXc6bJm1dFg9aQe7uYo5iKl0zVhNx3CwS8rTb2EjGp4MfUa",
        "name": "Ayşe Yılmaz",
        "email": "ayse@example.com",
        "phone": "",
        "kind": "complaint",
        "subject": "Fatura hatası",
        "description": f"Bu ay iki kez ücret alındı ({uuid.uuid4().hex}).",
        "submission_id": str(uuid.uuid4()),
        "privacy_notice_version": "1",
    }
    data.update(overrides)
    return data


def form_body(**overrides: Any) -> bytes:
    return encode_multipart(BOUNDARY, the_form(**overrides))


SEPARATOR = b"--" + BOUNDARY.encode()
EMPTY_FILE_INPUT = (
    f"--{BOUNDARY}\r\n"
    'Content-Disposition: form-data; name="attachments"; filename=""\r\n'
    "Content-Type: application/octet-stream\r\n\r\n\r\n"
).encode()


def browser_body() -> bytes:
    """The form as a browser sends it: its file input left empty, after the fields."""
    body = form_body()
    closing = f"--{BOUNDARY}--\r\n".encode()
    return body[: -len(closing)] + EMPTY_FILE_INPUT + closing


def a_request(
    body: bytes, content_type: str = MULTIPART_CONTENT, length: int | None = None
) -> HttpRequest:
    environ: dict[str, Any] = {
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body) if length is None else length),
        "wsgi.input": FakePayload(body),
    }
    return RequestFactory().generic("POST", "/submit/", **environ)


def outcome(parse: Callable[[], tuple[Any, Any]]) -> tuple[Any, ...]:
    """Everything a view sees of a parse: POST, FILES, or the exception's type."""
    try:
        post, files = parse()
    except Exception as error:
        return ("raises", type(error))
    uploads = [
        (key, [(f.name, f.content_type, f.charset, f.read()) for f in values])
        for key, values in files.lists()
    ]
    return (type(post), list(post.lists()), post.encoding, post._mutable, type(files), uploads)


def by_django(body: bytes, content_type: str, encoding: str | None, length: int) -> tuple:
    """Django's parser on the same bytes, with the handlers and encoding of the same request."""
    request = a_request(b"", content_type, length)
    if encoding is not None:
        request.encoding = encoding
    handlers, encoding = request.upload_handlers, request.encoding
    return outcome(lambda: MultiPartParser(request.META, BytesIO(body), handlers, encoding).parse())


def through_post(body: bytes, content_type: str, encoding: str | None) -> tuple:
    """Ours as a request gets it: ``request.POST`` reading the request's stream."""
    request = a_request(body, content_type)
    if encoding is not None:
        request.encoding = encoding
    return outcome(lambda: (request.POST, request.FILES))


def through_bytes(body: bytes, content_type: str, encoding: str | None, length: int) -> tuple:
    """Ours on a body ``request.body`` already read (Django hands over a BytesIO)."""
    request = a_request(b"", content_type, length)
    if encoding is not None:
        request.encoding = encoding
    return outcome(lambda: multipart.parse_file_upload(request, request.META, BytesIO(body)))


@pytest.fixture
def django_parser_calls():
    with mock.patch.object(
        MultiPartParser, "parse", autospec=True, side_effect=MultiPartParser.parse
    ) as parse:
        yield parse


# --- The form ----------------------------------------------------------------


def test_it_is_installed_in_place_of_djangos_method():
    assert HttpRequest.parse_file_upload is multipart.parse_file_upload


@pytest.mark.parametrize("body", [form_body(), browser_body()], ids=["test client", "browser"])
def test_the_forms_body_is_parsed_without_djangos_parser_and_as_django_parses_it(
    body, django_parser_calls
):
    ours = through_post(body, MULTIPART_CONTENT, None)
    assert django_parser_calls.call_count == 0
    assert ours == by_django(body, MULTIPART_CONTENT, None, len(body))
    assert ours[1][1] == ("name", ["Ayşe Yılmaz"])


def test_an_empty_file_input_is_an_empty_field_as_django_leaves_it(django_parser_calls):
    request = a_request(browser_body())
    assert request.POST.getlist("attachments") == [""]
    assert not request.FILES
    assert django_parser_calls.call_count == 0


def test_after_the_parse_the_request_is_left_as_django_leaves_it():
    request = a_request(form_body())
    assert request.POST["kind"] == "complaint"
    assert isinstance(request.upload_handlers, ImmutableList)
    assert request.read() == b""
    with pytest.raises(RawPostDataException):
        request.body  # noqa: B018  (as after Django's parser: the stream was read)
    with pytest.raises(AttributeError, match="immutable"):
        request.POST["kind"] = "x"  # type: ignore[misc]


def test_a_body_read_first_by_request_body_is_parsed_from_it(django_parser_calls):
    request = a_request(browser_body())
    assert request.body
    assert request.POST["subject"] == "Fatura hatası"
    assert django_parser_calls.call_count == 0


def test_a_real_file_goes_through_djangos_parser_and_arrives_intact(django_parser_calls):
    content = b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\r\n--" + BOUNDARY.encode()[:5]
    body = form_body(attachments=[SimpleUploadedFile("dekont.pdf", content, "application/pdf")])
    request = a_request(body)
    (upload,) = request.FILES.getlist("attachments")
    assert (upload.name, upload.content_type, upload.read()) == (
        "dekont.pdf",
        "application/pdf",
        content,
    )
    assert request.POST["email"] == "ayse@example.com"
    assert django_parser_calls.call_count == 1


def test_a_body_over_the_cap_is_left_to_django_unread(django_parser_calls):
    body = form_body(description="ş" * multipart.CAP)
    assert through_post(body, MULTIPART_CONTENT, None) == by_django(
        body, MULTIPART_CONTENT, None, len(body)
    )
    assert django_parser_calls.call_count == 2


def test_other_upload_handlers_are_left_to_django(django_parser_calls):
    request = a_request(form_body())
    request.upload_handlers = [mock.Mock(wraps=request.upload_handlers[0], chunk_size=1024)]
    request.POST  # noqa: B018
    assert django_parser_calls.call_count == 1


def test_a_stream_longer_than_its_content_length_is_handed_whole_to_django():
    body = form_body(description="ş" * multipart.CAP)
    expected = by_django(body, MULTIPART_CONTENT, None, 900)
    assert through_bytes(body, MULTIPART_CONTENT, None, 900) == expected
    assert expected[1][-1] == ("privacy_notice_version", ["1"])


def test_it_refuses_to_start_if_djangos_method_changed():
    def changed(self, META, post_data, parser_class):
        raise AssertionError

    with (
        mock.patch.object(HttpRequest, "parse_file_upload", changed),
        pytest.raises(RuntimeError, match=r"common/multipart\.py"),
    ):
        multipart.install()


@pytest.mark.django_db
def test_the_web_form_stores_a_complaint_parsed_without_djangos_parser(client, django_parser_calls):
    from complaints.models import Complaint

    data = the_form(subject="Bağlantı kopuyor")
    del data["csrfmiddlewaretoken"]
    response = client.post("/submit/", data)
    assert response.status_code == 302
    assert Complaint.objects.get().subject == "Bağlantı kopuyor"
    assert django_parser_calls.call_count == 0


# --- Limits at their thresholds -----------------------------------------------


def _djangos_size(fields: dict[str, str]) -> int:
    # What Django counts against DATA_UPLOAD_MAX_MEMORY_SIZE: each value's bytes,
    # its name's characters and 2.
    return sum(len(value.encode()) + len(name) + 2 for name, value in fields.items())


FIELDS = the_form(**{"açıklama": "Türkçe adlı bir alan"})
SIZE = _djangos_size(FIELDS)  # 10 fields: Django counts 12 parts, the preamble and the closing "--"


@pytest.mark.parametrize(
    ("limits", "raises"),
    [
        ({"DATA_UPLOAD_MAX_NUMBER_FIELDS": 10}, None),
        ({"DATA_UPLOAD_MAX_NUMBER_FIELDS": 9}, TooManyFieldsSent),
        ({"DATA_UPLOAD_MAX_NUMBER_FIELDS": None}, None),
        ({"DATA_UPLOAD_MAX_MEMORY_SIZE": SIZE}, None),
        ({"DATA_UPLOAD_MAX_MEMORY_SIZE": SIZE - 1}, RequestDataTooBig),
        ({"DATA_UPLOAD_MAX_MEMORY_SIZE": None}, None),
        ({"DATA_UPLOAD_MAX_NUMBER_FILES": 0}, None),
    ],
)
def test_the_limits_are_djangos_at_the_same_thresholds(limits, raises, django_parser_calls):
    body = encode_multipart(BOUNDARY, FIELDS)
    with override_settings(**limits):
        ours = through_post(body, MULTIPART_CONTENT, None)
        assert ours == by_django(body, MULTIPART_CONTENT, None, len(body))
    if raises:
        assert ours == ("raises", raises)
    else:
        assert ours[1] == [(name, [value]) for name, value in FIELDS.items()]
    # Within the limits the form is ours; past them, Django's parser raises.
    assert django_parser_calls.call_count == (2 if raises else 1)


def test_too_many_files_is_djangos_error():
    file = SimpleUploadedFile("a.txt", b"a")
    body = form_body(attachments=[file, SimpleUploadedFile("b.txt", b"b")])
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=1):
        ours = through_post(body, MULTIPART_CONTENT, None)
        assert ours == by_django(body, MULTIPART_CONTENT, None, len(body))
    assert ours[0] == "raises"


# --- Many bodies, both ways ---------------------------------------------------

BOUNDARIES = [
    BOUNDARY,
    "----WebKitFormBoundary7MA4YWxkTrZu0gW",
    "---------------------------9051914041544843365972754266",
    "x",
    "a'()+_,./:?-b",
]
NAMES = ["name", "email", "açıklama", "a b", " padded ", "", 'say "hi"', "a;b", "back\\slash"]
DISPOSITIONS = [
    *['Content-Disposition: form-data; name="{name}"'] * 8,
    'Content-Disposition: form-data; name="{escaped}"',
    "Content-Disposition: form-data; name={name}",
    'content-disposition: form-data; name="{name}"',
    'Content-Disposition: form-data; name="{name}"; filename=""',
    'Content-Disposition: form-data; name="{name}"; filename="fatura.txt"',
    'Content-Disposition: form-data; name="{name}"; filename="."',
    "Content-Disposition: form-data; name*=utf-8''%C5%9Fikayet",
    "Content-Disposition: form-data",
    'Content-Disposition: attachment; name="{name}"',
    'Content-Disposition : form-data; name="{name}"',
]
OTHER_HEADERS = [
    b"Content-Type: text/plain; charset=utf-8",
    b"Content-Type: application/octet-stream",
    b"Content-Transfer-Encoding: base64",
    b"Content-Transfer-Encoding: 8bit",
    b"X-Extra: 1",
    b"Content-Length: 3",
    b"garbage",
    b"",
    b"Content-Type: \xff\xfe",
]
VALUES = st.one_of(
    st.text(max_size=30).map(lambda text: text.encode()),
    st.binary(max_size=30),
    st.sampled_from(
        [
            b"",
            b"\r\n",
            b"--",
            b"\r\n--" + BOUNDARY.encode(),
            "Şikâyet: ödeme iki kez çekildi".encode(),
            "Şikâyet".encode("cp1254"),
            b"aGVsbG8=",
            b"x" * 1500,
        ]
    ),
)
CONTENT_TYPES = [
    *["multipart/form-data; boundary={b}"] * 16,
    'multipart/form-data; boundary="{b}"',
    "multipart/form-data; charset=latin-1; boundary={b}",
    "multipart/form-data; boundary={b}; charset=utf-8",
    "Multipart/Form-Data; Boundary={b}",
    "multipart/form-data; boundary={b} ",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=" + "x" * 250,
    "multipart/form-data; boundary=sınır",
]


@st.composite
def parts(draw: st.DrawFn, newline: bytes) -> bytes:
    name = draw(st.sampled_from(NAMES) | st.text(max_size=8))
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    disposition = draw(st.sampled_from(DISPOSITIONS)).format(name=name, escaped=escaped)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "latin-1"]))
    headers = [disposition.encode(encoding, "replace")]
    if draw(st.integers(0, 2)) == 0:
        headers += draw(st.lists(st.sampled_from(OTHER_HEADERS), max_size=2))
    headers = draw(st.permutations(headers)) if draw(st.booleans()) else headers
    if draw(st.integers(0, 9)) == 0:
        headers = []  # a part without a header
    return newline + newline.join(headers) + newline + newline + draw(VALUES) + newline


@st.composite
def bodies(draw: st.DrawFn) -> tuple[bytes, str, str | None, int]:
    boundary = draw(st.sampled_from(BOUNDARIES))
    separator = b"--" + boundary.encode()
    newline = draw(st.sampled_from([b"\r\n", b"\r\n", b"\r\n", b"\n"]))
    preamble = draw(st.sampled_from([b""] * 4 + [b"junk", b"\r\n", b"a preamble\r\n", b"p" * 1100]))
    epilogue = draw(
        st.sampled_from(
            [b"--\r\n"] * 4 + [b"--", b"", b"\r\n", b"--\r\nepilogue", b"--\r\n" + b"e" * 1100]
        )
    )
    body = preamble + b"".join(
        separator + part
        for part in draw(
            st.lists(parts(newline), min_size=draw(st.sampled_from([0, 1, 1, 2])), max_size=8)
        )
    )
    body += separator + epilogue
    if draw(st.integers(0, 5)) == 0:
        body = body[: draw(st.integers(0, len(body)))]  # truncated
    if draw(st.integers(0, 7)) == 0:
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(st.binary(min_size=1, max_size=8)) + body[at:]
    content_type = draw(st.sampled_from(CONTENT_TYPES)).format(b=boundary)
    encoding = draw(st.sampled_from([None] * 4 + ["utf-8", "latin-1", "cp1254", "utf-16"]))
    return body, content_type, encoding, len(body)


LIMITS = st.fixed_dictionaries(
    {
        "DATA_UPLOAD_MAX_NUMBER_FIELDS": st.sampled_from([1000] * 6 + [None, 0, 1, 2, 3, 5, 8]),
        "DATA_UPLOAD_MAX_MEMORY_SIZE": st.sampled_from([2621440] * 6 + [None, 0, 10, 60, 200, 400]),
        "DATA_UPLOAD_MAX_NUMBER_FILES": st.sampled_from([100] * 3 + [None, 0, 1]),
    }
)


@DIFFERENTIAL
@given(body=bodies(), limits=LIMITS)
def test_any_body_gives_what_djangos_parser_gives(body, limits):
    body, content_type, encoding, length = body
    with override_settings(**limits):
        expected = by_django(body, content_type, encoding, length)
        assert through_bytes(body, content_type, encoding, length) == expected
        assert through_post(body, content_type, encoding) == expected


@pytest.mark.parametrize(
    ("body", "length"),
    [
        (b"", 0),
        (b"", 100),  # the body announced, none sent
        (form_body()[:-2], None),  # no final CRLF
        (form_body()[:300], None),  # cut in a value
        (form_body()[:-10], None),  # cut in the closing boundary
        (b"\r\n" * 3 + form_body() + b"an epilogue\r\n", None),
        (form_body().replace(b"\r\n", b"\n"), None),  # LF only
        (form_body(description="a\r\n--" + BOUNDARY + "b"), None),  # the boundary in a value
        (b"junk before" + form_body(), None),
        (
            b'Content-Disposition: form-data; name="p"\r\n\r\nin the preamble\r\n' + form_body(),
            None,
        ),
        (b"-" * 2000, None),
        (
            SEPARATOR + b'\r\nContent-Disposition: form-data; name="' + b"n" * 1100 + b'"\r\n\r\nv',
            None,
        ),
        (
            SEPARATOR + b'\r\nContent-Disposition: form-data; name="b64"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n" + SEPARATOR + b"--",
            None,
        ),
    ],
)
@pytest.mark.parametrize("encoding", [None, "latin-1", "utf-16", "no-such-codec"])
def test_odd_bodies_and_encodings_give_what_djangos_parser_gives(body, length, encoding):
    length = len(body) if length is None else length
    expected = by_django(body, MULTIPART_CONTENT, encoding, length)
    assert through_bytes(body, MULTIPART_CONTENT, encoding, length) == expected
    if length == len(body):
        assert through_post(body, MULTIPART_CONTENT, encoding) == expected


@pytest.mark.parametrize("limit", [0, 1])
def test_a_long_last_part_without_a_closing_boundary_counts_as_django_counts_it(limit):
    # Django's BoundaryIter hands such a part over in two pieces: past a field
    # without a name it takes the second for one more part.
    body = SEPARATOR + b"\r\nContent-Disposition: form-data\r\n\r\n" + b"v" * 1200
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=limit):
        expected = by_django(body, MULTIPART_CONTENT, None, len(body))
        assert through_post(body, MULTIPART_CONTENT, None) == expected
    assert (expected[0] == "raises") is (limit == 0)


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=" + "x" * 202,
        "multipart/form-data; boundary=sınır",
        'multipart/form-data; boundary="ends in a space "',
    ],
)
def test_an_invalid_boundary_is_djangos_error(content_type):
    body = form_body()
    assert through_post(body, content_type, None) == ("raises", MultiPartParserError)
    assert by_django(body, content_type, None, len(body)) == ("raises", MultiPartParserError)


@DIFFERENTIAL
@given(boundary=st.text(alphabet="0123456789abcXYZ'()+_,./:?-", min_size=1, max_size=200))
def test_the_boundary_is_the_one_django_reads_from_the_content_type(boundary):
    from django.utils.http import parse_header_parameters

    content_type = f"multipart/form-data; boundary={boundary}"
    assert multipart._CONTENT_TYPE.fullmatch(content_type)
    assert parse_header_parameters(content_type)[1]["boundary"] == boundary
    assert MultiPartParser.boundary_re.fullmatch(boundary)
