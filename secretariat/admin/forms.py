from django import forms
from django.conf import settings

from pps_admin.text import validate_multi_line, validate_single_line

from ..models import EndReason, Person


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Berkas roster (.xlsx atau .csv)",
        help_text="Header harus tepat seperti templat. Berkas diperiksa dulu; belum ada yang disimpan.",
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
    reason = forms.ChoiceField(label="Alasan", choices=EndReason.choices)
    note = forms.CharField(
        label="Keterangan",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_multi_line],
    )


class ReplaceAppointmentForm(EndAppointmentForm):
    replacement_nik = forms.CharField(
        label="NIK pengganti",
        max_length=16,
        help_text="Daftarkan dulu orang pengganti di menu Anggota sekretariat.",
    )
    lurah_decree_number = forms.CharField(
        label="Nomor Keputusan Lurah", max_length=100, validators=[validate_single_line]
    )
    lurah_decree_date = forms.DateField(
        label="Tanggal Keputusan Lurah", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean_replacement_nik(self):
        nik = self.cleaned_data["replacement_nik"].strip()
        person = Person.objects.filter(nik=nik).first()
        if person is None:
            raise forms.ValidationError("Tidak ada anggota terdaftar dengan NIK ini.")
        self.replacement = person
        return nik
