"""What staff read: reasons for pairs, for unmatched mentees, for pairs not made."""

from tandem.matching.engine.api import Matcher
from tandem.matching.engine.model import Participant, Pool, Rule, UnmatchedReason
from tandem.matching.engine.tests.strategies import HashEmbedder


def person(pid, role, **fields) -> Participant:
    defaults = dict(
        preferred_language="en", languages=frozenset({"en"}), noc_code="21231", capacity=1
    )
    defaults.update(fields)
    return Participant(pid, role, **defaults)  # type: ignore[arg-type]


def matcher(*people: Participant, exclusions=()) -> Matcher:
    return Matcher(Pool.from_participants(people), embedder=HashEmbedder(), exclusions=exclusions)


def test_a_pair_is_explained_criterion_by_criterion_in_both_languages():
    m = matcher(
        person(
            "a",
            "mentee",
            noc_code="21232",
            postal_code="K1N",
            availability=frozenset({"tue-evening"}),
        ),
        person(
            "b",
            "mentor",
            noc_code="21231",
            postal_code="K1N",
            availability=frozenset({"tue-evening", "sat-morning"}),
            years_experience=12.0,
        ),
    )
    english = m.explain_pair("a", "b")
    assert english.is_allowed
    assert "Same minor group of occupations (NOC 2123)" in english.sentences
    assert "Shares Tuesday evenings" in english.sentences
    assert "Same postal area (K1N)" in english.sentences
    assert "12 years of experience in the region" in english.sentences
    assert not any("NAICS" in s for s in english.sentences)  # no industry given: not named
    french = m.explain_pair("a", "b", lang="fr")
    assert "Même groupe professionnel (CNP 2123)" in french.sentences
    assert "En commun\u00a0: le mardi soir" in french.sentences


def test_a_forbidden_pair_names_every_rule_it_breaks():
    m = matcher(
        person(
            "a",
            "mentee",
            preferred_language="fr",
            languages=frozenset({"fr"}),
            meeting_mode="in_person",
            postal_code="K1N",
            availability=frozenset({"mon-morning"}),
        ),
        person("b", "mentor", postal_code="M5V", availability=frozenset({"tue-evening"})),
        exclusions=[("a", "b")],
    )
    why = m.explain_pair("a", "b")
    assert not why.is_allowed and why.score is None
    assert why.broken_rules == (
        Rule.MENTOR_NO_FRENCH,
        Rule.NO_SHARED_LANGUAGE,
        Rule.NO_SHARED_SLOT,
        Rule.TOO_FAR,
        Rule.EXCLUDED,
    )
    assert any("km apart (limit 50 km)" in s for s in why.sentences)


def test_a_mentee_nobody_can_serve_in_french_is_told_why():
    m = matcher(
        person("a", "mentee", preferred_language="fr", languages=frozenset({"fr", "en"})),
        person("b", "mentor"),
    )
    (unmatched,) = m.solve(lang="fr").unmatched
    assert unmatched.reason_code is UnmatchedReason.NO_FRENCH_SPEAKING_MENTOR
    assert unmatched.reason == "Aucun mentor ne parle français."


def test_a_mentee_is_told_when_only_full_mentors_share_their_time():
    m = matcher(
        person("a", "mentee", availability=frozenset({"mon-morning"}), noc_code="21231"),
        person("c", "mentee", availability=frozenset({"mon-morning"}), noc_code="11100"),
        person("b", "mentor", availability=frozenset({"mon-morning"}), noc_code="21231"),
        person("d", "mentor", availability=frozenset({"fri-evening"}), noc_code="21231"),
    )
    solution = m.solve()
    assert solution.mentor_of("a") == "b"
    (unmatched,) = solution.unmatched
    assert unmatched.mentee_id == "c"
    assert unmatched.reason_code is UnmatchedReason.NO_AVAILABILITY_WITH_ROOM
    why_not = m.explain_pair("c", "b", solution=solution)
    assert why_not.is_chosen is False
    assert (
        why_not.why_not_chosen
        == "This mentor's places are taken by mentees for whom they score higher."
    )


def test_when_every_suitable_mentor_is_full_the_reason_says_so():
    m = matcher(
        person("a", "mentee", noc_code="21231"),
        person("c", "mentee", noc_code="11100"),
        person("b", "mentor", noc_code="21231"),
    )
    (unmatched,) = m.solve().unmatched
    assert unmatched.reason_code is UnmatchedReason.MENTORS_FULL_SCORE_HIGHER
    assert (
        unmatched.reason
        == "The only suitable mentor is full with mentees for whom they score higher."
    )


def test_ranked_candidates_come_best_first_with_room_and_reasons():
    m = matcher(
        person("a", "mentee", noc_code="21231"),
        person("b", "mentor", noc_code="21231", capacity=2),
        person("c", "mentor", noc_code="21300"),
        person("d", "mentor", noc_code="11100"),
        person("e", "mentor", languages=frozenset({"ar"})),
    )
    solution = m.solve()
    ranked = m.rank_candidates("a", k=10, solution=solution)
    assert [c.mentor_id for c in ranked] == ["b", "c", "d"]
    assert [c.rank for c in ranked] == [1, 2, 3]
    assert ranked[0].explanation.is_chosen and ranked[0].has_room
    assert ranked[1].explanation.why_not_chosen.startswith("The proposed mentor scores higher")
    assert ranked[0].score > ranked[1].score > ranked[2].score


def test_decimal_years_take_the_plural_each_language_uses():
    from tandem.matching.engine.explain import criterion_sentence

    mentee = person("m", "mentee")

    def sentence(years, lang):
        mentor = person("t", "mentor", years_experience=years)
        return criterion_sentence("experience", 0.5, mentee, mentor, km=None, lang=lang)

    assert sentence(1.5, "en").startswith("1.5 years ")
    assert sentence(1.5, "fr").startswith("1,5 an ")
    assert sentence(2.5, "fr").startswith("2,5 ans ")
