from django.db import migrations, models


def create_cache_table(apps, schema_editor):
    """The shared cache's table (tremplin.ops.cache), created whatever CACHES says today, so a
    deployment can drop Redis later without another step."""
    from django.core.management.commands.createcachetable import Command

    from tremplin.ops.cache import TABLE

    command = Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, False)


def drop_cache_table(apps, schema_editor):
    from tremplin.ops.cache import TABLE

    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    initial = True

    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="WebhookReceipt",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("source", models.CharField(max_length=40, verbose_name="source")),
                ("key", models.CharField(max_length=100, verbose_name="key")),
                ("received_at", models.DateTimeField(auto_now_add=True, verbose_name="received at")),
            ],
            options={
                "verbose_name": "webhook receipt",
                "verbose_name_plural": "webhook receipts",
                "constraints": [
                    models.UniqueConstraint(fields=("source", "key"), name="webhook_receipt_once")
                ],
            },
        ),
        migrations.RunPython(create_cache_table, drop_cache_table),
    ]
