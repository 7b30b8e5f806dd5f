import django.db.models.functions.text
from django.db import migrations, models

TRIGRAM_INDEX = "clients_client_search_text_trgm"


def create_trigram_index(apps, schema_editor):
    """PostgreSQL: a GIN trigram index for the staff search (LIKE '%word%' on search_text)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON clients_client "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("clients", "0003_fill_search_text")]

    operations = [
        migrations.AddIndex(
            model_name="client",
            index=models.Index(
                models.F("agency"),
                django.db.models.functions.text.Upper("email"),
                name="client_agency_email_ci",
            ),
        ),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(
                fields=["agency", "last_name", "first_name", "id"], name="client_agency_name"
            ),
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
