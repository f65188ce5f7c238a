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

# Personal data (KVKK; complaints.retention): a complaint anonymised in place,
# by the retention sweep or at the customer's request, and edits of a customer
# (the fields named, never their values).
ANONYMISED = "complaints.complaint.anonymised"
ANONYMISED_ON_REQUEST = "complaints.complaint.anonymised_on_request"
CUSTOMER_CHANGED = "complaints.customer.changed"
CUSTOMER_EXPORTED = "complaints.customer.exported"

codes_declare(
    ActionCode(ANONYMISED, _("Anonymised under the retention policy")),
    ActionCode(ANONYMISED_ON_REQUEST, _("Anonymised at the customer's request")),
    ActionCode(CUSTOMER_CHANGED, _("Customer's details changed")),
    ActionCode(CUSTOMER_EXPORTED, _("Customer's data exported at their request")),
)
