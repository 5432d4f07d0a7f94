from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from pps_admin.text import validate_single_line

from .office import Office
from .scoping import office_scoped


class ElectionPeriod(models.Model):
    """An election and the term of its secretariats (e.g. Pilkada 2024: 26 May 2024 - 27 Jan 2025)."""

    name = models.CharField("nama", max_length=150, unique=True, validators=[validate_single_line])
    vote_date = models.DateField("hari pemungutan suara")
    term_start = models.DateField("awal masa kerja")
    term_end = models.DateField("akhir masa kerja")
    is_current = models.BooleanField(
        "periode berjalan",
        default=False,
        help_text="Periode yang dipakai untuk pengangkatan baru dan impor. Hanya satu yang berjalan.",
    )

    class Meta:
        ordering = ["-term_start"]
        verbose_name = "periode pemilihan"
        verbose_name_plural = "periode pemilihan"
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="one_current_period",
                violation_error_message="Sudah ada periode lain yang ditandai berjalan.",
            ),
            models.CheckConstraint(
                condition=Q(term_end__gte=models.F("term_start")),
                name="period_term_order",
                violation_error_message="Akhir masa kerja tidak boleh sebelum awalnya.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.term_start and self.term_end and self.term_end < self.term_start:
            raise ValidationError({"term_end": "Akhir masa kerja tidak boleh sebelum awalnya."})

    @classmethod
    def current(cls) -> "ElectionPeriod | None":
        return cls.objects.filter(is_current=True).first()

    @classmethod
    def for_new_appointment(cls, today) -> "ElectionPeriod | None":
        """The period a new appointment most likely belongs to: the one marked current, else the one
        whose term covers `today`, else the only period there is."""
        current = cls.current()
        if current is not None:
            return current
        covering = list(cls.objects.filter(term_start__lte=today, term_end__gte=today)[:2])
        if len(covering) == 1:
            return covering[0]
        only = list(cls.objects.all()[:2])
        return only[0] if len(only) == 1 else None


class KeyDate(models.Model):
    """A date members should know (shown on the portal), edited by staff per period."""

    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="key_dates", verbose_name="kantor"
    )
    period = models.ForeignKey(
        ElectionPeriod, on_delete=models.CASCADE, related_name="key_dates", verbose_name="periode"
    )
    title = models.CharField("kegiatan", max_length=200, validators=[validate_single_line])
    start = models.DateField("mulai")
    end = models.DateField("selesai", null=True, blank=True)

    objects = office_scoped("office").as_manager()

    class Meta:
        ordering = ["start", "id"]
        verbose_name = "tanggal penting"
        verbose_name_plural = "tanggal penting"

    def __str__(self):
        return self.title

    def clean(self):
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": "Tanggal selesai tidak boleh sebelum tanggal mulai."})
