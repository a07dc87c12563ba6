"""What a mentee shares with their mentor's employer: the consent purpose `employer_sharing`
(Law 25: a purpose of its own), declared from EmployersConfig.ready() through core.consent and
kept in `EmployerSharing`.

Every page where an employer partner sees something of a mentee (its mentors' current mentee,
the workplace activities it hosts, the mentees it hired) asks `shared_labels` for what to
show: the given name and occupation of those who agreed, "a mentee" for the others. The answer
is read at each request, never copied, so a withdrawal takes effect on the partner's next page.
"""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from tandem.core import consent

EMPLOYER_SHARING = "employer_sharing"

# The first version of the notice (data from then on: staff change it on the privacy pages,
# which raises its version and asks again). Plain strings in both languages, not gettext.
NOTICE = consent.Notice(
    code=EMPLOYER_SHARING,
    name_en="Share my name and occupation with my mentor's employer",
    name_fr="Communiquer mon prénom et ma profession à l’employeur de mon mentor",
    notice_en=(
        "When your mentor was recruited by their employer, that employer sees its own mentors "
        "on its partner page. If you agree, it also sees your given name and your occupation "
        "beside your mentor, the workplace activities you take part in (a tour, a day of job "
        "shadowing, a department meeting) and, if it hires you, your hire. Never your file, "
        "your contact details or your accommodation needs. If you say no, or withdraw later, "
        "the employer sees only “a mentee”, from its next page on."
    ),
    notice_fr=(
        "Quand votre mentor a été recruté par son employeur, cet employeur voit ses mentors "
        "sur sa page de partenaire. Si vous y consentez, il voit aussi votre prénom et votre "
        "profession à côté de votre mentor, les activités en milieu de travail auxquelles "
        "vous participez (une visite, une journée d’observation au poste de travail, une "
        "réunion de service) et, s’il vous embauche, votre embauche. Jamais votre dossier, vos "
        "coordonnées ni vos besoins d’adaptation. Si vous refusez, ou retirez votre "
        "consentement plus tard, l’employeur ne voit plus que «\u00a0une personne "
        "mentorée\u00a0», dès sa page suivante."
    ),
    depends_en="The given name and occupation an employer partner sees beside its mentors",
    depends_fr="Le prénom et la profession qu’un employeur partenaire voit à côté de ses mentors",
    given_by_default=False,
    position=50,
)


def shared_labels(mentees: Iterable[Any]) -> dict[int, str]:
    """What an employer partner may read of each of these mentees (one query for the consent):
    "Amina — Registered nurses" for those who agreed, "a mentee" for everyone else."""
    people = {mentee.pk: mentee for mentee in mentees}
    refused = consent.refused(EMPLOYER_SHARING, list(people))
    hidden = _("a mentee (who has not chosen to share their name with you)")
    labels = {}
    for pk, mentee in people.items():
        if pk in refused:
            labels[pk] = hidden
            continue
        occupation = getattr(mentee, "occupation", None)
        labels[pk] = (
            f"{mentee.given_name} — {occupation.title}" if occupation else mentee.given_name
        )
    return labels
