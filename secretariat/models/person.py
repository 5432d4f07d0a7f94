from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from pps_admin.text import validate_multi_line, validate_single_line
from secretariat import identity

from .office import Office
from .scoping import office_scoped


class Gender(models.TextChoices):
    MALE = identity.MALE, "Laki-laki"
    FEMALE = identity.FEMALE, "Perempuan"


class EmploymentStatus(models.TextChoices):
    ASN = "ASN", "ASN"
    NON_ASN = "NON_ASN", "Non-ASN"


phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 \-]{6,18}[0-9]$", "Nomor telepon hanya berisi angka (boleh diawali +62)."
)


class Person(models.Model):
    """Someone who serves (or served) in a Sekretariat PPS. Identity numbers are personal data."""

    nik = models.CharField(
        "NIK",
        max_length=16,
        unique=True,
        error_messages={"unique": "NIK ini sudah terdaftar untuk orang lain."},
    )
    name = models.CharField("nama lengkap", max_length=150, validators=[identity.validate_person_name])
    gender = models.CharField("jenis kelamin", max_length=1, choices=Gender.choices)
    birth_place = models.CharField("tempat lahir", max_length=100, validators=[validate_single_line])
    birth_date = models.DateField("tanggal lahir")
    employment_status = models.CharField("status kepegawaian", max_length=8, choices=EmploymentStatus.choices)
    nip = models.CharField("NIP", max_length=18, blank=True, help_text="Wajib untuk ASN (18 digit).")
    phone = models.CharField("telepon", max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField("surel", blank=True, validators=[validate_single_line])
    address = models.TextField("alamat", max_length=500, blank=True, validators=[validate_multi_line])
    # The office that keeps this person's record: the one that registered them (import or admin).
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="people", verbose_name="kantor")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name="akun portal",
    )
    must_change_password = models.BooleanField(
        "wajib ganti sandi", default=False, help_text="Sandi sekali pakai: diganti saat login pertama."
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    updated_at = models.DateTimeField("diubah", auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], verbose_name="riwayat orang")
    objects = office_scoped("office").as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "anggota sekretariat"
        verbose_name_plural = "anggota sekretariat"
        # A roster export with every full NIK is a copy of 102 people's identity numbers (UU 27/2022): only
        # operators, who import and correct the roster, need it; viewers get masked NIKs.
        permissions = [("export_full_nik", "Dapat mengekspor daftar anggota dengan NIK lengkap")]
        # The admin list is ordered by name: at national scale (251k people) an index, not a sort.
        indexes = [models.Index(fields=["name"], name="person_name_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["nip"],
                condition=~Q(nip=""),
                name="unique_nip_when_set",
                violation_error_message="NIP ini sudah terdaftar untuk orang lain.",
            ),
            models.CheckConstraint(condition=Q(nik__regex=r"^[0-9]{16}$"), name="nik_sixteen_digits"),
            models.CheckConstraint(
                condition=(Q(employment_status="ASN") & Q(nip__regex=r"^[0-9]{18}$"))
                | (Q(employment_status="NON_ASN") & Q(nip="")),
                name="nip_iff_asn",
                violation_error_message="NIP wajib (18 digit) untuk ASN dan harus kosong untuk non-ASN.",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The password-reset e-mail goes to the account's address: keep it the member's current one.
        if self.user_id and self.user.email != self.email:
            type(self.user).objects.filter(pk=self.user_id).update(email=self.email)

    @property
    def masked_nik(self) -> str:
        return identity.mask_nik(self.nik)

    @property
    def masked_nip(self) -> str:
        return identity.mask_nip(self.nip)

    @property
    def is_asn(self) -> bool:
        return self.employment_status == EmploymentStatus.ASN

    def clean(self):
        errors: dict[str, list] = {}

        def add(field, error):
            errors.setdefault(field, []).append(error)

        self.nik = (self.nik or "").strip()
        self.nip = (self.nip or "").strip()
        try:
            nik_info = identity.parse_nik(self.nik)
        except ValidationError as exc:
            add("nik", exc)
        else:
            for field, error in identity.check_nik_agrees(
                nik_info, birth_date=self.birth_date, gender=self.gender
            ):
                add(field, error)

        if self.employment_status == EmploymentStatus.ASN:
            if not self.nip:
                add("nip", ValidationError("NIP wajib diisi untuk ASN."))
            else:
                try:
                    nip_info = identity.parse_nip(self.nip)
                except ValidationError as exc:
                    add("nip", exc)
                else:
                    for field, error in identity.check_nip_agrees(
                        nip_info, birth_date=self.birth_date, gender=self.gender
                    ):
                        add(field, error)
        elif self.employment_status == EmploymentStatus.NON_ASN and self.nip:
            add("nip", ValidationError("NIP harus dikosongkan untuk non-ASN."))

        if errors:
            raise ValidationError(errors)

    def warnings(self) -> list[str]:
        """Against the kabupaten/kota of the person's office (Balikpapan's until they have one)."""
        regency = self.office.regency if self.office_id and self.office.regency_id else None
        if regency is None:
            return identity.nik_warnings(self.nik)
        return identity.nik_warnings(self.nik, prefix=regency.code.replace(".", ""), place=regency.name)
