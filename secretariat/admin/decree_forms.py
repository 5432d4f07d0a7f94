import datetime as dt

from django import forms

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
            self.fields["passphrase"] = passphrase_field()


def passphrase_field() -> forms.CharField:
    """The signer's BSrE passphrase, typed once for the whole batch (kept encrypted until the job ends)."""
    return forms.CharField(
        label="Passphrase TTE penanda tangan (BSrE)",
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}, render_value=False),
        help_text="Sekali untuk semua dokumen SK ini. Disimpan terenkripsi hanya selama dokumen dibuat, "
        "lalu dihapus.",
        error_messages={"required": "Masukkan passphrase TTE penanda tangan untuk menandatangani SK."},
    )


class RetryForm(forms.Form):
    def __init__(self, *args, ask_passphrase: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if ask_passphrase:
            self.fields["passphrase"] = passphrase_field()


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
