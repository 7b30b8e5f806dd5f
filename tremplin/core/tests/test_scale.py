"""`tremplin bench seed-scale` builds what `bench pages` walks, and removes it again."""

import pytest
from django.core.management import call_command

from tremplin.agencies.models import Agency
from tremplin.clients.models import Client
from tremplin.core.bench import pages_to_time
from tremplin.programs.models import Registration

# Committed for real: on PostgreSQL the seed ends with VACUUM, which no transaction may hold.
pytestmark = pytest.mark.django_db(transaction=True)


def test_seed_scale_makes_an_agency_of_the_asked_size_and_deletes_it(network, capsys):
    call_command(
        "bench",
        "seed-scale",
        "--clients",
        "40",
        "--registrations",
        "300",
        "--sessions",
        "30",
        "--heaviest",
        "25",
    )
    agency = Agency.objects.get(slug="scale")
    assert Client.objects.filter(agency=agency).count() == 40
    assert Registration.objects.filter(agency=agency).count() == 300
    heaviest = Client.objects.get(agency=agency, user__isnull=False)
    assert Registration.objects.filter(client=heaviest).count() == 25
    assert "300 registrations" in capsys.readouterr().out
    labels = [label for label, path, who in pages_to_time(agency)]
    assert {"catalogue", "client home", "client list", "course learners", "client record"} <= set(
        labels
    )

    call_command("bench", "seed-scale", "--delete")
    assert not Agency.objects.filter(slug="scale").exists()
    assert not Registration.objects.filter(client__agency__slug="scale").exists()
