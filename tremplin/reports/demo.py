"""Demo: fill the reports' summary table from the other apps' demo data (the periodic task
would do it within ten minutes)."""

from tremplin.core.demodata import DemoNetwork
from tremplin.reports.services import first_services_refresh


def load(demo: DemoNetwork) -> None:
    first_services_refresh()
