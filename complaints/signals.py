"""The one hook other apps use to react to what happens to a complaint.

`complaint_event` is sent for every history row, inside the transaction that
writes it, with ``event`` (the ComplaintEvent) and ``complaint``. A receiver
that writes rows (an outbox notice, a due date) commits or rolls back together
with the change that caused it. Receivers are listed per app in ``handlers.py``
and match on ``event.action`` (dotted codes, see complaints.workflow).
"""

from django.dispatch import Signal

complaint_event = Signal()
