"""Demo data for the community of practice (issue 23): a national community hosted by the lead
agency, with provincial hubs' spaces, a few threads in English and French (a question answered
by another network's leader, a mention), a report the moderator settled, and a private
conversation between two leaders. Built through the services; copes with a demo where a piece
is missing (a person or an organization not there)."""

from tandem.accounts.models import User
from tandem.organizations.models import Organization


def demo_load_community() -> None:
    from tandem.community.models import SpaceKind
    from tandem.community.services import communities, conversations, threads

    people = {u.email: u for u in User.objects.filter(email__endswith="@tandem.demo")}
    orgs = {o.slug: o for o in Organization.objects.all()}
    founder = people.get("orgadmin@tandem.demo")
    host = orgs.get("capital-welcome")
    if founder is None or host is None:
        return
    community = communities.community_create(
        actor=founder,
        host=host,
        slug="national-cop",
        name_en="National community of practice",
        name_fr="Communauté de pratique nationale",
        description_en="Network leaders and hub staff across the provinces share what works, "
        "ask for help and stop reinventing the wheel.",
        description_fr="Les responsables de réseau et le personnel des carrefours de toutes les "
        "provinces partagent ce qui fonctionne, demandent de l’aide et évitent de réinventer "
        "la roue.",
        terms_en="1. Share what you may share: no client's personal information.\n"
        "2. Be respectful; disagree with ideas, not people.\n"
        "3. No selling or fundraising.\n"
        "4. Moderators may hide posts that break these terms.",
        terms_fr="1. Partagez ce que vous pouvez partager : aucun renseignement personnel sur "
        "la clientèle.\n"
        "2. Restez respectueux; on débat des idées, pas des personnes.\n"
        "3. Aucune vente ni collecte de fonds.\n"
        "4. L’équipe de modération peut masquer les messages qui ne respectent pas ce mandat.",
    )
    members_of = [
        orgs[slug]
        for slug in (
            "capital-welcome",
            "onite",
            "mentorability-on",
            "mentorability-qc",
            "rideau-employment",
            "vanier-newcomers",
        )
        if slug in orgs
    ]
    communities.organizations_set(actor=founder, community=community, organizations=members_of)
    ontario = communities.space_create(
        actor=founder,
        community=community,
        slug="ontario-hubs",
        name_en="Ontario hubs",
        name_fr="Carrefours de l’Ontario",
        description_en="Hub meetings, referrals and employers in Ontario.",
        description_fr="Rencontres des carrefours, références et employeurs en Ontario.",
        kind=SpaceKind.PROVINCE,
        province="ON",
    )
    communities.space_create(
        actor=founder,
        community=community,
        slug="employer-engagement",
        name_en="Employer engagement",
        name_fr="Mobilisation des employeurs",
        kind=SpaceKind.OPEN,
    )
    general = community.spaces.get(slug="general")
    moderator = community.memberships.get(user=founder)
    joined = {founder.email: moderator}
    # The ONITE leader asks to join and is admitted; the lead agency's staff and a caseworker
    # accept invitations.
    leader = people.get("leader@tandem.demo")
    onite = orgs.get("onite")
    if leader and onite and onite in members_of:
        request = communities.member_request(
            actor=leader,
            community=community,
            organization=onite,
            note="ONITE runs mentoring circles for IT professionals.",
            agree=True,
        )
        joined[leader.email] = communities.request_decide(
            actor=founder, membership=request, admit=True
        )
    for email in ("staff@tandem.demo", "caseworker2@tandem.demo"):
        person = people.get(email)
        if person is None:
            continue
        try:
            communities.member_invite(actor=founder, community=community, email=email)
        except communities.CommunityError:
            continue
        joined[email] = communities.member_accept_invitation(
            actor=person, community=community, agree=True
        )
    in_ontario = [m for e, m in joined.items() if e != "caseworker2@tandem.demo"]
    communities.space_members_set(actor=founder, space=ontario, memberships=in_ontario)
    if leader and leader.email in joined:
        question = threads.thread_start(
            actor=leader,
            membership=joined[leader.email],
            space=general,
            title="How do you recruit mentors in smaller towns?",
            body="Our circles fill up in Ottawa, but we struggle outside the city.\n\n"
            "What has worked for your network?",
            kind="question",
            language="en",
        )
        staff = people.get("staff@tandem.demo")
        if staff and staff.email in joined:
            answer = threads.reply(
                actor=staff,
                membership=joined[staff.email],
                thread=question,
                body="We ask employers’ <strong>retirees</strong> associations first: they mentor by video.\n"
                f"@{joined[leader.email].handle}, I can share our invitation template.",
                language="en",
            )
            threads.answer_mark(actor=leader, thread=question, post=answer)
            threads.reaction_toggle(actor=leader, post=answer, kind="thanks")
        threads.thread_start(
            actor=leader,
            membership=joined[leader.email],
            space=ontario,
            title="Hub meeting on Thursday: agenda",
            body="Items: referrals between hubs, the spring learning exchange, employer panel.",
            language="en",
        )
        conversation = conversations.conversation_start(
            actor=leader,
            community=community,
            recipients=[founder],
            subject="Co-hosting the spring learning exchange",
            body="Would Capital Welcome co-host the spring learning exchange with ONITE?",
        )
        conversations.message_send(
            actor=founder,
            conversation=conversation,
            body="Yes, gladly. Let us book a call next week.",
        )
    caseworker = people.get("caseworker2@tandem.demo")
    if caseworker and caseworker.email in joined:
        french = threads.thread_start(
            actor=caseworker,
            membership=joined[caseworker.email],
            space=general,
            title="Trousse RH inclusive : vos retours?",
            body="Nous avons adapté la trousse pour les petits employeurs de l’Outaouais. "
            "Qui l’a déjà utilisée avec des PME?",
            kind="question",
            language="fr",
        )
        threads.reply(
            actor=founder,
            membership=moderator,
            thread=french,
            body="Oui : la section sur les accommodements a beaucoup aidé nos employeurs.",
            language="fr",
        )
        # A member reported an off-topic advertisement; the moderator hid it.
        advert = threads.reply(
            actor=caseworker,
            membership=joined[caseworker.email],
            thread=french,
            body="Formation payante en recrutement : écrivez-moi pour les tarifs.",
            language="fr",
        )
        threads.post_report(actor=founder, post=advert, reason="Publicité : contraire au mandat.")
        threads.post_hide(actor=founder, post=advert, reason="Publicité (mandat, article 3).")
