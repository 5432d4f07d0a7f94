from .appointment import Appointment, EndReason, Role
from .period import ElectionPeriod
from .person import EmploymentStatus, Gender, Person

__all__ = [
    "Appointment",
    "ElectionPeriod",
    "EmploymentStatus",
    "EndReason",
    "Gender",
    "Person",
    "Role",
]
