"""Which KPU office a roster import is for, and what a row of another office's person is told."""

from django.core.exceptions import ValidationError

from ..models import Office, OfficeKind

OTHER_OFFICE = (
    "NIK ini sudah terdaftar pada kantor KPU lain; orang ini tidak dapat diimpor di sini. Bila ia pindah "
    "wilayah, minta admin aplikasi memindahkannya."
)
OFFICES_LISTED = 20


def import_office(office: Office | None) -> Office:
    """The KPU Kabupaten/Kota office an import is for: `office`, else the deployment's only one. Refused
    (ValidationError, naming the offices to choose from) when there are several, or for a KPU Provinsi."""
    if office is None:
        office = Office.sole()
    if office is None:
        offices = Office.objects.filter(kind=OfficeKind.REGENCY).order_by("code")
        listed = ", ".join(f"{o.code} ({o.short_name})" for o in offices[:OFFICES_LISTED])
        more = " dan lainnya" if offices[OFFICES_LISTED : OFFICES_LISTED + 1].exists() else ""
        raise ValidationError(
            f"Ada beberapa kantor KPU: {listed}{more}. Pilih kantor yang mengimpor."
            if listed
            else "Belum ada kantor KPU Kabupaten/Kota di aplikasi."
        )
    if office.is_provincial:
        raise ValidationError(
            f"{office.short_name} adalah KPU Provinsi: anggota sekretariat PPS diimpor oleh KPU "
            "Kabupaten/Kota."
        )
    return office


class RowOffices:
    """The office each row is for: the one importing, or (`None`: a national file) its kelurahan's."""

    def __init__(self, office: Office | None):
        self.office = office
        self.by_regency = (
            None
            if office
            else {o.regency_id: o for o in Office.objects.filter(kind=OfficeKind.REGENCY).select_related()}
        )

    def of(self, kelurahan) -> Office | None:
        if self.office is not None:
            return self.office
        return self.by_regency.get(kelurahan.kecamatan.regency_id)
