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
# Reported by the same app when the provider says, after the fact, that the
# notice counted as the acknowledgement did not reach the customer (a bounce,
# an undelivered SMS) and no acknowledgement by staff stands
# (complaints.selectors.acknowledgement_given_by_staff). The sla app no longer
# counts the target as met; staff are asked to acknowledge by phone. A later
# ACKNOWLEDGEMENT_SENT (staff on the phone, the notice sent again) meets it again.
ACKNOWLEDGEMENT_UNDELIVERED = "complaints.acknowledgement.undelivered"

# Staff merged the complaint's customer record into another one (written on
# every complaint moved; the data keeps the merged-away record's details).
CUSTOMER_MERGED = "complaints.customer.merged"
# Requests from one app to whichever app delivers messages, so that neither
# imports the other. The app that writes the row decides *whether* to send;
# the app that delivers decides *how* (e-mail, else SMS, its outbox, retries).
# CUSTOMER_INVITED: send the customer the notice of kind ``data["notice"]``
# whose link is ``data["url"]`` (and ``data["opt_out_url"]`` when given).
CUSTOMER_INVITED = "complaints.customer.invited"
# STAFF_ALERTED: e-mail the notice of kind ``data["notice"]`` to the
# complaint's representative and the active members of ``data["group"]``,
# with the link ``data["url"]``.
STAFF_ALERTED = "complaints.staff.alerted"

# PROCESS.md "Waiting on the customer": staff asked the customer for
# information (the question is a staff message, its row says ``question``), and
# the wait ended (the customer answered on any channel, staff resumed, or the
# decision was notified). The sla app pauses and resumes the resolution clock.
WAITING_STARTED = "complaints.waiting.started"
WAITING_ENDED = "complaints.waiting.ended"

# PROCESS.md "An unanswered decision": the customer is reminded, once, to
# answer the decision, with the same ways to answer. Written by the app that
# keeps the time (sla), sent by the one that sends notices.
DECISION_REMINDER = "complaints.decision.reminder"

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
    ActionCode(ACKNOWLEDGEMENT_UNDELIVERED, _("Acknowledgement did not reach the customer")),
    ActionCode(CUSTOMER_MERGED, _("Customer records merged")),
    ActionCode(CUSTOMER_INVITED, _("Invitation sent to the customer")),
    ActionCode(STAFF_ALERTED, _("Staff alerted")),
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

# --- The conversation with the customer (docs/conversation.md) ----------------
# Files the customer sent without a message (with one, the message's row says it).
ATTACHMENT_ADDED = "complaints.attachment.added"
# A one-time code to open the customer's page was asked for; the app that
# sends notices sends it (complaints.services.access_code_plaintext).
ACCESS_CODE_REQUESTED = "complaints.access.code_requested"
ACCESS_CODE_VERIFIED = "complaints.access.code_verified"
ACCESS_LOCKED = "complaints.access.locked"

# PROCESS.md stage 7, "by e-mail or phone": staff called the customer about the
# decision (complaints.services.decision_call_record). A call that reached the
# customer is followed, in the same step, by the decision notified (when it was
# not yet) and by their answer when they gave it on the call; a call that did
# not reach them is only this row: nothing was notified.
DECISION_CALL_REACHED = "complaints.decision.call_reached"
DECISION_CALL_NOT_REACHED = "complaints.decision.call_not_reached"

codes_declare(
    ActionCode(ATTACHMENT_ADDED, _("Files sent by the customer")),
    ActionCode(ACCESS_CODE_REQUESTED, _("Access code sent to the customer")),
    ActionCode(ACCESS_CODE_VERIFIED, _("Customer verified with an access code")),
    ActionCode(ACCESS_LOCKED, _("Access locked after wrong codes")),
    ActionCode(WAITING_STARTED, _("Waiting on the customer")),
    ActionCode(WAITING_ENDED, _("No longer waiting on the customer")),
    ActionCode(DECISION_REMINDER, _("Reminded to answer the decision")),
    ActionCode(DECISION_CALL_REACHED, _("Decision call: customer reached")),
    ActionCode(DECISION_CALL_NOT_REACHED, _("Decision call: customer not reached")),
)
