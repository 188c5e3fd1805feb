"""The held-back set every reader's training leaves out: whole stories, across corpora."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from factcheck.matching import devsets, train
from factcheck.matching.devsets import Example


def test_headlines_of_one_claim_and_the_emergent_claim_they_report_are_one_story() -> None:
    def fnc(headline: str, body: str, label: str) -> Example:
        return Example(headline, f"body {body}", label, headline, body)

    parts = {
        "fnc1": [
            fnc("Troops seen in Kursk", "1", "agree"),
            fnc("Kursk troop report denied", "1", "disagree"),
            fnc("Kursk troop report denied", "2", "unrelated"),
            fnc("Dam bursts in Gaza", "2", "agree"),
        ],
        "emergent": [
            Example("Troops are in Kursk", "troops SEEN in  Kursk", "agree", "claim-1"),
            Example("A man ate a spider", "Spider eaten", "discuss", "claim-2"),
        ],
    }
    story = train.stories(parts)
    assert set(story) == {
        "fnc1:Troops seen in Kursk",
        "fnc1:Kursk troop report denied",
        "fnc1:Dam bursts in Gaza",
        "emergent:claim-1",
        "emergent:claim-2",
    }
    kursk = story["fnc1:Troops seen in Kursk"]
    # Joined through a related body, and through the same headline under another corpus.
    assert story["fnc1:Kursk troop report denied"] == kursk
    assert story["emergent:claim-1"] == kursk
    # An unrelated pairing joins nothing: body b belongs to the Gaza story.
    assert story["fnc1:Dam bursts in Gaza"] != kursk
    assert story["emergent:claim-2"] not in {kursk, story["fnc1:Dam bursts in Gaza"]}


def _write_fnc(folder: Path, pairs: list[tuple[str, str, str]]) -> None:
    folder.mkdir()
    bodies = sorted({body for _, body, _ in pairs})
    with open(folder / "train_bodies.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Body ID", "articleBody"])
        writer.writerows([body, f"Text of body {body}."] for body in bodies)
    with open(folder / "train_stances.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Headline", "Body ID", "Stance"])
        writer.writerows(pairs)


def test_the_held_back_set_takes_whole_stories_and_a_share_of_each_corpus(tmp_path: Path) -> None:
    # Forty stories of three headlines each, every headline related to its story's bodies;
    # only the train part (by devsets' hashes) counts.
    pairs = [
        (f"Story {s} headline {h}", f"{s}{b:02d}", "agree")
        for s in range(40)
        for h in range(3)
        for b in range(3)
    ]
    _write_fnc(tmp_path / "fnc1", pairs)
    emergent = tmp_path / "emergent.csv"
    with open(emergent, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["claimId", "claimHeadline", "articleHeadline", "articleHeadlineStance"])
        for s in range(40):
            writer.writerow([f"c{s}", f"Claim {s}", f"Story {s} headline 0", "for"])
    args = argparse.Namespace(fnc=tmp_path / "fnc1", arc=None, emergent=emergent, held_stories=True)
    train_parts = train._corpus(args, "train")
    story = train.stories(train_parts)
    held = train.held_back(args, 13)
    assert held == train.held_back(args, 13)  # the same set every time
    assert held != train.held_back(args, 14)
    for corpus in ("fnc1", "emergent"):
        groups = [g for g in story if g.startswith(corpus + ":")]
        share = sum(g in held for g in groups) / len(groups)
        assert train.HELD_SHARE <= share < 0.5, (corpus, share)
    held_stories = {story[g] for g in held}
    assert {g for g in story if story[g] in held_stories} == held  # whole stories only
    # The Emergent claim and the FNC-1 headline of one story are held back together.
    for s in range(40):
        claim, headline = f"emergent:c{s}", f"fnc1:Story {s} headline 0"
        if claim in story and headline in story:
            assert (claim in held) == (headline in held)
    dev = {f"emergent:{e.group}" for e in devsets.emergent(emergent, "dev")}
    assert dev and not dev & set(story)  # the dev parts stay out of the stories altogether
    # Without the option, the tenth of the groups the shipped readers hold back.
    tenth = train.held_back(argparse.Namespace(**{**vars(args), "held_stories": False}), 13)
    assert tenth != held and len(tenth) < len(held)
