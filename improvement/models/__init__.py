"""The improvement loop's records, one module per part; import them from here."""

from .access import ImprovementAccess
from .capa import CapaEvent, CorrectiveAction
from .recurrence import ComplaintLink, LinkKind, RecurrenceSignal, SignalDimension
from .survey import SCORE_FIELDS, SurveyInvitation, SurveyOptOut, SurveyResponse

__all__ = [
    "SCORE_FIELDS",
    "CapaEvent",
    "ComplaintLink",
    "CorrectiveAction",
    "ImprovementAccess",
    "LinkKind",
    "RecurrenceSignal",
    "SignalDimension",
    "SurveyInvitation",
    "SurveyOptOut",
    "SurveyResponse",
]
