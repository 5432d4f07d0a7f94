from .appointment import AppointmentAdmin
from .period import ElectionPeriodAdmin
from .person import PersonAdmin

__all__ = ["AppointmentAdmin", "ElectionPeriodAdmin", "PersonAdmin"]
