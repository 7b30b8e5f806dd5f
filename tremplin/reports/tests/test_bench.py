"""`tremplin bench dashboards` at a tiny size: it seeds, times every page, and cleans up."""

import io

import pytest
from django.core.management import call_command

from tremplin.clients.models import Client
from tremplin.programs.models import Registration


@pytest.mark.django_db(transaction=True)
def test_the_dashboards_bench_runs_and_cleans_up():
    out = io.StringIO()
    call_command(
        "bench",
        "dashboards",
        "--clients",
        "60",
        "--attendance",
        "400",
        "--agencies",
        "2",
        "--runs",
        "1",
        stdout=out,
    )
    text = out.getvalue()
    assert "network dashboard, last 90 days by agency" in text
    assert "funder export client_profile" in text
    assert text.count("p95") >= 10
    assert not Client.objects.filter(last_name__startswith="Client").exists()
    assert not Registration.objects.exists()
