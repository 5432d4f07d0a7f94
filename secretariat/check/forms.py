"""The check page's upload box: a PDF to compare, byte for byte, with what the office issued."""

import hashlib

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat


def upload_too_large_message() -> str:
    return (
        f"Berkas terlalu besar: paling besar {filesizeformat(settings.CHECK_UPLOAD_MAX_BYTES)}. "
        "Dokumen yang diterbitkan kantor ini jauh lebih kecil; periksa bahwa Anda memilih berkas yang benar."
    )


class FileCheckForm(forms.Form):
    berkas = forms.FileField(
        label="Berkas PDF dokumen",
        error_messages={
            "required": "Pilih berkas PDF yang ingin diperiksa.",
            "empty": "Berkas yang diunggah kosong (0 bita). Pilih berkas PDF dokumen.",
            "invalid": "Tidak ada berkas yang diterima. Pilih berkas PDF lalu kirim lagi.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_berkas(self):
        upload = self.cleaned_data["berkas"]
        if upload.size > settings.CHECK_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(upload_too_large_message())
        digest = hashlib.sha256()
        head = b""
        for chunk in upload.chunks():
            if len(head) < 5:
                head += chunk[: 5 - len(head)]
            digest.update(chunk)
        if not head.startswith(b"%PDF-"):
            raise forms.ValidationError(
                "Berkas ini bukan PDF. Unggah berkas PDF dokumen seperti yang diterima dari kantor "
                "(bukan foto atau pindaian)."
            )
        self.digest = digest.hexdigest()
        return upload
