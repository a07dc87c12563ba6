"""The purposes the privacy app declares (core.consent): the notices it wrote for the first
purposes (their choices live in outcomes, matching and participants, which register the stores),
and the purposes it keeps itself (peer-mentor invitations, funder reports).

A notice here is the *first* version: the row the privacy app creates from it after `migrate`
(`purposes_sync`) is then the notice, which staff change on the privacy pages (with a version).
Migration 0004 keeps its own copy of the first four, as they read when it ran.
"""

from tandem.core import consent
from tandem.core.consent import Notice

FIRST = [
    Notice(
        code=consent.FOLLOW_UPS,
        given_by_default=True,
        name_en="Be contacted for follow-ups",
        name_fr="Recevoir les sondages de suivi et les rappels",
        notice_en=(
            "After your mentorship, the program sends you short surveys by e-mail at 3, 6 and 12 "
            "months, and reminders while your mentorship lasts. Your answers measure the "
            "program's results. You may say no at any time: no more survey or reminder is sent."
        ),
        notice_fr=(
            "Après votre mentorat, le programme vous envoie de courts sondages par courriel "
            "après 3, 6 et 12 mois, et des rappels pendant le mentorat. Vos réponses mesurent "
            "les résultats du programme. Vous pouvez refuser en tout temps : aucun sondage ni "
            "rappel ne vous est plus envoyé."
        ),
        depends_en="Follow-up surveys and reminders by e-mail",
        depends_fr="Sondages de suivi et rappels par courriel",
        position=0,
    ),
    Notice(
        code=consent.PROFILE_SHARING,
        given_by_default=True,
        name_en="Share my profile with a proposed mentor or mentee",
        name_fr="Communiquer mon profil à la personne proposée pour un jumelage",
        notice_en=(
            "When staff propose a match, the other person sees the parts of your profile you "
            "chose (by default: given name, occupation, languages, experience, goals). If you "
            "say no, nothing about you is shown to the people you are proposed to."
        ),
        notice_fr=(
            "Quand le personnel propose un jumelage, l’autre personne voit les éléments de votre "
            "profil que vous avez choisis (par défaut : prénom, profession, langues, expérience, "
            "objectifs). Si vous refusez, rien à votre sujet n’est montré aux personnes "
            "proposées."
        ),
        depends_en="What proposed mentors and mentees see of the person",
        depends_fr="Ce que les personnes proposées pour un jumelage voient de la personne",
        position=1,
    ),
    Notice(
        code=consent.ACCOMMODATIONS,
        given_by_default=False,
        name_en="Share my accommodation needs with the programs that accept me",
        name_fr="Communiquer mes besoins d’adaptation aux programmes qui m’acceptent",
        notice_en=(
            "Your accommodation needs are kept by the organization that holds your record. If "
            "you agree, the staff of the programs that accept you (an employer's program "
            "included) see them too, so that meetings and documents suit you."
        ),
        notice_fr=(
            "Vos besoins d’adaptation sont conservés par l’organisme qui détient votre dossier. "
            "Si vous y consentez, le personnel des programmes qui vous acceptent (y compris le "
            "programme d’un employeur) les voit aussi, afin que les rencontres et les documents "
            "vous conviennent."
        ),
        depends_en="Accommodation needs shown to the staff of accepting programs",
        depends_fr="Besoins d’adaptation montrés au personnel des programmes qui acceptent",
        position=2,
    ),
    Notice(
        code=consent.PEER_MENTORING,
        given_by_default=True,
        name_en="Be invited to become a peer mentor",
        name_fr="Recevoir une invitation à devenir mentor auprès de ses pairs",
        notice_en=(
            "Once you work in your field, the program may invite you by e-mail to meet "
            "newcomers who are looking for work. If you say no, no invitation is sent."
        ),
        notice_fr=(
            "Une fois que vous travaillez dans votre domaine, le programme peut vous inviter par "
            "courriel à rencontrer des personnes nouvellement arrivées qui cherchent un emploi. "
            "Si vous refusez, aucune invitation ne vous est envoyée."
        ),
        depends_en="Peer-mentor invitations",
        depends_fr="Invitations à devenir mentor auprès de ses pairs",
        position=3,
    ),
    Notice(
        code=consent.FUNDER_REPORTS,
        given_by_default=True,
        name_en="Be counted in the figures published to funders",
        name_fr="Figurer dans les statistiques publiées pour les bailleurs de fonds",
        notice_en=(
            "Once a fiscal year has ended, the network publishes figures about its programs to "
            "its funders: counts only (how many people were referred, matched, found work), "
            "never a name, and small counts are hidden. If you say no, you are left out of "
            "every fiscal year published after your answer. Years already published stay as "
            "they are: they hold counts only and cannot be taken back. Your program's staff "
            "still see your file and their own program's figures."
        ),
        notice_fr=(
            "Une fois l’exercice financier terminé, le réseau publie pour ses bailleurs de "
            "fonds des statistiques sur ses programmes : des nombres seulement (combien de "
            "personnes ont été orientées, jumelées, ont trouvé un emploi), jamais un nom, et "
            "les petits nombres sont masqués. Si vous refusez, vos renseignements ne sont "
            "comptés dans aucun exercice publié après votre réponse. Les exercices déjà publiés "
            "restent tels quels : ils ne contiennent que des nombres et ne peuvent être "
            "repris. Le personnel de votre programme voit toujours votre dossier et les "
            "statistiques de son propre programme."
        ),
        depends_en="Counted in the fiscal years published to funders after the answer",
        depends_fr="Prise en compte dans les exercices publiés après la réponse",
        position=4,
    ),
]


def declare() -> None:
    """From the privacy app's `ready()`: the notices above; the stores of the two purposes
    kept here (the others are registered by the apps that act on them)."""
    from tandem.privacy.consents import kept_here

    kept = {consent.PEER_MENTORING, consent.FUNDER_REPORTS}
    for notice in FIRST:
        consent.declare(notice, store=kept_here(notice.code) if notice.code in kept else None)


def purposes_sync(*, using: str = "default", apps=None, **kwargs) -> int:
    """Creates the row of every declared purpose that has none (`post_migrate`: after
    `migrate`, `manage.py release`, a test database created or flushed). Never changes a row
    that exists: its notice and version are staff's from then on. How many it created."""
    from django.apps import apps as global_apps

    try:
        purpose_model = (apps or global_apps).get_model("privacy", "Purpose")
    except LookupError:  # migrating backwards, before the purposes existed
        return 0
    have = set(purpose_model.objects.using(using).values_list("code", flat=True))
    missing = [
        purpose_model(
            code=notice.code,
            name_en=notice.name_en,
            name_fr=notice.name_fr,
            notice_en=notice.notice_en,
            notice_fr=notice.notice_fr,
            depends_en=notice.depends_en,
            depends_fr=notice.depends_fr,
            given_by_default=notice.given_by_default,
            position=notice.position,
        )
        for notice in consent.declared()
        if notice.code not in have
    ]
    purpose_model.objects.using(using).bulk_create(missing, ignore_conflicts=True)
    return len(missing)
