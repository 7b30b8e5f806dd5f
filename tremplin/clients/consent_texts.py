"""Version 1 of each consent text, in English and French.

The texts live in the database (`ConsentText`, versioned); these are the first versions, stored
the first time someone consents for a purpose. To change a wording, add a new `ConsentText`
row with the next version number (in the admin): records keep pointing at the version the
person actually saw.
"""

DEFAULT_CONSENT_TEXTS: dict[str, dict[str, dict[str, str]]] = {
    "service_delivery": {
        "title": {
            "en": "Using my information to serve me",
            "fr": "Utiliser mes renseignements pour me servir",
        },
        "body": {
            "en": "The agency keeps the information in my profile to give me employment services: "
            "programs, sessions, referrals and follow-up. Only its staff can see it. I can ask to see, "
            "correct or delete it at any time.",
            "fr": "L'organisme conserve les renseignements de mon profil pour m'offrir des services "
            "d'emploi : programmes, séances, références et suivi. Seul son personnel peut les voir. Je "
            "peux demander à les consulter, à les corriger ou à les supprimer en tout temps.",
        },
    },
    "contact_email": {
        "title": {"en": "Contact by email", "fr": "Communication par courriel"},
        "body": {
            "en": "The agency may send me reminders and messages about my services by email.",
            "fr": "L'organisme peut m'envoyer des rappels et des messages au sujet de mes services par courriel.",
        },
    },
    "contact_sms": {
        "title": {"en": "Contact by text message", "fr": "Communication par texto"},
        "body": {
            "en": "The agency may send me reminders and messages by text message (SMS). My phone plan's rates may apply.",
            "fr": "L'organisme peut m'envoyer des rappels et des messages par texto (SMS). Les frais de mon forfait peuvent s'appliquer.",
        },
    },
    "contact_whatsapp": {
        "title": {"en": "Contact by WhatsApp", "fr": "Communication par WhatsApp"},
        "body": {
            "en": "The agency may send me reminders and messages on WhatsApp, a service run by another company.",
            "fr": "L'organisme peut m'envoyer des rappels et des messages sur WhatsApp, un service exploité par une autre entreprise.",
        },
    },
    "contact_phone": {
        "title": {"en": "Contact by phone", "fr": "Communication par téléphone"},
        "body": {
            "en": "Agency staff may call me about my services.",
            "fr": "Le personnel de l'organisme peut m'appeler au sujet de mes services.",
        },
    },
    "anonymous_reporting": {
        "title": {"en": "Anonymous use in reports", "fr": "Utilisation anonyme dans les rapports"},
        "body": {
            "en": "My information may be counted, without my name or anything that identifies me, in "
            "reports to funders and to the agency network about the results of their programs.",
            "fr": "Mes renseignements peuvent être comptés, sans mon nom ni rien qui permette de "
            "m'identifier, dans les rapports aux bailleurs de fonds et au réseau d'organismes sur les "
            "résultats de leurs programmes.",
        },
    },
    "share_with_employers": {
        "title": {
            "en": "Sharing my profile with employers",
            "fr": "Partage de mon profil avec des employeurs",
        },
        "body": {
            "en": "The agency may show my name, occupation, experience and employment goal to employers "
            "it works with, for job offers and hiring events.",
            "fr": "L'organisme peut montrer mon nom, ma profession, mon expérience et mon objectif d'emploi "
            "aux employeurs avec qui il travaille, pour des offres d'emploi et des activités de recrutement.",
        },
    },
}
