from .appointment import Appointment, EndReason, Role
from .decree import (
    Decree,
    DecreeEntry,
    DecreeKind,
    DecreeNumberSequence,
    DecreeStatus,
    DecreeTemplate,
    Paper,
)
from .documents import (
    Document,
    DocumentKind,
    DocumentStatus,
    GenerationJob,
    JobKind,
    JobPassphrase,
    JobStatus,
)
from .office import Office, OfficeKind, StaffMembership
from .office_seal import OfficeSeal, SealKind
from .period import ElectionPeriod, KeyDate
from .person import EmploymentStatus, Gender, Person
from .receipt import PetikanReceipt

__all__ = [
    "Decree",
    "DecreeEntry",
    "DecreeKind",
    "DecreeNumberSequence",
    "DecreeStatus",
    "DecreeTemplate",
    "Document",
    "DocumentKind",
    "DocumentStatus",
    "GenerationJob",
    "JobKind",
    "JobPassphrase",
    "JobStatus",
    "KeyDate",
    "Office",
    "OfficeKind",
    "OfficeSeal",
    "SealKind",
    "StaffMembership",
    "Paper",
    "PetikanReceipt",
    "Appointment",
    "ElectionPeriod",
    "EmploymentStatus",
    "EndReason",
    "Gender",
    "Person",
    "Role",
]
