"""The history codes the complaints app writes (see complaints.history).

The stage changes are the transitions' own codes (``Transition.action``);
they are spelled out here so that other apps react to constants, and a test
checks that every transition's code is one of them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .history import ActionCode, codes_declare

RECEIVED = "complaints.complaint.received"
ACKNOWLEDGED = "complaints.complaint.acknowledged"
CLASSIFIED = "complaints.complaint.classified"
TRACKING_STARTED = "complaints.complaint.tracking_started"
ANALYSIS_STARTED = "complaints.complaint.analysis_started"
RESPONDED = "complaints.complaint.responded"
DECISION_NOTIFIED = "complaints.complaint.decision_notified"
CLOSED = "complaints.complaint.closed"
REOPENED = "complaints.complaint.reopened"

ASSIGNED = "complaints.complaint.assigned"
REPRIORITIZED = "complaints.complaint.reprioritized"
RECATEGORIZED = "complaints.complaint.recategorized"

MESSAGE_FROM_CUSTOMER = "complaints.message.from_customer"
MESSAGE_FROM_STAFF = "complaints.message.from_staff"
INTERNAL_NOTE = "complaints.message.internal_note"

# Reported by whichever app delivered the acknowledgement (with the tracking
# number) to the customer; complaints reacts by moving the complaint on
# (complaints.handlers), in the same transaction as the report.
ACKNOWLEDGEMENT_SENT = "complaints.acknowledgement.sent"

codes_declare(
    # A stage change reads as the stage reached (the buttons say the verb).
    ActionCode(RECEIVED, _("Received")),
    ActionCode(ACKNOWLEDGED, _("Acknowledged")),
    ActionCode(CLASSIFIED, _("Classified")),
    ActionCode(TRACKING_STARTED, _("Under follow-up")),
    ActionCode(ANALYSIS_STARTED, _("Analysis and evaluation")),
    ActionCode(RESPONDED, _("Responded")),
    ActionCode(DECISION_NOTIFIED, _("Decision notified")),
    ActionCode(CLOSED, _("Closed")),
    ActionCode(REOPENED, _("Re-opened")),
    ActionCode(ASSIGNED, _("Assigned")),
    ActionCode(REPRIORITIZED, _("Priority changed")),
    ActionCode(RECATEGORIZED, _("Category changed")),
    ActionCode(MESSAGE_FROM_CUSTOMER, _("Message from the customer")),
    ActionCode(MESSAGE_FROM_STAFF, _("Message from staff")),
    ActionCode(INTERNAL_NOTE, _("Internal note")),
    ActionCode(ACKNOWLEDGEMENT_SENT, _("Acknowledgement sent")),
)

# --- The conversation with the customer (docs/conversation.md) ----------------
# Files the customer sent without a message (with one, the message's row says it).
ATTACHMENT_ADDED = "complaints.attachment.added"
# A one-time code to open the customer's page was asked for; the app that
# sends notices sends it (complaints.services.access_code_plaintext).
ACCESS_CODE_REQUESTED = "complaints.access.code_requested"
ACCESS_CODE_VERIFIED = "complaints.access.code_verified"
ACCESS_LOCKED = "complaints.access.locked"

codes_declare(
    ActionCode(ATTACHMENT_ADDED, _("Files sent by the customer")),
    ActionCode(ACCESS_CODE_REQUESTED, _("Access code sent to the customer")),
    ActionCode(ACCESS_CODE_VERIFIED, _("Customer verified with an access code")),
    ActionCode(ACCESS_LOCKED, _("Access locked after wrong codes")),
)
