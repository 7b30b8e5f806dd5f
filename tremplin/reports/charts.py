"""Bar charts written on the server as SVG: no JavaScript, a few kilobytes each.

Accessible by construction: `role="img"` with a <title> and a <desc> (a sentence written from
the figures), every bar carries its value as text (colour never carries meaning), the current
period is drawn solid and the previous one hatched, both in `currentColor` so that the chart
follows the page's text colour in high-contrast (forced colours) modes. The data table beside
each chart holds the same figures.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# About the width of a phone: the chart is drawn at its natural size on a small screen.
LABEL_WIDTH = 130
BAR_AREA = 190
VALUE_WIDTH = 70
WIDTH = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
BAR = 12
GROUP = 2 * BAR + 14
TOP = 30


@dataclass
class Bar:
    label: str
    current: float | None
    previous: float | None
    current_text: str
    previous_text: str


def _short(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: list[Bar],
    current_label: str,
    previous_label: str,
    scale_max: float | None = None,
) -> SafeString:
    numbers = [v for b in bars for v in (b.current, b.previous) if v is not None and v > 0]
    top = scale_max or (max(numbers) if numbers else 1)
    height = TOP + max(1, len(bars)) * GROUP + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" fill="currentColor" font-size="12">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
        f'<defs><pattern id="{chart_id}-h" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="2" height="6" fill="currentColor"/>'
        f"</pattern></defs>",
        # Legend
        f'<rect x="{LABEL_WIDTH}" y="6" width="12" height="12"/>',
        f'<text x="{LABEL_WIDTH + 16}" y="16">{escape(current_label)}</text>',
        f'<rect x="{LABEL_WIDTH + 110}" y="6" width="12" height="12" fill="url(#{chart_id}-h)" '
        f'stroke="currentColor"/>',
        f'<text x="{LABEL_WIDTH + 126}" y="16">{escape(previous_label)}</text>',
    ]
    if not bars:
        parts.append(f'<text x="0" y="{TOP + 14}">{escape(_("No data for this period."))}</text>')
    for index, bar in enumerate(bars):
        y = TOP + index * GROUP
        parts.append("<g>")
        if len(bar.label) > 20:  # the full label, where the drawn one is shortened
            parts.append(f"<title>{escape(bar.label)}</title>")
        parts.append(f'<text x="0" y="{y + BAR + 4}">{escape(_short(bar.label))}</text>')
        for offset, value, text, previous in (
            (0, bar.current, bar.current_text, False),
            (BAR, bar.previous, bar.previous_text, True),
        ):
            length = 0.0 if value is None or top <= 0 else max(0.0, min(1.0, value / top))
            width = round(length * BAR_AREA, 1)
            fill = f' fill="url(#{chart_id}-h)" stroke="currentColor"' if previous else ""
            if width > 0:
                parts.append(
                    f'<rect x="{LABEL_WIDTH}" y="{y + offset}" width="{width}" '
                    f'height="{BAR - 1}"{fill}/>'
                )
            parts.append(
                f'<text x="{LABEL_WIDTH + width + 4}" y="{y + offset + BAR - 2}">'
                f"{escape(text)}</text>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped
