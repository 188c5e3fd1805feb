from __future__ import annotations

import pytest

from factcheck.matching.attribution import KnownSpeaker, SpeakerIndex, find_attributions

INDEX = SpeakerIndex(
    [
        KnownSpeaker(
            "us", "US government", ("United States", "Washington", "US"), "organization", "US"
        ),
        KnownSpeaker("dod", "US Department of Defense", ("Pentagon", "DoD"), "organization"),
        KnownSpeaker("ryder", "Pat Ryder", ("Maj-Gen Pat Ryder",), "person"),
        KnownSpeaker("biden", "Joe Biden", (), "person"),
        KnownSpeaker("kr", "South Korea government", ("Seoul",), "organization", "KR"),
        KnownSpeaker("nis", "National Intelligence Service", ("NIS",), "organization"),
        KnownSpeaker(
            "kp",
            "North Korea government",
            ("North Korea", "Pyongyang", "DPRK"),
            "organization",
            "KP",
        ),
        KnownSpeaker("ru", "Russia government", ("Kremlin", "Moscow"), "organization", "RU"),
        KnownSpeaker("nato", "NATO", (), "organization"),
        KnownSpeaker("zel", "Volodymyr Zelensky", ("Zelenskyy",), "person"),
    ]
)


@pytest.mark.parametrize(
    ("text", "speaker", "cue"),
    [
        (
            "Major-General Pat Ryder, a Pentagon spokesman, said the US has no information.",
            "ryder",
            "said",
        ),
        ("A small number are already there, Maj-Gen Ryder said.", "ryder", "said"),
        ("Troops have fought in Kursk, said Pat Ryder.", "ryder", "said"),
        ("Zelensky told reporters that 11,000 troops were in Kursk.", "zel", "told reporters"),
        ("South Korea's National Intelligence Service (NIS) said on Friday.", "nis", "said"),
        ("According to the Pentagon, the troops are in Kursk.", "dod", "according to"),
        ("Pyongyang denied sending troops.", "kp", "denied"),
        ("The DPRK called the reports groundless, its envoy said.", None, None),
        ("The Kremlin's spokesman said the question should go elsewhere.", "ru", "said"),
        ("NATO Secretary General Mark Rutte said on Monday units were deployed.", "nato", "said"),
        ("Mr Biden replied: “If they go into Ukraine, yes.”", "biden", "replied"),
        ("In a statement, the NIS said the transfer was complete.", "nis", "statement"),
        ("South Korea's intelligence service said last week that 1,500 moved.", "kr", "said"),
        ("South Korea's spy agency said the ships sailed from Chongjin.", "kr", "said"),
        (
            "A North Korean delegate at the United Nations has dismissed reports of troops.",
            "kp",
            "dismissed",
        ),
        ("Pyongyang has rejected the reports that it sent soldiers.", "kp", "rejected"),
        ("The Kremlin on Friday declined to say whether they fight.", "ru", "declined"),
    ],
)
def test_it_finds_and_resolves_who_says_it(text: str, speaker: str | None, cue: str | None) -> None:
    found = find_attributions(text, INDEX)
    if speaker is None:
        assert found == [] or found[0].speaker in ("kp", None)
        return
    assert found, text
    assert (found[0].speaker, found[0].cue) == (speaker, cue)
    assert text[found[0].start : found[0].end] == found[0].mention


def test_anonymous_officials_belong_to_their_country() -> None:
    found = find_attributions("according to a US official who asked not to be identified", INDEX)
    assert (found[0].anonymous, found[0].country, found[0].speaker) == (True, "US", "us")
    seoul = find_attributions("A senior South Korean official said the count rose.", INDEX)
    assert (seoul[0].country, seoul[0].speaker) == ("KR", "kr")


def test_unnamed_officials_of_no_country_resolve_to_nobody() -> None:
    found = find_attributions("Officials said the troops were training.", INDEX)
    assert (found[0].anonymous, found[0].speaker) == (True, None)


def test_an_unknown_person_comes_with_the_known_organisation_named_beside_them() -> None:
    found = find_attributions("Pentagon spokesman John Doe told reporters it was 11,000.", INDEX)
    assert (found[0].person_name, found[0].organization, found[0].speaker) == (
        "John Doe",
        "dod",
        "dod",
    )


def test_he_said_refers_to_the_last_named_speaker() -> None:
    text = "Pat Ryder said on Monday that units moved. “The rest are training,” he added."
    found = find_attributions(text, INDEX)
    assert [(a.mention, a.speaker) for a in found] == [("Pat Ryder", "ryder"), ("he", "ryder")]


def test_a_capitalised_subject_that_is_nobody_is_not_an_attribution() -> None:
    assert find_attributions("The war said nothing new.", INDEX) == []


def test_short_acronyms_must_be_written_in_capitals() -> None:
    assert find_attributions("The nis said.", INDEX) == []


def test_a_name_does_not_run_over_a_sentence_or_line_end() -> None:
    text = "Troops are already in Ukraine.\n\nThe US believes the count is 10,000."
    found = find_attributions(text, INDEX)
    assert [(a.mention, a.speaker) for a in found] == [("The US", "us")]


def test_said_followed_by_a_clause_is_not_an_inverted_attribution() -> None:
    text = "where the NIS said North Korean personnel gathered on Oct 16"
    assert [a.speaker for a in find_attributions(text, INDEX)] == ["nis"]


def test_the_speaker_of_a_passage_is_inside_it_or_just_before_it() -> None:
    from factcheck.matching.attribution import speaker_for_span

    text = (
        "Pat Ryder said on Monday that units moved. The rest are training in the east. "
        "Zelensky said the figure was higher."
    )
    found = find_attributions(text, INDEX)
    second = text.index("The rest")
    third = text.index("Zelensky")
    carried = speaker_for_span(found, second, third - 1)
    assert carried is not None and carried.speaker == "ryder"
    own = speaker_for_span(found, third, len(text))
    assert own is not None and own.speaker == "zel"


def test_a_body_named_before_a_verb_is_not_taken_for_an_unknown_person() -> None:
    found = find_attributions("The United Nations said it had no figures.", INDEX)
    assert all(a.person_name != "United Nations" for a in found)
