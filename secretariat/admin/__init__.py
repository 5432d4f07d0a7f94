from .appointment import AppointmentAdmin
from .decree import DecreeAdmin, DecreeNumberSequenceAdmin, DecreeTemplateAdmin
from .office import OfficeAdmin
from .period import ElectionPeriodAdmin
from .person import PersonAdmin

__all__ = [
    "AppointmentAdmin",
    "DecreeAdmin",
    "DecreeNumberSequenceAdmin",
    "DecreeTemplateAdmin",
    "ElectionPeriodAdmin",
    "OfficeAdmin",
    "PersonAdmin",
]
