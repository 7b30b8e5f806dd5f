# Records created before search_text existed get it filled once; the services keep it up to date.

from django.db import migrations


def fill_search_text(apps, schema_editor):
    from tremplin.clients.validation import search_text_for

    Client = apps.get_model("clients", "Client")
    for client in Client._base_manager.all().iterator():
        client.search_text = search_text_for(
            first_name=client.first_name, last_name=client.last_name, email=client.email, phone=client.phone
        )
        client.save(update_fields=["search_text"])


class Migration(migrations.Migration):

    dependencies = [
        ("clients", "0002_referral_client_arrival_date_client_birth_date_and_more"),
    ]

    operations = [migrations.RunPython(fill_search_text, migrations.RunPython.noop)]
