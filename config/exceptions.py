"""One JSON shape for every API error (to be completed by the API work)."""

from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    return exception_handler(exc, context)
