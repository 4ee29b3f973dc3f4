from django.db import migrations

from accounts.marketplaces import MARKETPLACES


def seed(apps, schema_editor):
    Marketplace = apps.get_model("accounts", "Marketplace")
    for info in MARKETPLACES:
        Marketplace.objects.update_or_create(
            id=info.marketplace_id,
            defaults={
                "country_code": info.country_code,
                "name": info.name,
                "region": info.region,
                "alias_domain": info.alias_domain,
                "alias_domain_verified": info.alias_domain_verified,
                "default_language": info.default_language,
                "currency": info.currency,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
