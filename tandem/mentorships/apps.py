from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipsConfig(AppConfig):
    name = "tandem.mentorships"
    verbose_name = _("Mentorships")

    def ready(self) -> None:
        # The floor below (matching) reaches mentorships only through what is registered here.
        from django.urls import reverse

        # The introduction's calendar file names both people: its downloads go to the view log.
        from tandem.core.access import register_subject
        from tandem.matching import commitments, handoff
        from tandem.mentorships.access import mentorships_of_person
        from tandem.mentorships.models import ACTIVE_STATUSES, IntroductionMeeting, Mentorship
        from tandem.mentorships.services import MentorshipError, mentorship_confirm

        # A mentorship's pages (the pair's page, meetings, agreement, closure, certificates) show
        # both people's records to staff and to each other: each view names both in the log.
        register_subject(
            Mentorship,
            kind="mentorship",
            label=_("Mentorship"),
            people=lambda mentorship: [mentorship.mentee, mentorship.mentor],
        )
        register_subject(
            IntroductionMeeting,
            kind="calendar",
            label=_("Calendar invitation"),
            people=lambda meeting: [meeting.mentorship.mentee, meeting.mentorship.mentor],
        )
        commitments.register(lambda: Mentorship.objects.filter(status__in=ACTIVE_STATUSES))
        handoff.register(
            handoff.Handoff(
                confirm=mentorship_confirm,
                error=MentorshipError,
                detail_url=lambda m: reverse("mentorships:detail", kwargs={"mentorship_id": m.pk}),
                records_of_person=mentorships_of_person,
            )
        )
