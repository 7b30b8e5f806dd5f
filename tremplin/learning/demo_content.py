"""The demo courses' content: written for newcomers, in English and in French.

Each course is a dict: title/summary per language, and per language a list of modules, each a
(title, requires previous, lessons) tuple. A lesson is a dict with "kind" and its fields; a quiz
has questions of (text, allows multiple, [(answer, is right, feedback)]).
"""

from typing import Any

VIDEO_HOST = "https://media.tremplin.example.org/videos"

WORKPLACE = {
    "key": "workplace-communication",
    "audience": "clients",
    "minutes": 90,
    "title": {
        "en": "Canadian workplace communication",
        "fr": "Communication en milieu de travail canadien",
    },
    "summary": {
        "en": "Small talk, meetings, emails and asking for help: how people talk at work in Canada, with short practice quizzes.",
        "fr": "Conversations informelles, réunions, courriels et demandes d'aide : comment on communique au travail au Canada, avec de courts quiz.",
    },
    "en": [
        (
            "Talking with colleagues",
            False,
            [
                {
                    "kind": "text",
                    "title": "Small talk at work",
                    "minutes": 8,
                    "body": (
                        "## Why small talk matters\n\n"
                        "In many Canadian workplaces, a few friendly words before work starts build trust. "
                        "Common topics are **the weather**, **weekend plans**, **sports** and **local events**.\n\n"
                        "Topics most people avoid with colleagues they do not know well:\n\n"
                        "- salary and money\n- religion and politics\n- age, weight or family plans\n\n"
                        'Tip: ask an open question (*"How was your weekend?"*) and listen to the answer.'
                    ),
                },
                {
                    "kind": "video",
                    "title": "Video: a first day at the warehouse",
                    "minutes": 6,
                    "video_url": f"{VIDEO_HOST}/first-day-warehouse-en.mp4",
                    "body": "Watch how Amal greets her new team and asks where to find the safety equipment.",
                    "transcript": (
                        "Supervisor: Good morning! You must be Amal. Welcome to the team.\n"
                        "Amal: Good morning, thank you. I'm happy to be here.\n"
                        "Supervisor: This is Dave, he'll show you around today.\n"
                        "Dave: Hi Amal, nice to meet you. Did you find the place all right?\n"
                        "Amal: Yes, the bus stops right in front. Could you show me where the safety boots are kept?\n"
                        "Dave: Sure, follow me. And coffee is in the break room — help yourself."
                    ),
                },
            ],
        ),
        (
            "Meetings and emails",
            True,
            [
                {
                    "kind": "text",
                    "title": "Writing a clear work email",
                    "minutes": 10,
                    "body": (
                        "A good work email is **short** and **polite**:\n\n"
                        '1. A subject line that says what the email is about (*"Shift change request — Friday"*).\n'
                        "2. A greeting: *Hello Ms. Chen,* or *Hi Dave,* if your team uses first names.\n"
                        "3. One idea per paragraph, with the request first.\n"
                        "4. A closing: *Thank you,* or *Best regards,* and your full name.\n\n"
                        "Answer work emails within one working day, even if only to say when you will reply."
                    ),
                },
                {
                    "kind": "quiz",
                    "title": "Quiz: meetings and emails",
                    "minutes": 5,
                    "pass_mark": 70,
                    "max_attempts": 3,
                    "questions": [
                        (
                            "Which subject line is clearest?",
                            False,
                            [
                                (
                                    "Question",
                                    False,
                                    "Too vague: the reader cannot tell what you need.",
                                ),
                                (
                                    "Shift change request — Friday 14 June",
                                    True,
                                    "Yes: the topic and the date are clear.",
                                ),
                                ("Hello!!!", False, "A greeting is not a subject."),
                            ],
                        ),
                        (
                            "You cannot attend a team meeting. What do you do?",
                            False,
                            [
                                (
                                    "Tell your supervisor before the meeting and ask for the notes",
                                    True,
                                    "Right: warn early and catch up.",
                                ),
                                (
                                    "Nothing: meetings are optional",
                                    False,
                                    "Meetings are part of the job unless you are told otherwise.",
                                ),
                            ],
                        ),
                        (
                            "Which closings are polite in a work email? (choose every right answer)",
                            True,
                            [
                                ("Best regards,", True, "A safe, polite closing."),
                                ("Thank you,", True, "Polite, especially after a request."),
                                ("Bye", False, "Too casual for most work emails."),
                            ],
                        ),
                    ],
                },
            ],
        ),
        (
            "Asking for help and giving feedback",
            True,
            [
                {
                    "kind": "text",
                    "title": "Asking questions is a strength",
                    "minutes": 8,
                    "body": (
                        "Canadian employers expect new staff to **ask questions**. It shows you care about doing the job right.\n\n"
                        "Useful phrases:\n\n"
                        "- *Could you show me how to…?*\n- *Just to make sure I understood: …*\n- *When would be a good time to ask you about…?*\n\n"
                        "When you get feedback, thank the person, repeat what you will change, and ask if anything is unclear."
                    ),
                },
                {
                    "kind": "quiz",
                    "title": "Final quiz",
                    "minutes": 5,
                    "pass_mark": 70,
                    "max_attempts": 3,
                    "questions": [
                        (
                            "Your supervisor corrects how you label boxes. What is the best answer?",
                            False,
                            [
                                (
                                    '"Thank you, I will label them with the date first from now on."',
                                    True,
                                    "Yes: thank, and say what you will change.",
                                ),
                                (
                                    '"That is how we did it in my last job."',
                                    False,
                                    "It may be true, but first show you heard the feedback.",
                                ),
                            ],
                        ),
                        (
                            "Asking questions at work shows…",
                            False,
                            [
                                (
                                    "that you are not ready for the job",
                                    False,
                                    "In Canada, questions usually show care and attention.",
                                ),
                                ("that you want to do the job right", True, "Exactly."),
                            ],
                        ),
                    ],
                },
            ],
        ),
    ],
    "fr": [
        (
            "Parler avec ses collègues",
            False,
            [
                {
                    "kind": "text",
                    "title": "Les conversations informelles au travail",
                    "minutes": 8,
                    "body": (
                        "## Pourquoi c'est important\n\n"
                        "Dans beaucoup de milieux de travail au Canada, quelques mots amicaux avant de commencer créent la confiance. "
                        "Les sujets courants : **la météo**, **les projets de fin de semaine**, **le sport** et **les activités locales**.\n\n"
                        "Les sujets que la plupart des gens évitent avec des collègues qu'ils connaissent peu :\n\n"
                        "- le salaire et l'argent\n- la religion et la politique\n- l'âge, le poids ou les projets de famille\n\n"
                        "Conseil : posez une question ouverte (*« Comment s'est passée ta fin de semaine? »*) et écoutez la réponse."
                    ),
                },
                {
                    "kind": "video",
                    "title": "Vidéo : une première journée à l'entrepôt",
                    "minutes": 6,
                    "video_url": f"{VIDEO_HOST}/first-day-warehouse-fr.mp4",
                    "body": "Regardez comment Amal salue sa nouvelle équipe et demande où trouver l'équipement de sécurité.",
                    "transcript": (
                        "Superviseure : Bonjour! Vous devez être Amal. Bienvenue dans l'équipe.\n"
                        "Amal : Bonjour, merci. Je suis contente d'être ici.\n"
                        "Superviseure : Voici Daniel, il va vous faire visiter aujourd'hui.\n"
                        "Daniel : Salut Amal, enchanté. Tu as trouvé facilement?\n"
                        "Amal : Oui, l'autobus s'arrête juste devant. Peux-tu me montrer où sont les bottes de sécurité?\n"
                        "Daniel : Bien sûr, suis-moi. Et le café est dans la salle de pause, sers-toi."
                    ),
                },
            ],
        ),
        (
            "Réunions et courriels",
            True,
            [
                {
                    "kind": "text",
                    "title": "Écrire un courriel de travail clair",
                    "minutes": 10,
                    "body": (
                        "Un bon courriel de travail est **court** et **poli** :\n\n"
                        "1. Un objet qui dit de quoi il s'agit (*« Demande de changement de quart — vendredi »*).\n"
                        "2. Une salutation : *Bonjour Madame Chen,* ou *Bonjour Daniel,* si l'équipe se tutoie.\n"
                        "3. Une idée par paragraphe, la demande en premier.\n"
                        "4. Une formule de fin : *Merci,* ou *Cordialement,* et votre nom complet.\n\n"
                        "Répondez aux courriels de travail en un jour ouvrable, même pour dire quand vous répondrez."
                    ),
                },
                {
                    "kind": "quiz",
                    "title": "Quiz : réunions et courriels",
                    "minutes": 5,
                    "pass_mark": 70,
                    "max_attempts": 3,
                    "questions": [
                        (
                            "Quel objet de courriel est le plus clair?",
                            False,
                            [
                                (
                                    "Question",
                                    False,
                                    "Trop vague : on ne sait pas ce que vous demandez.",
                                ),
                                (
                                    "Demande de changement de quart — vendredi 14 juin",
                                    True,
                                    "Oui : le sujet et la date sont clairs.",
                                ),
                                ("Allô!!!", False, "Une salutation n'est pas un objet."),
                            ],
                        ),
                        (
                            "Vous ne pouvez pas assister à une réunion d'équipe. Que faites-vous?",
                            False,
                            [
                                (
                                    "J'avertis ma superviseure avant la réunion et je demande le compte rendu",
                                    True,
                                    "Exact : prévenir tôt et se mettre à jour.",
                                ),
                                (
                                    "Rien : les réunions sont facultatives",
                                    False,
                                    "Les réunions font partie du travail, sauf avis contraire.",
                                ),
                            ],
                        ),
                        (
                            "Quelles formules de fin sont polies dans un courriel de travail? (choisissez toutes les bonnes réponses)",
                            True,
                            [
                                ("Cordialement,", True, "Une formule sûre et polie."),
                                ("Merci,", True, "Poli, surtout après une demande."),
                                (
                                    "Ciao",
                                    False,
                                    "Trop familier pour la plupart des courriels de travail.",
                                ),
                            ],
                        ),
                    ],
                },
            ],
        ),
        (
            "Demander de l'aide et recevoir des commentaires",
            True,
            [
                {
                    "kind": "text",
                    "title": "Poser des questions est une force",
                    "minutes": 8,
                    "body": (
                        "Les employeurs canadiens s'attendent à ce que le nouveau personnel **pose des questions**. "
                        "Cela montre que vous voulez bien faire le travail.\n\n"
                        "Phrases utiles :\n\n"
                        "- *Pourriez-vous me montrer comment…?*\n- *Pour être sûr d'avoir bien compris : …*\n"
                        "- *Quand serait un bon moment pour vous parler de…?*\n\n"
                        "Quand on vous fait un commentaire, remerciez, dites ce que vous allez changer et demandez si quelque chose n'est pas clair."
                    ),
                },
                {
                    "kind": "quiz",
                    "title": "Quiz final",
                    "minutes": 5,
                    "pass_mark": 70,
                    "max_attempts": 3,
                    "questions": [
                        (
                            "Votre superviseur corrige votre façon d'étiqueter les boîtes. Quelle est la meilleure réponse?",
                            False,
                            [
                                (
                                    "« Merci, dorénavant j'écrirai la date en premier. »",
                                    True,
                                    "Oui : remercier et dire ce qu'on va changer.",
                                ),
                                (
                                    "« C'est comme ça qu'on faisait à mon ancien emploi. »",
                                    False,
                                    "C'est peut-être vrai, mais montrez d'abord que vous avez entendu.",
                                ),
                            ],
                        ),
                        (
                            "Poser des questions au travail montre…",
                            False,
                            [
                                (
                                    "que vous n'êtes pas prêt pour l'emploi",
                                    False,
                                    "Au Canada, les questions montrent plutôt l'attention.",
                                ),
                                ("que vous voulez bien faire le travail", True, "Exactement."),
                            ],
                        ),
                    ],
                },
            ],
        ),
    ],
}

DIGITAL = {
    "key": "digital-job-search",
    "audience": "clients",
    "minutes": 75,
    "title": {
        "en": "Digital skills for the job search",
        "fr": "Compétences numériques pour la recherche d'emploi",
    },
    "summary": {
        "en": "Job Bank, a professional email address, online applications and video interviews, step by step.",
        "fr": "Guichet-Emplois, une adresse courriel professionnelle, les candidatures en ligne et les entrevues vidéo, étape par étape.",
    },
    "en": [
        (
            "Getting set up",
            False,
            [
                {
                    "kind": "text",
                    "title": "A professional email address",
                    "minutes": 6,
                    "body": (
                        "Employers see your email address first. Use **your name**: `maria.santos@…` rather than a nickname.\n\n"
                        "Check your inbox **every day** while you apply, including the *spam* folder: interview invitations sometimes land there."
                    ),
                },
                {
                    "kind": "video",
                    "title": "Video: finding jobs on Job Bank",
                    "minutes": 7,
                    "video_url": f"{VIDEO_HOST}/job-bank-search-en.mp4",
                    "body": "Job Bank is the Government of Canada's free job site.",
                    "transcript": (
                        'Narrator: Open Job Bank and type a job title, for example "warehouse associate".\n'
                        "Narrator: Add your city, then press Search.\n"
                        "Narrator: Use the filters on the left: full time, part time, or jobs posted in the last two days.\n"
                        "Narrator: Press Save on the jobs you like, and create an alert to get new jobs by email."
                    ),
                },
            ],
        ),
        (
            "Applying online",
            True,
            [
                {
                    "kind": "text",
                    "title": "Online application forms",
                    "minutes": 10,
                    "body": (
                        "- Prepare your résumé as a **PDF** named with your name (`Maria-Santos-resume.pdf`).\n"
                        "- Copy your work history into the form carefully: dates as *month year*.\n"
                        "- Keep a list of where you applied, the date and the job number.\n\n"
                        "Never pay to apply for a job, and never send your SIN before you are hired."
                    ),
                },
                {
                    "kind": "quiz",
                    "title": "Quiz: applying online",
                    "minutes": 5,
                    "pass_mark": 60,
                    "max_attempts": 0,
                    "questions": [
                        (
                            "Which file name is best for your résumé?",
                            False,
                            [
                                ("resume_final_v3_NEW.docx", False, "Hard to find and not a PDF."),
                                (
                                    "Maria-Santos-resume.pdf",
                                    True,
                                    "Yes: your name, and a PDF looks the same everywhere.",
                                ),
                            ],
                        ),
                        (
                            "An employer asks for your SIN before any interview. What do you do?",
                            False,
                            [
                                (
                                    "Send it right away",
                                    False,
                                    "Your SIN is only needed once you are hired.",
                                ),
                                (
                                    "Do not send it, and check that the job is real",
                                    True,
                                    "Right: this is a common scam.",
                                ),
                            ],
                        ),
                    ],
                },
            ],
        ),
        (
            "Video interviews",
            True,
            [
                {
                    "kind": "text",
                    "title": "Getting ready for a video interview",
                    "minutes": 8,
                    "body": (
                        "1. Test the link, camera and microphone the day before.\n"
                        "2. Sit facing a window or a lamp, with a plain wall behind you.\n"
                        "3. Put your phone on silent and close other programs.\n"
                        "4. If the connection drops, call or email the interviewer right away.\n\n"
                        "Your agency can lend a quiet room and a computer: ask your counsellor."
                    ),
                },
                {
                    "kind": "quiz",
                    "title": "Final quiz",
                    "minutes": 5,
                    "pass_mark": 70,
                    "max_attempts": 3,
                    "questions": [
                        (
                            "When should you test the interview link?",
                            False,
                            [
                                ("The day before", True, "Yes: you have time to fix problems."),
                                (
                                    "Five minutes after the start",
                                    False,
                                    "Too late to fix anything.",
                                ),
                            ],
                        ),
                        (
                            "Your connection drops during the interview. What do you do? (choose every right answer)",
                            True,
                            [
                                (
                                    "Call or email the interviewer right away",
                                    True,
                                    "Yes: they will understand.",
                                ),
                                ("Try to join the link again", True, "Yes."),
                                (
                                    "Give up: the interview is lost",
                                    False,
                                    "Interviewers know connections fail; reach out.",
                                ),
                            ],
                        ),
                    ],
                },
            ],
        ),
    ],
    "fr": [
        (
            "Bien s'équiper",
            False,
            [
                {
                    "kind": "text",
                    "title": "Une adresse courriel professionnelle",
                    "minutes": 6,
                    "body": (
                        "L'employeur voit votre adresse courriel en premier. Utilisez **votre nom** : `aicha.diallo@…` plutôt qu'un surnom.\n\n"
                        "Consultez votre boîte **tous les jours** pendant vos recherches, y compris les *courriels indésirables* : "
                        "les invitations à une entrevue s'y retrouvent parfois."
                    ),
                },
                {
                    "kind": "video",
                    "title": "Vidéo : trouver des emplois sur Guichet-Emplois",
                    "minutes": 7,
                    "video_url": f"{VIDEO_HOST}/job-bank-search-fr.mp4",
                    "body": "Guichet-Emplois est le site d'emploi gratuit du gouvernement du Canada.",
                    "transcript": (
                        "Narratrice : Ouvrez Guichet-Emplois et tapez un titre d'emploi, par exemple « préposé d'entrepôt ».\n"
                        "Narratrice : Ajoutez votre ville, puis appuyez sur Rechercher.\n"
                        "Narratrice : Utilisez les filtres à gauche : temps plein, temps partiel ou offres des deux derniers jours.\n"
                        "Narratrice : Sauvegardez les offres qui vous intéressent et créez une alerte pour recevoir les nouvelles offres par courriel."
                    ),
                },
            ],
        ),
        (
            "Postuler en ligne",
            True,
            [
                {
                    "kind": "text",
                    "title": "Les formulaires de candidature en ligne",
                    "minutes": 10,
                    "body": (
                        "- Préparez votre CV en **PDF**, nommé avec votre nom (`Aicha-Diallo-CV.pdf`).\n"
                        "- Recopiez votre expérience avec soin : les dates en *mois année*.\n"
                        "- Gardez une liste des endroits où vous avez postulé, avec la date et le numéro de l'offre.\n\n"
                        "Ne payez jamais pour postuler et n'envoyez jamais votre NAS avant d'être embauché."
                    ),
                },
                {
                    "kind": "quiz",
                    "title": "Quiz : postuler en ligne",
                    "minutes": 5,
                    "pass_mark": 60,
                    "max_attempts": 0,
                    "questions": [
                        (
                            "Quel nom de fichier convient le mieux pour votre CV?",
                            False,
                            [
                                (
                                    "cv_final_v3_NOUVEAU.docx",
                                    False,
                                    "Difficile à retrouver, et ce n'est pas un PDF.",
                                ),
                                (
                                    "Aicha-Diallo-CV.pdf",
                                    True,
                                    "Oui : votre nom, et un PDF s'affiche pareil partout.",
                                ),
                            ],
                        ),
                        (
                            "Un employeur demande votre NAS avant toute entrevue. Que faites-vous?",
                            False,
                            [
                                (
                                    "Je l'envoie tout de suite",
                                    False,
                                    "Le NAS n'est nécessaire qu'une fois embauché.",
                                ),
                                (
                                    "Je ne l'envoie pas et je vérifie que l'offre est réelle",
                                    True,
                                    "Exact : c'est une fraude courante.",
                                ),
                            ],
                        ),
                    ],
                },
            ],
        ),
        (
            "Les entrevues vidéo",
            True,
            [
                {
                    "kind": "text",
                    "title": "Se préparer à une entrevue vidéo",
                    "minutes": 8,
                    "body": (
                        "1. Testez le lien, la caméra et le micro la veille.\n"
                        "2. Placez-vous face à une fenêtre ou une lampe, devant un mur simple.\n"
                        "3. Mettez votre téléphone en mode silencieux et fermez les autres programmes.\n"
                        "4. Si la connexion coupe, appelez ou écrivez tout de suite à la personne qui vous reçoit.\n\n"
                        "Votre organisme peut vous prêter une salle calme et un ordinateur : demandez à votre conseillère."
                    ),
                },
                {
                    "kind": "quiz",
                    "title": "Quiz final",
                    "minutes": 5,
                    "pass_mark": 70,
                    "max_attempts": 3,
                    "questions": [
                        (
                            "Quand faut-il tester le lien de l'entrevue?",
                            False,
                            [
                                (
                                    "La veille",
                                    True,
                                    "Oui : vous avez le temps de régler les problèmes.",
                                ),
                                (
                                    "Cinq minutes après le début",
                                    False,
                                    "Trop tard pour régler quoi que ce soit.",
                                ),
                            ],
                        ),
                        (
                            "La connexion coupe pendant l'entrevue. Que faites-vous? (choisissez toutes les bonnes réponses)",
                            True,
                            [
                                (
                                    "J'appelle ou j'écris tout de suite à la personne",
                                    True,
                                    "Oui : elle comprendra.",
                                ),
                                ("J'essaie de me reconnecter au lien", True, "Oui."),
                                (
                                    "J'abandonne : l'entrevue est perdue",
                                    False,
                                    "Les coupures arrivent; reprenez contact.",
                                ),
                            ],
                        ),
                    ],
                },
            ],
        ),
    ],
}

HYBRID_STAFF = {
    "key": "hybrid-facilitation",
    "audience": "staff",
    "minutes": 40,
    "title": {"en": "Running a hybrid session", "fr": "Animer une séance hybride"},
    "summary": {
        "en": "Digital skills for staff: welcoming people in the room and online at the same time.",
        "fr": "Compétences numériques du personnel : accueillir en même temps les personnes en salle et en ligne.",
    },
    "en": [
        (
            "Before the session",
            False,
            [
                {
                    "kind": "text",
                    "title": "Set up the room and the call",
                    "minutes": 10,
                    "body": (
                        "- Join the call 15 minutes early from the room computer.\n- Point the camera at the facilitator, not the screen.\n"
                        "- Name a *room buddy* who watches the chat and raises online hands."
                    ),
                },
            ],
        ),
        (
            "During the session",
            True,
            [
                {
                    "kind": "quiz",
                    "title": "Quiz: including online participants",
                    "minutes": 5,
                    "pass_mark": 100,
                    "max_attempts": 0,
                    "questions": [
                        (
                            "Who reads the chat during the session?",
                            False,
                            [
                                (
                                    "The room buddy",
                                    True,
                                    "Yes: the facilitator can focus on the group.",
                                ),
                                ("Nobody", False, "Online participants would be left out."),
                            ],
                        ),
                    ],
                },
            ],
        ),
    ],
}

# Harbour's own course (not shared): agencies can build courses for their region too.
HARBOUR_SEASONAL = {
    "key": "harbour-seasonal-work",
    "audience": "clients",
    "minutes": 30,
    "title": {
        "en": "Seasonal and rural jobs in Nova Scotia",
        "fr": "Emplois saisonniers et ruraux en Nouvelle-Écosse",
    },
    "summary": {
        "en": "Fisheries, farms and tourism in the Annapolis Valley and along the coast: seasons, transport and rights.",
        "fr": "Pêches, fermes et tourisme dans la vallée d'Annapolis et sur la côte : saisons, transport et droits.",
    },
    "en": [
        (
            "Seasons and sectors",
            False,
            [
                {
                    "kind": "text",
                    "title": "When the jobs are",
                    "minutes": 8,
                    "body": (
                        "- **Spring**: planting in the Annapolis Valley, lobster season on parts of the coast.\n"
                        "- **Summer**: tourism, berry picking, fish plants.\n- **Fall**: apple harvest.\n\n"
                        "Many employers offer **shared rides** from Kentville: ask at the interview."
                    ),
                },
            ],
        ),
        (
            "Your rights",
            True,
            [
                {
                    "kind": "text",
                    "title": "Pay and safety",
                    "minutes": 8,
                    "body": (
                        "Nova Scotia's minimum wage applies to seasonal work. You must receive **safety training** and "
                        "**protective equipment** before you start. Keep your own record of the hours you work."
                    ),
                },
                {
                    "kind": "quiz",
                    "title": "Quiz: seasonal work",
                    "minutes": 4,
                    "pass_mark": 100,
                    "max_attempts": 3,
                    "questions": [
                        (
                            "Does the minimum wage apply to seasonal jobs?",
                            False,
                            [
                                ("Yes", True, "Right."),
                                (
                                    "No",
                                    False,
                                    "Seasonal workers are paid at least the minimum wage.",
                                ),
                            ],
                        ),
                    ],
                },
            ],
        ),
    ],
}

NETWORK_COURSES: list[dict[str, Any]] = [WORKPLACE, DIGITAL, HYBRID_STAFF]
