from django.db import migrations

from pps_admin.search_indexes import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("kelurahan", "0002_balikpapan_regions")]

    operations = [
        trigram_indexes(
            ("kelurahan_name_trgm", "kelurahan_kelurahan", "name"),
            ("kelurahan_code_trgm", "kelurahan_kelurahan", "code"),
            ("kecamatan_name_trgm", "kelurahan_kecamatan", "name"),
            ("kecamatan_code_trgm", "kelurahan_kecamatan", "code"),
        )
    ]
