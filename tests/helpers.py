"""Moving a complaint along the happy path, for tests that need one in a given stage."""

from complaints.models import Answer, Channel, Complaint, Stage
from complaints.selectors import PublicStatus, complaint_public_status_by_number
from complaints.services import complaint_transition

from .factories import category, root_cause


def advance(complaint: Complaint, to: Stage, actor) -> Complaint:
    """Walk the complaint forward through the normal steps until it reaches ``to``."""
    steps: list[tuple[Stage, dict]] = [
        (Stage.ACKNOWLEDGED, {}),
        (Stage.CLASSIFIED, {"category": category("financial")}),
        (Stage.TRACKING, {"assignee": actor}),
        (Stage.IN_ANALYSIS, {}),
        (
            Stage.RESPONDED,
            {
                "root_cause": root_cause(),
                "root_cause_analysis": "Fatura şablonu yanlış.",
                "solution_proposal": "Fark iade edilecek.",
            },
        ),
        (Stage.DECISION_NOTIFIED, {"decision": "Fark bir sonraki faturadan düşülecek."}),
        (
            Stage.CLOSED,
            {"customer_answer": Answer.ACCEPTED, "customer_answer_channel": Channel.PHONE},
        ),
    ]
    order = [s for s, _ in steps]
    for stage, fields in steps:
        if complaint.stage == to:
            break
        current = list(Stage).index(Stage(complaint.stage))
        if list(Stage).index(stage) <= current:
            continue
        if complaint.kind == "feedback" and stage == Stage.CLOSED:
            fields = {}
        complaint = complaint_transition(complaint=complaint, to=stage, actor=actor, fields=fields)
    assert complaint.stage == to, (complaint.stage, to, order)
    return complaint


def public_status(complaint: Complaint) -> PublicStatus:
    """What the public tracking page shows of the complaint, read afresh."""
    status = complaint_public_status_by_number(complaint.tracking_number)
    assert status is not None
    return status
