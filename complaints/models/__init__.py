"""The complaint, its customer, its messages and its append-only history,
one module each; import them from here."""

from ..workflow import Answer, Kind, Stage
from .access import AccessCode, MailThreadEntry
from .attachment import ComplaintAttachment
from .choices import CONTACT_CHANNELS, Channel, Language, Priority, choices_check
from .complaint import Complaint
from .customer import Customer
from .decision_call import CallOutcome, DecisionCall
from .event import ComplaintEvent
from .message import ComplaintMessage, MessageAuthor
from .privacy import ComplaintRead, NoticeGiven, PrivacyNotice
from .recourse import RecourseText
from .taxonomy import BilingualName, Category, RootCause

__all__ = [
    "CONTACT_CHANNELS",
    "AccessCode",
    "Answer",
    "BilingualName",
    "CallOutcome",
    "Category",
    "Channel",
    "Complaint",
    "ComplaintAttachment",
    "ComplaintEvent",
    "ComplaintMessage",
    "ComplaintRead",
    "Customer",
    "DecisionCall",
    "Kind",
    "Language",
    "MailThreadEntry",
    "MessageAuthor",
    "NoticeGiven",
    "Priority",
    "PrivacyNotice",
    "RecourseText",
    "RootCause",
    "Stage",
    "choices_check",
]
