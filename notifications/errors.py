"""What a transport raises when a notice could not be handed over: the class
says whether trying again later can help."""


class DeliveryError(Exception):
    """The provider did not take the notice."""

    temporary: bool = True


class TemporaryDeliveryError(DeliveryError):
    """Worth another try later: timeouts, refused connections, provider 5xx, SMTP 4xx."""

    temporary = True


class PermanentDeliveryError(DeliveryError):
    """Trying again cannot help: an invalid address or number, provider 4xx, SMTP 5xx."""

    temporary = False
