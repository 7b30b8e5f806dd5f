"""The digital access and literacy assessment: the questions, and the one function that scores them.

`score_digital_assessment(answers)` is the only place where answers become a score, a level,
a recommended delivery mode and recommended contact channels. The answers are a plain dict
(as stored in `DigitalAssessment.answers`):

    devices          list of "smartphone", "basic_phone", "computer", "tablet" (empty: none)
    device_access    "own" | "shared" | "public" | "none"   whose device it is
    internet         "home_unlimited" | "home_limited" | "mobile_only" | "public_wifi" | "none"
    data_plan        "unlimited" | "limited" | "none"       mobile data
    comfort_email, comfort_video, comfort_forms, comfort_apps, comfort_typing
                     0 "not at all" · 1 "with help" · 2 "on my own" · 3 "with ease"
    uses             list of "email", "sms", "whatsapp", "phone": what the person uses every week

Missing or unknown answers count as the least favourable one, so a half-filled sheet never
recommends more online service than the person said they can handle.

Rules (points, then score = round(100 × points / 25)):
    Access, 0–10 — devices: computer 3, else tablet 2; smartphone 2 (max 5);
                   device access: own 2, shared 1; internet: home unlimited 3, home limited 2,
                   mobile only or public Wi-Fi 1 (+1 with an unlimited data plan, max 3).
    Skills, 0–15 — the five comfort answers, 0–3 each.
    Level        — score < 35 limited · < 60 basic · < 80 intermediate · else advanced.
    Mode         — in person: no device, no internet, or a limited level;
                   online: intermediate or better, internet at home, a computer or tablet, and
                   video calls done alone (comfort_video ≥ 2);
                   hybrid: everything in between.
    Channels     — the ones the person uses every week and can be reached on: email needs
                   comfort_email ≥ 2; WhatsApp needs a smartphone; SMS and calls need a phone.
                   Order: for limited and basic levels, phone, SMS, WhatsApp, email; otherwise
                   email, WhatsApp, SMS, phone. "in_person" closes the list when the mode is in
                   person or when no remote channel fits.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from tremplin.clients.models import ContactChannel, DigitalLevel
from tremplin.core.choices import DeliveryMode

DEVICES = ("smartphone", "basic_phone", "computer", "tablet")
DEVICE_ACCESS = ("own", "shared", "public", "none")
INTERNET = ("home_unlimited", "home_limited", "mobile_only", "public_wifi", "none")
DATA_PLANS = ("unlimited", "limited", "none")
COMFORT_QUESTIONS = (
    "comfort_email",
    "comfort_video",
    "comfort_forms",
    "comfort_apps",
    "comfort_typing",
)
COMFORT_LEVELS = (0, 1, 2, 3)
USES = ("email", "sms", "whatsapp", "phone")
MAX_POINTS = 25


@dataclass(frozen=True)
class DigitalAssessmentResult:
    score: int  # 0–100
    level: str  # DigitalLevel
    recommended_mode: str  # DeliveryMode: "in_person" | "hybrid" | "online"
    recommended_channels: list[str]  # ContactChannel codes, best first
    explanation: list[str]  # plain-language sentences, in the active language


def _choice(answers: Mapping[str, Any], key: str, allowed: tuple[str, ...], worst: str) -> str:
    value = answers.get(key)
    return value if value in allowed else worst


def _comfort(answers: Mapping[str, Any], key: str) -> int:
    value = answers.get(key)
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0
    return number if number in COMFORT_LEVELS else 0


def _subset(answers: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> set[str]:
    value = answers.get(key)
    if not isinstance(value, list | tuple | set):
        return set()
    return {item for item in value if item in allowed}


def _level(score: int) -> str:
    if score < 35:
        return DigitalLevel.LIMITED
    if score < 60:
        return DigitalLevel.BASIC
    if score < 80:
        return DigitalLevel.INTERMEDIATE
    return DigitalLevel.ADVANCED


def _first_channel_sentence(channel: str) -> str:
    sentences: dict[str, str] = {
        ContactChannel.EMAIL: _("We will contact you first by email."),
        ContactChannel.WHATSAPP: _("We will contact you first on WhatsApp."),
        ContactChannel.SMS: _("We will contact you first by text message."),
        ContactChannel.PHONE: _("We will contact you first by phone."),
    }
    return sentences[channel]


def score_digital_assessment(answers: Mapping[str, Any]) -> DigitalAssessmentResult:
    """Score one answer sheet (see the module docstring for the questions and the rules)."""
    devices = _subset(answers, "devices", DEVICES)
    access = _choice(answers, "device_access", DEVICE_ACCESS, "none")
    internet = _choice(answers, "internet", INTERNET, "none")
    data_plan = _choice(answers, "data_plan", DATA_PLANS, "none")
    comfort = {key: _comfort(answers, key) for key in COMFORT_QUESTIONS}
    uses = _subset(answers, "uses", USES)

    has_screen = bool(devices & {"computer", "tablet"})
    has_smartphone = "smartphone" in devices
    has_phone = has_smartphone or "basic_phone" in devices
    has_internet_device = has_screen or has_smartphone
    home_internet = internet in {"home_unlimited", "home_limited"}

    device_points = (3 if "computer" in devices else 2 if "tablet" in devices else 0) + (
        2 if has_smartphone else 0
    )
    access_points = {"own": 2, "shared": 1}.get(access, 0) if has_internet_device else 0
    connection_points = {
        "home_unlimited": 3,
        "home_limited": 2,
        "mobile_only": 1,
        "public_wifi": 1,
    }.get(internet, 0)
    if internet != "none" and data_plan == "unlimited":
        connection_points = min(3, connection_points + 1)
    skill_points = sum(comfort.values())
    score = round(
        100 * (device_points + access_points + connection_points + skill_points) / MAX_POINTS
    )
    level = _level(score)

    explanation: list[str] = []
    if not has_internet_device or internet == "none":
        mode = DeliveryMode.IN_PERSON
        explanation.append(
            _(
                "You do not have a device with internet access yet, so we will serve you in person at the agency."
            )
        )
    elif level == DigitalLevel.LIMITED:
        mode = DeliveryMode.IN_PERSON
        explanation.append(
            _(
                "Using a computer or phone online is new for you, so in-person sessions will suit you best for now."
            )
        )
    elif (
        level in {DigitalLevel.INTERMEDIATE, DigitalLevel.ADVANCED}
        and home_internet
        and has_screen
        and comfort["comfort_video"] >= 2
    ):
        mode = DeliveryMode.ONLINE
        explanation.append(
            _(
                "You have internet at home, a computer or tablet, and you can join video calls on your own: you can take our services online."
            )
        )
    else:
        mode = DeliveryMode.HYBRID
        explanation.append(
            _(
                "You can do some things online, and some will be easier in person: we suggest a mix of both."
            )
        )
    if mode != DeliveryMode.IN_PERSON and comfort["comfort_video"] < 2:
        explanation.append(_("We can help you join your first video call."))
    if mode != DeliveryMode.IN_PERSON and internet in {"mobile_only", "public_wifi"}:
        explanation.append(_("Online sessions use data: we can tell you where to find free Wi-Fi."))
    if min(comfort["comfort_forms"], comfort["comfort_typing"]) < 2:
        explanation.append(
            _("Our digital skills workshop can help you with online forms and typing.")
        )

    reachable = {
        ContactChannel.EMAIL: "email" in uses and comfort["comfort_email"] >= 2,
        ContactChannel.WHATSAPP: "whatsapp" in uses and has_smartphone,
        ContactChannel.SMS: "sms" in uses and has_phone,
        ContactChannel.PHONE: "phone" in uses and has_phone,
    }
    if level in {DigitalLevel.LIMITED, DigitalLevel.BASIC}:
        order = [
            ContactChannel.PHONE,
            ContactChannel.SMS,
            ContactChannel.WHATSAPP,
            ContactChannel.EMAIL,
        ]
    else:
        order = [
            ContactChannel.EMAIL,
            ContactChannel.WHATSAPP,
            ContactChannel.SMS,
            ContactChannel.PHONE,
        ]
    channels = [str(channel) for channel in order if reachable[channel]]
    if mode == DeliveryMode.IN_PERSON or not channels:
        channels.append(str(ContactChannel.IN_PERSON))
    if channels[0] != ContactChannel.IN_PERSON:
        explanation.append(_first_channel_sentence(channels[0]))
    return DigitalAssessmentResult(
        score=score,
        level=str(level),
        recommended_mode=str(mode),
        recommended_channels=channels,
        explanation=explanation,
    )
