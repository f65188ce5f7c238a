"""Staff triage in the Django admin, one module per screen."""

from .complaint import ComplaintAdmin
from .customer import CustomerAdmin
from .history import ComplaintEventAdmin
from .privacy import ComplaintReadAdmin, PrivacyNoticeAdmin
from .recourse import RecourseTextAdmin
from .taxonomy import CategoryAdmin, RootCauseAdmin

__all__ = [
    "CategoryAdmin",
    "ComplaintAdmin",
    "ComplaintEventAdmin",
    "ComplaintReadAdmin",
    "CustomerAdmin",
    "PrivacyNoticeAdmin",
    "RecourseTextAdmin",
    "RootCauseAdmin",
]
