"""schema.org `JobPosting` markup for a posting's public page (what job search engines read)."""

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from tremplin.employers.models import JobPosting, WorkMode


def _text(value: Any, language: str) -> str:
    localize = getattr(value, "localize", None)
    return localize(language) if localize else str(value)


def job_posting_jsonld(posting: JobPosting, *, url: str, language: str) -> dict[str, Any]:
    zone = ZoneInfo(posting.agency.time_zone)
    valid_through = datetime.combine(posting.closing_date, time(23, 59), zone)
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": _text(posting.title, language),
        "description": _text(posting.description, language),
        "datePosted": (posting.published_at or posting.created_at).date().isoformat(),
        "validThrough": valid_through.isoformat(),
        "employmentType": posting.employment_type.upper(),
        "hiringOrganization": {"@type": "Organization", "name": posting.employer.name},
        "occupationalCategory": f"NOC 2021 {posting.noc_code}",
        "url": url,
        "inLanguage": language,
        "directApply": False,
    }
    if posting.employer.website:
        data["hiringOrganization"]["sameAs"] = posting.employer.website
    if posting.work_mode == WorkMode.REMOTE:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "Country", "name": "CA"}
    else:
        data["jobLocation"] = {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": posting.city,
                "addressRegion": posting.province or posting.agency.province,
                "addressCountry": "CA",
            },
        }
    if posting.wage_min is not None or posting.wage_max is not None:
        value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": posting.wage_unit}
        if posting.wage_min is not None and posting.wage_max is not None:
            value["minValue"] = float(posting.wage_min)
            value["maxValue"] = float(posting.wage_max)
        else:
            value["value"] = float(posting.wage_min or posting.wage_max or 0)
        data["baseSalary"] = {"@type": "MonetaryAmount", "currency": "CAD", "value": value}
    if posting.hours_per_week:
        data["workHours"] = f"{posting.hours_per_week} h/week"
    return data
