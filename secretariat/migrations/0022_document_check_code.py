"""Every document gets its check code (the public check page /cek/<code>/), documents issued before this
migration included; and the hash is indexed for the check page's upload."""

from django.db import migrations, models

import secretariat.check_code

BATCH = 2000


def backfill_check_codes(apps, schema_editor):
    """One fresh random code per existing document (a column default would give them all the same one).
    Codes are drawn until unused: 60 bits make a repeat practically impossible, but the unique constraint
    added next must never fail on one."""
    Document = apps.get_model("secretariat", "Document")
    used = set()
    pending = Document.objects.filter(check_code__isnull=True).order_by("pk")
    while True:
        batch = list(pending[:BATCH])
        if not batch:
            break
        for document in batch:
            code = secretariat.check_code.new_check_code()
            while code in used:
                code = secretariat.check_code.new_check_code()
            used.add(code)
            document.check_code = code
        Document.objects.bulk_update(batch, ["check_code"])


class Migration(migrations.Migration):
    dependencies = [
        ("secretariat", "0021_drop_person_synthetic_marker"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="check_code",
            field=models.CharField(editable=False, max_length=12, null=True, verbose_name="kode cek"),
        ),
        migrations.RunPython(backfill_check_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="document",
            name="check_code",
            field=models.CharField(
                default=secretariat.check_code.new_check_code,
                editable=False,
                max_length=12,
                unique=True,
                verbose_name="kode cek",
            ),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(fields=["sha256"], name="document_sha256_idx"),
        ),
    ]
