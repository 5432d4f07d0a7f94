from django import forms
from django.utils import timezone

from pps_admin.scans.checks import MAX_SCAN_BYTES
from pps_admin.scans.fields import MultipleFileField
from pps_admin.signing.forms import PassphraseForm
from pps_admin.text import validate_single_line


class SignForm(forms.Form):
    signed_date = forms.DateField(
        label="Tanggal tanda tangan", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    signed_place = forms.CharField(label="Tempat", max_length=200, validators=[validate_single_line])

    def clean_signed_date(self):
        # Checked here too (the service refuses it as well) so the message sits next to the date field.
        value = self.cleaned_data["signed_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("Tanggal penandatanganan tidak boleh di masa depan.")
        return value


class RecordSignatureForm(SignForm):
    scan = forms.FileField(
        label="Pindaian pakta bertanda tangan",
        required=False,
        help_text=f"PDF, JPEG atau PNG, maksimal {MAX_SCAN_BYTES // (1024 * 1024)} MB.",
    )


class ScanForm(forms.Form):
    scan = forms.FileField(
        label="Pindaian pakta bertanda tangan", help_text="PDF, JPEG atau PNG, maksimal 5 MB."
    )


class ScanIntakeForm(forms.Form):
    scans = MultipleFileField(
        label="Berkas pindaian",
        help_text="Satu PDF berisi semua pakta bertanda tangan, atau beberapa foto/gambar JPEG/PNG "
        "(maksimal 50 MB seluruhnya, 150 halaman).",
    )


class ScanIntakeConfirmForm(SignForm):
    token = forms.CharField(widget=forms.HiddenInput)


class GeneratePactsForm(PassphraseForm):
    batch = "semua pakta integritas yang dibuat sekarang"
    what = "pakta integritas"


class PactRetryForm(PassphraseForm):
    batch = "semua pakta integritas yang dicoba lagi"
    what = "pakta integritas"
