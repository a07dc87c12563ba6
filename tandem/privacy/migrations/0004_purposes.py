"""The five purposes, with their notices, and each person's existing choices as the first entry
of their consent history (the choices themselves stay where they were: core.consent)."""

from django.db import migrations

PURPOSES = [
    {
        "code": "follow_ups",
        "given_by_default": True,
        "name_en": "Be contacted for follow-ups",
        "name_fr": "Recevoir les sondages de suivi et les rappels",
        "notice_en": (
            "After your mentorship, the program sends you short surveys by e-mail at 3, 6 and 12 "
            "months, and reminders while your mentorship lasts. Your answers measure the "
            "program's results. You may say no at any time: no more survey or reminder is sent."
        ),
        "notice_fr": (
            "Après votre mentorat, le programme vous envoie de courts sondages par courriel "
            "après 3, 6 et 12 mois, et des rappels pendant le mentorat. Vos réponses mesurent "
            "les résultats du programme. Vous pouvez refuser en tout temps : aucun sondage ni "
            "rappel ne vous est plus envoyé."
        ),
        "depends_en": "Follow-up surveys and reminders by e-mail",
        "depends_fr": "Sondages de suivi et rappels par courriel",
    },
    {
        "code": "profile_sharing",
        "given_by_default": True,
        "name_en": "Share my profile with a proposed mentor or mentee",
        "name_fr": "Communiquer mon profil à la personne proposée pour un jumelage",
        "notice_en": (
            "When staff propose a match, the other person sees the parts of your profile you "
            "chose (by default: given name, occupation, languages, experience, goals). If you "
            "say no, nothing about you is shown to the people you are proposed to."
        ),
        "notice_fr": (
            "Quand le personnel propose un jumelage, l’autre personne voit les éléments de votre "
            "profil que vous avez choisis (par défaut : prénom, profession, langues, expérience, "
            "objectifs). Si vous refusez, rien à votre sujet n’est montré aux personnes "
            "proposées."
        ),
        "depends_en": "What proposed mentors and mentees see of the person",
        "depends_fr": "Ce que les personnes proposées pour un jumelage voient de la personne",
    },
    {
        "code": "accommodations",
        "given_by_default": False,
        "name_en": "Share my accommodation needs with the programs that accept me",
        "name_fr": "Communiquer mes besoins d’adaptation aux programmes qui m’acceptent",
        "notice_en": (
            "Your accommodation needs are kept by the organization that holds your record. If "
            "you agree, the staff of the programs that accept you (an employer's program "
            "included) see them too, so that meetings and documents suit you."
        ),
        "notice_fr": (
            "Vos besoins d’adaptation sont conservés par l’organisme qui détient votre dossier. "
            "Si vous y consentez, le personnel des programmes qui vous acceptent (y compris le "
            "programme d’un employeur) les voit aussi, afin que les rencontres et les documents "
            "vous conviennent."
        ),
        "depends_en": "Accommodation needs shown to the staff of accepting programs",
        "depends_fr": "Besoins d’adaptation montrés au personnel des programmes qui acceptent",
    },
    {
        "code": "peer_mentoring",
        "given_by_default": True,
        "name_en": "Be invited to become a peer mentor",
        "name_fr": "Recevoir une invitation à devenir mentor auprès de ses pairs",
        "notice_en": (
            "Once you work in your field, the program may invite you by e-mail to meet "
            "newcomers who are looking for work. If you say no, no invitation is sent."
        ),
        "notice_fr": (
            "Une fois que vous travaillez dans votre domaine, le programme peut vous inviter par "
            "courriel à rencontrer des personnes nouvellement arrivées qui cherchent un emploi. "
            "Si vous refusez, aucune invitation ne vous est envoyée."
        ),
        "depends_en": "Peer-mentor invitations",
        "depends_fr": "Invitations à devenir mentor auprès de ses pairs",
    },
]


def seed(apps, schema_editor):
    Purpose = apps.get_model("privacy", "Purpose")
    Consent = apps.get_model("privacy", "Consent")
    purposes = {}
    for position, fields in enumerate(PURPOSES):
        purposes[fields["code"]], _ = Purpose.objects.update_or_create(
            code=fields["code"], defaults={**fields, "position": position}
        )
    rows = []
    ContactConsent = apps.get_model("outcomes", "ContactConsent")
    for found in ContactConsent.objects.filter(withdrawn_at__isnull=False):
        rows.append(
            Consent(
                participant_id=found.participant_id,
                purpose=purposes["follow_ups"],
                is_given=False,
                version=1,
                channel="staff",
                recorded_by_id=found.recorded_by_id,
                at=found.withdrawn_at,
            )
        )
    Accommodation = apps.get_model("participants", "Accommodation")
    for found in Accommodation.objects.filter(share_with_programs=True):
        rows.append(
            Consent(
                participant_id=found.participant_id,
                purpose=purposes["accommodations"],
                is_given=True,
                version=1,
                channel="staff",
                recorded_by_id=found.recorded_by_id,
                at=found.consent_at,
            )
        )
    ProfileSharing = apps.get_model("matching", "ProfileSharing")
    for found in ProfileSharing.objects.filter(fields=[]):
        rows.append(
            Consent(
                participant_id=found.participant_id,
                purpose=purposes["profile_sharing"],
                is_given=False,
                version=1,
                channel="online",
                at=found.updated_at,
            )
        )
    Consent.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_consent"),
        ("outcomes", "0002_text_limits"),
        ("participants", "0009_behalf_follow_up"),
        ("matching", "0004_matching_settings_min_score"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
