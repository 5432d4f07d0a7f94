from django.db import migrations

from pps_admin.search_indexes import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("secretariat", "0006_pilkada_2024_key_dates")]

    operations = [trigram_indexes(("person_name_trgm", "secretariat_person", "name"))]
