"""Words, not codes: the label people read for each audit action.

Actions are dotted codes ("consent.withdraw"); the audit page, its export and a client's access
file show these labels in the reader's language. An action missing here is shown as
"<object> — <verb>" from the two tables below, so a new app's actions still read as words; add
the exact phrase here when the fallback reads badly.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "attendance.check_in": _("Checked in at the door"),
    "attendance.join": _("Joined online"),
    "attendance.no_show": _("Marked absent"),
    "attendance.self_check_in": _("Checked in with the room code"),
    "attendance.undo": _("Attendance taken back"),
    "attendance.view_door": _("Opened the door check-in list"),
    "attendance.view_sheet": _("Opened the attendance sheet"),
    "attendance.export": _("Downloaded the attendance sheet"),
    "audit.export": _("Downloaded the audit log"),
    "audit.view": _("Opened the audit log"),
    "calendar_feed.reset": _("Calendar link reset"),
    "case_note.create": _("Case note written"),
    "case_note.update": _("Case note edited"),
    "case_note.list": _("Opened the case notes"),
    "client.create": _("Client record created"),
    "client.export": _("Client record exported"),
    "client.intake_complete": _("Intake completed"),
    "client.list": _("Opened or searched the client list"),
    "client.duplicates": _("Opened the possible duplicates"),
    "client.merge": _("Client records merged"),
    "client.update": _("Client record changed"),
    "client.view": _("Client record viewed"),
    "consent.give": _("Consent given"),
    "consent.withdraw": _("Consent withdrawn"),
    "conversation.hand_over": _("Conversation handed to staff"),
    "conversation.reply": _("Staff reply in a conversation"),
    "conversation.save_to_case_notes": _("Conversation saved to the case notes"),
    "conversation.view": _("Conversation viewed"),
    "course.create": _("Course created"),
    "course.update": _("Course changed"),
    "digital_assessment.create": _("Digital skills assessment recorded"),
    "enrolment.complete": _("Course completed"),
    "enrolment.create": _("Enrolled in a course"),
    "intent.create": _("Assistant topic created"),
    "intent.delete": _("Assistant topic deleted"),
    "intent_answer.delete": _("Assistant answer deleted"),
    "intent_answer.set": _("Assistant answer changed"),
    "intent_example.create": _("Assistant example added"),
    "intent_example.delete": _("Assistant example deleted"),
    "knowledge_base.import": _("Knowledge base imported"),
    "learning.learner_view": _("Learner's progress viewed"),
    "learning.learners_list": _("Opened the learners of a course"),
    "learning.xapi_export": _("Learning records exported (xAPI)"),
    "lesson.create": _("Lesson created"),
    "lesson.delete": _("Lesson deleted"),
    "lesson.update": _("Lesson changed"),
    "membership.grant": _("Role given"),
    "membership.revoke": _("Role taken away"),
    "module.create": _("Module created"),
    "module.update": _("Module changed"),
    "needs_assessment.create": _("Needs assessment recorded"),
    "outbound_message.send": _("Message sent"),
    "outbound_message.list": _("Opened a client's messages"),
    "outcome.form_view": _("Opened a client's outcome form"),
    "outcome.edit_form": _("Opened an outcome to correct it"),
    "outcome.record": _("Outcome recorded"),
    "outcome.update": _("Outcome corrected"),
    "completion.record": _("Program or course completion recorded"),
    "survey.create": _("Survey created"),
    "survey.update": _("Survey changed"),
    "survey.adopt": _("Survey adopted from the network"),
    "survey.import_xlsform": _("Survey imported from an XLSForm"),
    "survey_section.create": _("Survey page added"),
    "survey_section.update": _("Survey page changed"),
    "survey_section.delete": _("Survey page deleted"),
    "survey_question.create": _("Survey question added"),
    "survey_question.update": _("Survey question changed"),
    "survey_question.delete": _("Survey question deleted"),
    "survey_question.move": _("Survey question moved"),
    "survey_settings.update": _("Automatic survey invitations changed"),
    "survey_invitation.create": _("Survey invitation created"),
    "survey_invitation.cancel": _("Survey invitation cancelled"),
    "survey_invitation.complete": _("Survey answered"),
    "survey_response.view": _("Survey response viewed"),
    "reports.funder_profile_view": _("Opened a client's funder profile"),
    "privacy.access_file": _("Access file downloaded"),
    "privacy.access_request": _("Access request recorded"),
    "privacy.client_view": _("Opened a client's privacy page"),
    "privacy.erasure_approve": _("Erasure approved and carried out"),
    "privacy.erasure_refuse": _("Erasure request refused"),
    "privacy.erasure_request": _("Erasure requested"),
    "privacy.hold_place": _("Legal hold placed"),
    "privacy.hold_release": _("Legal hold released"),
    "privacy.requests_view": _("Opened the privacy requests"),
    "privacy.retention_run": _("Retention policy applied"),
    "privacy.retention_set": _("Retention policy changed"),
    "program.adopt": _("Programme adopted from the network"),
    "program.create": _("Programme created"),
    "program.update": _("Programme changed"),
    "question.create": _("Quiz question added"),
    "question.delete": _("Quiz question deleted"),
    "recording.create": _("Recording added"),
    "recording.delete": _("Recording deleted"),
    "referral.create": _("Referral made"),
    "referral.status": _("Referral status changed"),
    "registration.cancel": _("Registration cancelled"),
    "registration.create": _("Registration made"),
    "registration.promote": _("Moved off the waitlist"),
    "registration.switch_mode": _("Attendance mode switched"),
    "service_element.create": _("Service element created"),
    "service_element.update": _("Service element changed"),
    "session.cancel": _("Session cancelled"),
    "session.complete": _("Session ended"),
    "session.create": _("Session created"),
    "session.create_series": _("Series of sessions created"),
    "session.registrations_view": _("Opened a session's registrations"),
    "session.set_capacity": _("Session capacity changed"),
    "session.update": _("Session changed"),
    "unanswered.dismiss": _("Unanswered question dismissed"),
}

_VERBS: dict[str, Promise] = {
    "create": _("created"),
    "update": _("changed"),
    "delete": _("deleted"),
    "view": _("viewed"),
    "list": _("list opened"),
    "export": _("exported"),
    "cancel": _("cancelled"),
}


def action_label(action: str) -> str:
    """The words for an audit action code, in the active language."""
    label = ACTION_LABELS.get(action)
    if label is not None:
        return str(label)
    thing, _dot, verb = action.partition(".")
    words = thing.replace("_", " ").capitalize()
    return f"{words} — {_VERBS.get(verb, verb.replace('_', ' '))}" if verb else words


def action_choices() -> list[tuple[str, str]]:
    """(code, label) pairs for a filter menu, sorted by label."""
    return sorted(((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda c: c[1])
