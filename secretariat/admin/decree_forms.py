import datetime as dt

from django import forms

from pps_admin.signing.forms import PassphraseForm, passphrase_field
from pps_admin.text import validate_multi_line


class IssueDecreeForm(forms.Form):
    decree_date = forms.DateField(
        label="Tanggal ditetapkan",
        initial=dt.date(2024, 6, 1),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Tanggal pada kalimat “Ditetapkan di Balikpapan pada tanggal …”.",
    )

    def __init__(self, *args, ask_passphrase: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if ask_passphrase:
            self.fields["passphrase"] = passphrase_field(batch="semua dokumen SK ini", what="SK")


class RetryForm(PassphraseForm):
    batch = "semua dokumen SK ini yang dicoba lagi"


class RevokeDecreeForm(forms.Form):
    revoked_date = forms.DateField(
        label="Tanggal dicabut", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(
        label="Alasan pencabutan",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_multi_line],
    )
    confirm = forms.BooleanField(
        label="Saya mengerti bahwa SK ini dan semua petikannya akan ditandai DICABUT, dan pencabutan tidak "
        "dapat dibatalkan.",
        error_messages={"required": "Centang pernyataan ini untuk mencabut SK."},
    )
