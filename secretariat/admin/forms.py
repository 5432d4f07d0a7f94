from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.urls import reverse

from pps_admin.text import validate_multi_line, validate_single_line

from ..models import Appointment, EndReason, Office, OfficeKind, Person


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Berkas roster (.xlsx atau .csv)",
        help_text="Header harus tepat seperti templat. Berkas diperiksa dulu; belum ada yang disimpan.",
    )

    def __init__(self, *args, ask_office: bool = False, **kwargs):
        """`ask_office`: a superuser of a deployment with several offices names the importing one (staff
        import for their own office, without asking)."""
        super().__init__(*args, **kwargs)
        if ask_office:
            self.fields["office"] = forms.ModelChoiceField(
                label="Kantor KPU",
                queryset=Office.objects.filter(kind=OfficeKind.REGENCY).order_by("code"),
                help_text="Setiap baris harus berada di wilayah kantor ini.",
                error_messages={"required": "Pilih kantor KPU yang mengimpor."},
            )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"Berkas terlalu besar (maksimal {settings.IMPORT_MAX_BYTES // (1024 * 1024)} MB)."
            )
        return upload


class EndAppointmentForm(forms.Form):
    end_date = forms.DateField(
        label="Tanggal berhenti", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    # No default: ending a post for the wrong reason ("Meninggal dunia" was preselected) is serious.
    reason = forms.ChoiceField(
        label="Alasan",
        choices=[("", "— pilih alasan —"), *EndReason.choices],
        error_messages={"required": "Pilih alasan berhenti."},
    )
    note = forms.CharField(
        label="Keterangan",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_multi_line],
    )


# The replacement search answers from this many characters on (a trigram needs three); select2 waits for them.
REPLACEMENT_MIN_CHARACTERS = 3


class ReplacementSelect(AutocompleteSelect):
    """The admin's search-as-you-type select, asking our own search: people without an active post,
    shown with their masked NIK."""

    def get_url(self):
        return reverse("admin:secretariat_appointment_replacement_search")


class ReplaceAppointmentForm(EndAppointmentForm):
    replacement = forms.ModelChoiceField(
        label="Pengganti",
        queryset=Person.objects.all(),
        help_text=f"Ketik nama (minimal {REPLACEMENT_MIN_CHARACTERS} huruf) atau NIK orang yang sudah "
        "terdaftar dan belum menjabat. Belum terdaftar? Tambahkan lewat tombol + di sampingnya.",
        error_messages={
            "required": "Pilih orang pengganti.",
            "invalid_choice": "Orang pengganti tidak ditemukan. Pilih dari hasil pencarian.",
        },
    )
    lurah_decree_number = forms.CharField(
        label="Nomor Keputusan Lurah/Kepala Desa", max_length=100, validators=[validate_single_line]
    )
    lurah_decree_date = forms.DateField(
        label="Tanggal Keputusan Lurah/Kepala Desa",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start_date = forms.DateField(
        label="Pengganti mulai bertugas",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Hari pertama pengganti bertugas, paling awal sehari sesudah tanggal berhenti anggota lama "
        "(tanggal berhenti adalah hari terakhirnya bertugas; satu jabatan hanya dipegang satu orang pada "
        "satu hari) dan tidak sebelum tanggal Keputusan Lurah. SK penggantian antarwaktu menghitung masa "
        "kerja pengganti dari tanggal ini.",
        error_messages={"required": "Isi tanggal pengganti mulai bertugas."},
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        if request is not None:
            # Only people of the user's office may replace (another office's id is "not found").
            self.fields["replacement"].queryset = Person.objects.visible_to(request.user)
            person_field = Appointment._meta.get_field("person")
            self.fields["replacement"].widget = RelatedFieldWidgetWrapper(
                ReplacementSelect(
                    person_field,
                    admin.site,
                    attrs={"data-width": "32em", "data-minimum-input-length": REPLACEMENT_MIN_CHARACTERS},
                ),
                person_field.remote_field,
                admin.site,
                can_add_related=request.user.has_perm("secretariat.add_person"),
            )
            field = self.fields["replacement"]
            field.queryset = field.queryset  # hands the choices to the new widget

    @property
    def replacement_person(self) -> Person:
        return self.cleaned_data["replacement"]


class ReactivateAppointmentForm(forms.Form):
    note = forms.CharField(
        label="Alasan pembatalan",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Misalnya: salah pilih anggota saat mengakhiri. Dicatat di riwayat.",
        error_messages={"required": "Tulis alasan pembatalan untuk riwayat."},
    )
