import datetime as dt

from django import forms

from pps_admin.signing.forms import PassphraseForm, passphrase_field
from pps_admin.text import validate_multi_line

from ..office_admin import office_choice_field


class IssueDecreeForm(forms.Form):
    decree_date = forms.DateField(
        label="Tanggal ditetapkan",
        initial=dt.date(2024, 6, 1),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Tanggal pada kalimat “Ditetapkan di … pada tanggal …”.",
    )

    def __init__(self, *args, ask_passphrase: bool = False, ask_office: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if ask_office:  # a superuser of several offices: which office issues
            self.fields["office"] = office_choice_field()
            self.order_fields(["office"])
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
