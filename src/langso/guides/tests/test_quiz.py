"""Scoring a check (pure) and the level a result records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from langso.guides.quiz import QuizResult, parse_choice, quiz_level, required_correct, score_quiz


@dataclass
class Q:
    number: int
    correct: int
    choices: list[Any] = field(default_factory=lambda: [{"vi": "a"}, {"vi": "b"}, {"vi": "c"}])


@dataclass
class G:
    questions: list[Q]
    pass_mark: int = 0


def four() -> G:
    return G([Q(1, 0), Q(2, 1), Q(3, 2), Q(4, 1)])


def test_all_right_answers_pass_with_full_marks() -> None:
    result = score_quiz(four(), {1: 0, 2: 1, 3: 2, 4: 1})

    assert (result.correct_count, result.total, result.needed, result.passed) == (4, 4, 3, True)
    assert all(f.is_correct for f in result.feedback)


def test_answers_may_come_as_strings_from_a_form() -> None:
    result = score_quiz(four(), {"1": "0", "2": "1", "3": "2", "4": "0"})

    assert result.correct_count == 3 and result.passed


def test_pass_mark_zero_means_all_but_one() -> None:
    assert score_quiz(four(), {1: 0, 2: 1, 3: 2, 4: 0}).passed
    assert not score_quiz(four(), {1: 0, 2: 1, 3: 0, 4: 0}).passed


@pytest.mark.parametrize(
    ("pass_mark", "total", "needed"),
    [(0, 5, 4), (0, 4, 3), (0, 3, 2), (0, 2, 2), (0, 1, 1), (0, 0, 0), (2, 5, 2), (5, 5, 5), (9, 3, 3)],
)
def test_required_correct_is_all_but_one_at_least_two_and_never_more_than_the_questions(
    pass_mark: int, total: int, needed: int
) -> None:
    assert required_correct(pass_mark, total) == needed


def test_an_explicit_pass_mark_is_used() -> None:
    guide = four()
    guide.pass_mark = 2

    assert score_quiz(guide, {1: 0, 2: 1}).passed
    assert not score_quiz(guide, {1: 0}).passed


def test_missing_answers_count_as_wrong_and_are_reported_unanswered() -> None:
    result = score_quiz(four(), {1: 0})

    assert result.correct_count == 1 and not result.passed
    assert result.unanswered == 3
    assert [f.chosen for f in result.feedback] == [0, None, None, None]


def test_no_answers_at_all_fail() -> None:
    result = score_quiz(four(), {})

    assert (result.correct_count, result.passed, result.unanswered) == (0, False, 4)


@pytest.mark.parametrize(
    "tampered", ["-1", "3", "99", "1.0", "", " ", "abc", "²", "0x1", "1000000", None, True, -1, 7]
)
def test_tampered_answers_neither_crash_nor_score(tampered: Any) -> None:
    result = score_quiz(G([Q(1, 1), Q(2, 0)]), {1: tampered, 2: 0})

    assert result.feedback[0].chosen is None and not result.feedback[0].is_correct
    assert result.correct_count == 1


def test_answers_to_questions_the_guide_does_not_have_are_ignored() -> None:
    result = score_quiz(four(), {1: 0, 2: 1, 3: 2, 4: 1, 5: 0, "q9": 1})

    assert (result.correct_count, result.total) == (4, 4)


def test_feedback_follows_the_question_numbers_whatever_the_stored_order() -> None:
    result = score_quiz(G([Q(3, 0), Q(1, 1), Q(2, 2)]), {1: 1, 2: 2, 3: 0})

    assert [f.question.number for f in result.feedback] == [1, 2, 3]


def test_a_question_with_broken_stored_choices_cannot_be_answered_right() -> None:
    result = score_quiz(G([Q(1, 0, choices="oops"), Q(2, 0)]), {1: 0, 2: 0})  # type: ignore[arg-type]

    assert [f.is_correct for f in result.feedback] == [False, True]


def test_a_guide_without_questions_is_never_passed() -> None:
    result = score_quiz(G([]), {})

    assert (result.total, result.passed) == (0, False)


def test_parse_choice_accepts_only_an_index_of_an_existing_choice() -> None:
    assert parse_choice("2", 3) == 2
    assert parse_choice(" 1 ", 3) == 1
    assert parse_choice("3", 3) is None
    assert parse_choice(False, 3) is None


def _result(passed: bool) -> QuizResult:
    return QuizResult(correct_count=3 if passed else 0, total=3, needed=2, passed=passed, feedback=())


@pytest.mark.parametrize(
    ("passed", "current", "recorded"),
    [
        (True, None, 3),
        (True, 1, 3),
        (True, 2, 3),
        (True, 3, None),
        (True, 4, None),
        (False, None, 1),
        (False, 1, None),
        (False, 3, None),
    ],
)
def test_a_check_records_can_do_alone_or_introduced_and_never_lowers_a_level(
    passed: bool, current: int | None, recorded: int | None
) -> None:
    assert quiz_level(_result(passed), current) == recorded
