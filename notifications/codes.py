"""The history codes the notifications app writes (see complaints.history).

The acknowledgement itself is reported with complaints' own code
(``complaints.codes.ACKNOWLEDGEMENT_SENT``): what it means for the complaint
is complaints' decision (complaints.handlers).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from complaints.history import ActionCode, codes_declare

NOTICE_SENT = "notifications.notice.sent"
NOTICE_FAILED = "notifications.notice.failed"
NOTICE_RETRIED = "notifications.notice.retried"
# A provider reported, after taking it, that the notice did not arrive
# (bounce, undelivered SMS): the notice turns failed.
NOTICE_UNDELIVERED = "notifications.notice.undelivered"

codes_declare(
    ActionCode(NOTICE_SENT, _("Notice sent")),
    ActionCode(NOTICE_FAILED, _("Notice failed")),
    ActionCode(NOTICE_RETRIED, _("Notice sent again")),
    ActionCode(NOTICE_UNDELIVERED, _("Notice not delivered")),
)
