"""Certificates as PDF, in the learner's language, with an embedded Unicode font.

The font (a subset of DejaVu Sans, see fonts/LICENSE.txt) ships with the app, so accented,
Greek and Cyrillic names print the same on every server.
"""

import logging
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tremplin.learning.models import Certificate

FONTS = Path(__file__).resolve().parent / "fonts"
# fpdf2 subsets the font with fontTools, which logs every glyph table at INFO: keep the logs quiet.
logging.getLogger("fontTools").setLevel(logging.WARNING)
BRAND = (11, 83, 148)  # the site's --brand colour
INK = (27, 27, 27)


def certificate_pdf(*, certificate: Certificate, verify_url: str, time_zone: str) -> bytes:
    """A one-page A4 landscape certificate for `certificate`, dated in the agency's time zone."""
    # Imported here: fpdf2 and fontTools cost every app-server process 0.3 s and ~30 MB at start,
    # for a page few people open.
    from fpdf import FPDF

    with translation.override(certificate.language):
        issued = date_format(
            timezone.localtime(certificate.issued_at, ZoneInfo(time_zone)), "DATE_FORMAT"
        )
        pdf = FPDF(orientation="L", unit="mm", format="A4")
        pdf.set_title(_("Certificate of completion"))
        pdf.set_author(certificate.issuer_name)
        pdf.set_creator("Tremplin")
        pdf.set_lang(certificate.language)
        pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        pdf.set_auto_page_break(False)
        pdf.add_page()
        pdf.set_draw_color(*BRAND)
        pdf.set_line_width(1.2)
        pdf.rect(10, 10, 277, 190)
        pdf.set_line_width(0.4)
        pdf.rect(14, 14, 269, 182)

        def line(
            text: str,
            *,
            size: int,
            bold: bool = False,
            colour: tuple[int, int, int] = INK,
            gap: float = 4,
        ) -> None:
            pdf.set_font("DejaVu", "B" if bold else "", size)
            pdf.set_text_color(*colour)
            pdf.multi_cell(0, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(gap)

        pdf.set_y(32)
        pdf.set_x(20)
        pdf.set_left_margin(20)
        pdf.set_right_margin(20)
        line(_("Certificate of completion"), size=30, bold=True, colour=BRAND, gap=10)
        line(_("This certifies that"), size=14)
        line(certificate.learner_name, size=26, bold=True, gap=6)
        line(_("has completed the course"), size=14)
        line(certificate.course_title, size=20, bold=True, gap=6)
        line(_("on %(date)s") % {"date": issued}, size=14, gap=8)
        line(_("Offered by %(agency)s") % {"agency": certificate.agency_name}, size=13, gap=2)
        if certificate.issuer_name != certificate.agency_name:
            line(
                _("A course of %(network)s") % {"network": certificate.issuer_name}, size=13, gap=2
            )
        pdf.set_y(172)
        line(
            _("Verification code: %(code)s") % {"code": certificate.code}, size=11, bold=True, gap=1
        )
        line(
            _("Check this certificate at %(url)s") % {"url": verify_url},
            size=10,
            colour=(74, 74, 74),
            gap=0,
        )
        return bytes(pdf.output())
