from django.db import migrations

from accounts.marketplaces import seed


def seed_marketplaces(apps, schema_editor):
    seed(apps.get_model("accounts", "Marketplace"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(seed_marketplaces, migrations.RunPython.noop)]
