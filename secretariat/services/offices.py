"""Creating a KPU office for a loaded region (`create_office`): the office, its KPU Provinsi above it, and
what the office needs to start working: its own decree template, pact text (by the integrity app, through
the `office_created` signal: secretariat never imports integrity) and the key dates of the current period.
Nothing else: people, ceremonies and staff come from the office itself."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from kelurahan import codes
from kelurahan.models import Province, Regency

from ..models import DecreeTemplate, ElectionPeriod, KeyDate, Office, OfficeKind
from ..office_names import office_place_name, province_office_name, regency_office_name
from ..signals import office_created
from .office_texts import decree_template_values

# Where a KPU Provinsi sits (the province's capital) [check]: an office edits it (Kantor KPU, "tempat
# kedudukan"). Kalimantan Selatan's capital moved to Banjarbaru by UU 8/2022.
PROVINCE_SEATS = {
    "11": "Banda Aceh", "12": "Medan", "13": "Padang", "14": "Pekanbaru", "15": "Jambi",
    "16": "Palembang", "17": "Bengkulu", "18": "Bandar Lampung", "19": "Pangkalpinang",
    "21": "Tanjungpinang", "31": "Jakarta", "32": "Bandung", "33": "Semarang", "34": "Yogyakarta",
    "35": "Surabaya", "36": "Serang", "51": "Denpasar", "52": "Mataram", "53": "Kupang",
    "61": "Pontianak", "62": "Palangka Raya", "63": "Banjarbaru", "64": "Samarinda",
    "65": "Tanjung Selor", "71": "Manado", "72": "Palu", "73": "Makassar", "74": "Kendari",
    "75": "Gorontalo", "76": "Mamuju", "81": "Ambon", "82": "Sofifi", "91": "Jayapura",
    "92": "Manokwari", "93": "Merauke", "94": "Nabire", "95": "Wamena", "96": "Sorong",
}  # fmt: skip

# Dates every office of a period shares, taken from the period itself (staff add their own in the admin).
PERIOD_KEY_DATES = [
    ("Pelantikan PPS", "term_start"),
    ("Hari pemungutan suara", "vote_date"),
    ("Akhir masa kerja Sekretariat PPS", "term_end"),
]


@dataclass
class OfficeCreation:
    office: Office
    created: list[str] = field(default_factory=list)  # what this run made, in Indonesian
    seat_unknown: bool = False  # a new kabupaten office whose seat is not loaded: its place is a guess

    @property
    def changed(self) -> bool:
        return bool(self.created)


def _normalized(code: str) -> str:
    value = code.strip()
    if re.fullmatch(r"\d{4}", value):
        value = f"{value[:2]}.{value[2:]}"
    if not (codes.PROVINCE_CODE_RE.match(value) or codes.REGENCY_CODE_RE.match(value)):
        raise ValidationError(
            f"Kode “{code}” bukan kode provinsi (mis. 64) atau kabupaten/kota (mis. 64.72) Kemendagri."
        )
    return value


def _not_loaded(code: str) -> ValidationError:
    return ValidationError(
        f"Wilayah {code} belum dimuat atau tidak dikenal. Muat dulu wilayah provinsinya: "
        f"python manage.py load_regions {code[:2]}"
    )


@transaction.atomic
def office_create(*, code: str) -> OfficeCreation:
    """The office of region `code` ("64.72": KPU Kota Samarinda under KPU Provinsi Kalimantan Timur; "64":
    that KPU Provinsi alone), with what it needs; idempotent: a second run creates nothing and changes
    nothing, and `OfficeCreation.created` is empty."""
    code = _normalized(code)
    if len(code) == 2:
        province = Province.objects.filter(code=code).first()
        if province is None:
            raise _not_loaded(code)
        result = OfficeCreation(office=None)
        result.office = _provincial_office(province, result)
        return result
    regency = Regency.objects.select_related("province").filter(code=code).first()
    if regency is None:
        raise _not_loaded(code)
    result = OfficeCreation(office=None)
    parent = _provincial_office(regency.province, result)
    office = Office.objects.filter(regency=regency).first()
    if office is None:
        names = regency_office_name(code=regency.code, name=regency.name)
        office = _saved(
            Office(
                code=regency.code,
                kind=OfficeKind.REGENCY,
                name=names.name,
                short_name=names.short_name,
                province=regency.province,
                regency=regency,
                parent=parent,
                city=regency_seat(regency) or office_place_name(regency.name, regency.province_id),
            )
        )
        result.created.append(f"kantor {office.short_name}")
        result.seat_unknown = not regency_seat(regency)
    result.office = office
    _template(office, result)
    _key_dates(office, result)
    for _, made in office_created.send(sender=Office, office=office):
        result.created.extend(made or [])
    return result


def regency_seat(regency: Regency) -> str:
    """Where the office sits: a kota's name ("Samarinda"), a kabupaten's seat ("Tanah Grogot", loaded by
    load_regions); "" for a kabupaten whose seat is not known (create_office says to check it)."""
    if regency.kind == codes.KOTA:
        return office_place_name(regency.name, regency.province_id)
    return regency.seat


def _saved(obj):
    obj.full_clean()
    obj.save()
    return obj


def _provincial_office(province: Province, result: OfficeCreation) -> Office:
    office = Office.objects.filter(code=province.code).first()
    if office is not None:
        return office
    names = province_office_name(code=province.code, name=province.name)
    office = _saved(
        Office(
            code=province.code,
            kind=OfficeKind.PROVINCE,
            name=names.name,
            short_name=names.short_name,
            province=province,
            city=PROVINCE_SEATS.get(province.code, province.name),
        )
    )
    result.created.append(f"kantor {office.short_name}")
    return office


def _template(office: Office, result: OfficeCreation) -> None:
    if DecreeTemplate.objects.filter(office=office).exists():
        return  # the office's own, possibly edited: never touched again
    _saved(DecreeTemplate(office=office, is_active=True, **decree_template_values(office)))
    result.created.append("templat SK (nama Ketua belum diisi)")


def _key_dates(office: Office, result: OfficeCreation) -> None:
    period = ElectionPeriod.current()
    if period is None or KeyDate.objects.filter(office=office, period=period).exists():
        return
    for title, attr in PERIOD_KEY_DATES:
        _saved(KeyDate(office=office, period=period, title=title, start=getattr(period, attr)))
    result.created.append(f"{len(PERIOD_KEY_DATES)} tanggal penting {period.name}")


def office_by_code(code: str | None) -> Office:
    """The kabupaten/kota office named by `code` ("64.72"); without a code, the deployment's only one.
    Refused, naming the offices, when there are several and none was named, or the code is no office."""
    offices = Office.objects.filter(kind=OfficeKind.REGENCY)
    if code:
        code = code.strip()
        office = offices.filter(code=code).first()
        province = None if office else Office.objects.filter(code=code, kind=OfficeKind.PROVINCE).first()
        if province is not None:
            raise ValidationError(
                f"{code} adalah {province.short_name}: yang menerbitkan dan mencetak adalah kantor KPU "
                f"Kabupaten/Kota; sebutkan kantor KPU Kabupaten/Kota-nya: {_codes(province.children.all())}."
            )
        if office is None:
            raise ValidationError(
                f"Tidak ada kantor KPU Kabupaten/Kota berkode {code}. Kantor yang ada: {_codes(offices)}. "
                f"Buat dengan: python manage.py create_office {code}"
            )
        return office
    office = Office.sole()
    if office is None:
        raise ValidationError(
            f"Ada beberapa kantor KPU Kabupaten/Kota ({_codes(offices)}); sebutkan kantornya dengan "
            "--office KODE."
            if offices.exists()
            else "Belum ada kantor KPU Kabupaten/Kota. Buat dengan: python manage.py create_office KODE"
        )
    return office


def _codes(offices) -> str:
    return ", ".join(offices.order_by("code").values_list("code", flat=True)) or "belum ada"
