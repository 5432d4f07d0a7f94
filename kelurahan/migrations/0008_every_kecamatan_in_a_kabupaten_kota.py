import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    # After 0007 has given every stored kecamatan its kabupaten/kota (a separate migration: PostgreSQL
    # refuses to alter a table with row updates still pending their deferred foreign-key checks).
    dependencies = [("kelurahan", "0007_link_balikpapan_to_its_province_and_kota")]

    operations = [
        migrations.AlterField(
            model_name="kecamatan",
            name="regency",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="kecamatan",
                to="kelurahan.regency",
                verbose_name="kabupaten/kota",
            ),
        ),
        migrations.AddConstraint(
            model_name="kecamatan",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "code__startswith",
                        django.db.models.functions.text.Concat(models.F("regency"), models.Value(".")),
                    )
                ),
                name="kecamatan_code_in_regency",
                violation_error_message=(
                    "Kode kecamatan harus diawali kode kabupaten/kota-nya (mis. 64.71.01 di 64.71)."
                ),
            ),
        ),
    ]
