"""The signer's passphrase as a form field: typed once for a whole batch, never shown again."""

from django import forms


def passphrase_field(*, batch: str, what: str = "dokumen") -> forms.CharField:
    """The BSrE passphrase field of a form that starts (or retries) a batch; `batch` names it, as in
    "semua dokumen SK ini", and `what` is signed ("SK", "pakta integritas")."""
    return forms.CharField(
        label="Passphrase TTE penanda tangan (BSrE)",
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}, render_value=False),
        help_text=f"Sekali untuk {batch}. Disimpan terenkripsi hanya selama dokumen dibuat, lalu dihapus.",
        error_messages={"required": f"Masukkan passphrase TTE penanda tangan untuk menandatangani {what}."},
    )


class PassphraseForm(forms.Form):
    """A form that asks nothing but the passphrase, and only when the signer needs one."""

    batch = "semua dokumen pekerjaan ini"
    what = "dokumen"

    def __init__(self, *args, ask_passphrase: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if ask_passphrase:
            self.fields["passphrase"] = passphrase_field(batch=self.batch, what=self.what)
