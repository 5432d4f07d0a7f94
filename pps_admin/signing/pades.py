"""Reading PAdES signatures back with pyHanko's validator: one function for every back end."""

import io

from asn1crypto import x509

from .base import SignatureCheck
from .blocking import call_blocking


def check_pdf(pdf: bytes, *, trust_roots: list[x509.Certificate]) -> SignatureCheck:
    """The last signature of `pdf`: intact (its digest matches, and nothing but signature upkeep follows
    it), valid, and trusted when its certificate chains to one of `trust_roots` (none: trust is not asked,
    e.g. for a BSrE answer before it is stored)."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_regular_signatures
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        return SignatureCheck(signed=False, summary=f"bukan PDF yang dapat dibaca ({type(exc).__name__})")
    if not signatures:
        return SignatureCheck(signed=False, summary="tidak bertanda tangan")
    embedded = signatures[-1]
    # Trust not asked: the path is anchored at the signer's own certificate, so that pyHanko builds one
    # instead of logging a failed path (with its traceback) for every document; `trusted` stays False.
    try:
        roots = list(trust_roots) or [embedded.signer_cert]
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        status = call_blocking(validate_pdf_signature, embedded, signer_validation_context=context)
    except Exception as exc:  # a mangled signature makes pyHanko's parsers raise many kinds of errors
        return SignatureCheck(signed=True, summary=f"tanda tangan rusak ({type(exc).__name__})")
    covered = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and status.docmdp_ok
    )
    return SignatureCheck(
        signed=True,
        intact=bool(status.intact and covered),
        valid=bool(status.valid),
        trusted=bool(status.trusted and trust_roots),
        signer=certificate_name(status.signing_cert),
        signed_at=embedded.self_reported_timestamp,
        summary=status.summary(),
    )


def certificate_name(certificate: x509.Certificate) -> str:
    """ "Segel lokal TIDAK TERSERTIFIKASI, KPU Kota Balikpapan": the subject's CN and O."""
    subject = certificate.subject.native
    parts = [subject.get("common_name"), subject.get("organization_name")]
    return ", ".join(part for part in parts if part) or certificate.subject.human_friendly
