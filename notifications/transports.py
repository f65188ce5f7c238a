"""The transports, keyed by medium: how a notice is handed to a provider.

Each transport module registers itself (``email.py`` for e-mail, ``sms.py``
for SMS; AppConfig.ready imports them). The sender asks ``transport_for``
and knows no transport by name; tests put their own in with
``transports_override`` instead of patching the sender.

A transport's ``deliver(notification)`` hands over the rendered notice and
returns the provider's message id; it raises TemporaryDeliveryError when a
later attempt may succeed and PermanentDeliveryError when none can.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

from .errors import PermanentDeliveryError

if TYPE_CHECKING:
    from .models import Notification


class Transport(Protocol):
    def deliver(self, notification: Notification) -> str: ...


# A factory, called for every send: a transport reads its settings when made.
TransportFactory = Callable[[], Transport]

_REGISTERED: dict[str, TransportFactory] = {}
# Process-wide, not per thread: tests whose workers are threads see them too.
_OVERRIDES: list[dict[str, Transport]] = []
_lock = threading.Lock()


def transport_register(medium: str, factory: TransportFactory) -> None:
    _REGISTERED[str(medium)] = factory


def transport_for(medium: str) -> Transport:
    """The transport of ``medium``; PermanentDeliveryError when there is none."""
    with _lock:
        for overrides in reversed(_OVERRIDES):
            if str(medium) in overrides:
                return overrides[str(medium)]
    factory = _REGISTERED.get(str(medium))
    if factory is None:
        raise PermanentDeliveryError(f"no transport for the medium {medium!r}")
    return factory()


def transports_registered() -> tuple[str, ...]:
    return tuple(_REGISTERED)


@contextmanager
def transports_override(**transports: Transport) -> Iterator[None]:
    """Use these transports (by medium: ``email=…``, ``sms=…``) inside the block."""
    layer = dict(transports)
    with _lock:
        _OVERRIDES.append(layer)
    try:
        yield
    finally:
        with _lock:
            # By identity: nested overrides may end in any order (threads).
            _OVERRIDES[:] = [other for other in _OVERRIDES if other is not layer]
