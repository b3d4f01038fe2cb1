"""The problem generator: exact programs, varied phrasings, and held-out families and kinds that
training never sees; the slips the Critic and Solver learn to correct."""

import random
import re

import pytest

from codepatch.latent.answers import read, same_answer
from codepatch.latent.program import evaluate
from training.plain import PLAIN
from training.slips import slip
from training.tasks import KINDS, SPLITS, generate, render, split_families
from training.tasks.render import chain, number_word

DRAWS = {split: generate(split, 600, seed=0) for split in SPLITS}


def test_generation_is_deterministic_and_seeds_differ():
    assert generate("phrasing-test", 30, seed=1) == generate("phrasing-test", 30, seed=1)
    assert generate("phrasing-test", 30, seed=1) != generate("phrasing-test", 30, seed=2)


@pytest.mark.parametrize("split", SPLITS)
def test_every_target_reads_back_to_its_exact_answer(split):
    for problem in DRAWS[split]:
        assert problem.targets == [problem.target] * 3
        reading = read(problem.target)
        assert same_answer(reading.answer, problem.answer), problem
        if reading.program is not None:  # whole, non-negative results: the questions ask for counts
            value = evaluate(reading.program).value
            assert value.denominator == 1 and value >= 0, problem


def test_held_out_phrasings_and_kinds_are_never_trained_on():
    families = {split: {(kind.name, family.name) for kind, fams in split_families(split) for family in fams}
                for split in SPLITS}
    assert families["train"] == families["template-test"]
    for held_out in ("phrasing-validation", "phrasing-test", "kind-validation", "kind-test"):
        assert families[held_out] and not families[held_out] & families["train"], held_out
    kinds = {split: {kind for kind, _ in fams} for split, fams in families.items()}
    assert kinds["phrasing-test"] <= kinds["train"] and kinds["phrasing-validation"] <= kinds["train"]
    assert not (kinds["kind-validation"] | kinds["kind-test"]) & kinds["train"]
    assert not kinds["kind-validation"] & kinds["kind-test"]
    wordings = {split: {t for _, fams in split_families(split) for f in fams for t in f.templates + sum(f.phrases.values(), ())
                        if len(t.split()) >= 4}  # whole templates and clauses, not the symbols or joiners they share
                for split in ("train", "phrasing-test", "phrasing-validation")}
    assert not wordings["train"] & (wordings["phrasing-test"] | wordings["phrasing-validation"])


def test_generated_problems_use_every_kind_and_vary_their_phrasing():
    train = DRAWS["train"]
    assert {p.kind for p in train} == {kind.name for kind in KINDS if kind.held_out is None}
    questions = [p.question for p in train]
    assert len(set(questions)) > 0.95 * len(questions)
    word_numbers = re.compile(r"\b(" + "|".join(number_word(n) for n in range(2, 100)) + r")\b", re.IGNORECASE)
    assert sum(bool(word_numbers.search(q)) for q in questions) > 0.1 * len(questions)
    assert sum(q.startswith(("How", "What", "Which", "Who")) and "?" in q[:-1] for q in questions) > 0.05 * len(questions)
    assert any(p.target.startswith("Answer: ") for p in train) and any(p.target.startswith("Program: (") for p in train)


def test_distractor_numbers_are_left_out_of_the_program(monkeypatch):
    monkeypatch.setattr(render, "DISTRACTOR_P", 1.0)
    words = {number_word(n): str(n) for n in range(101)}
    pool = [re.compile(re.escape(t).replace(re.escape("{other}"), r"\w+").replace(re.escape("{n}"), r"\d+"))
            for t in render.DISTRACTORS["train"]]
    checked = 0
    for problem in generate("train", 300, seed=0):
        found = [p for p in pool if p.search(problem.question)]
        if problem.kind != "change" or not found:  # a change's numbers are all stated; "If ..." has no distractor
            continue
        story = found[0].sub("", problem.question, count=1)
        stated = re.findall(r"\d+", story) + [words[w] for w in re.findall(r"[a-z]+(?:-[a-z]+)?", story.lower()) if w in words]
        assert set(re.findall(r"\d+", problem.target)) <= set(stated), problem
        checked += 1
    assert checked > 20


def test_the_hand_written_plain_set_is_not_generated():
    generated = {p.question for split in SPLITS for p in generate(split, 3000, seed=0)}
    assert not generated & {question for question, _ in PLAIN}
    assert len(PLAIN) >= 30


@pytest.mark.parametrize(("start", "steps", "program"), [
    (2, [("+", 12), ("-", 4)], "2+12-4"),
    (5, [("+", 3), ("*", 4)], "(5+3)*4"),
    (96, [("/", 8), ("+", 7)], "96/8+7"),
    (40, [("-", "3+2")], "40-(3+2)"),
    (6, [("*", "2+1"), ("/", "3*1")], "6*(2+1)/(3*1)"),
    (7, [("+", "2-1")], "7+2-1"),
])
def test_chain_brackets_only_what_it_must(start, steps, program):
    assert chain(start, steps) == program


def test_number_words():
    assert [number_word(n) for n in (0, 7, 15, 20, 24, 99, 100)] == [
        "zero", "seven", "fifteen", "twenty", "twenty-four", "ninety-nine", "one hundred"]


def test_slips_change_the_message_and_keep_its_form():
    rng = random.Random(0)
    changed = 0
    for problem in DRAWS["train"][:200]:
        slipped = slip(problem.target, problem.question, rng)
        assert slipped.split(":")[0] == problem.target.split(":")[0]
        changed += slipped != problem.target
    assert changed > 190
