"""Scoring a guide's check (pure: no database writes, no request), and the level a result records.

The level rule (`quiz_level`), and why:
- A passed check records "can do alone" (3): the questions ask what to press and what never to do,
  which is what doing the task alone needs. If the person is already at 3 or 4 nothing new is
  recorded: a quiz cannot show "can teach others", and because the latest record is the current
  level (skills.rules.current_levels) a 3 would wrongly lower a 4. A check never lowers a level.
- A failed check records "introduced" (1) only when the person has no record of that skill yet: they
  have demonstrably gone through the guide and its questions, which is what "introduced" means and
  what the "reached by guidance" indicator counts. With any record already, a failed check records
  nothing: it says what they do not know yet, not that they lost a skill they were seen doing.
- A check sent without a single answer records nothing at all: pressing "Nộp bài" is not evidence of
  having gone through anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

PASSED_LEVEL = 3  # skills.models.Level.ALONE
FAILED_FIRST_LEVEL = 1  # skills.models.Level.INTRODUCED


@dataclass(frozen=True)
class QuestionFeedback:
    question: Any  # a QuizQuestion (or anything with number, choices, correct, explanation)
    chosen: int | None  # None: unanswered, or an answer that is not one of the choices
    is_correct: bool


@dataclass(frozen=True)
class QuizResult:
    correct_count: int
    total: int
    needed: int
    passed: bool
    feedback: tuple[QuestionFeedback, ...]

    @property
    def unanswered(self) -> int:
        return sum(1 for f in self.feedback if f.chosen is None)

    @property
    def answered_none(self) -> bool:
        """Submitted without a single answer: no evidence of anything, so nothing is scored or recorded."""
        return self.unanswered == self.total


def required_correct(pass_mark: int, total: int) -> int:
    """Correct answers needed: `pass_mark`, or when it is 0 "all but one, at least 2"; never more than
    the number of questions (a guide with 2 questions needs both, with 1 needs it)."""
    if total <= 0:
        return 0
    needed = pass_mark if pass_mark > 0 else max(2, total - 1)
    return min(needed, total)


def parse_choice(raw: Any, choice_count: int) -> int | None:
    """A submitted answer as a choice index, or None when it is missing or not a valid choice
    (a tampered form must neither crash nor score)."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw).strip()
        # ASCII digits only: refuses "-1", "1.0", "", "²" and absurdly long numbers.
        if not (text.isascii() and text.isdigit()) or len(text) > 3:
            return None
        value = int(text)
    return value if 0 <= value < choice_count else None


def _questions(guide: Any) -> list[Any]:
    questions = guide.questions
    items: Iterable[Any] = questions.all() if hasattr(questions, "all") else questions
    return sorted(items, key=lambda q: q.number)


def score_quiz(guide: Any, answers: Mapping[Any, Any]) -> QuizResult:
    """Score answers given as {question number: choice index} (keys int or str, values int or str)."""
    by_number = {str(key): value for key, value in answers.items()}
    feedback = []
    for question in _questions(guide):
        choices = question.choices if isinstance(question.choices, list) else []
        chosen = parse_choice(by_number.get(str(question.number)), len(choices))
        feedback.append(QuestionFeedback(question, chosen, chosen is not None and chosen == question.correct))
    total = len(feedback)
    correct_count = sum(1 for f in feedback if f.is_correct)
    needed = required_correct(guide.pass_mark or 0, total)
    return QuizResult(
        correct_count=correct_count,
        total=total,
        needed=needed,
        passed=total > 0 and correct_count >= needed,
        feedback=tuple(feedback),
    )


def quiz_level(result: QuizResult, current_level: int | None) -> int | None:
    """The level this result records for a person whose current level is `current_level` (None: no
    record yet), or None to record nothing. See the module docstring for the reasons."""
    if result.passed:
        return PASSED_LEVEL if (current_level or 0) < PASSED_LEVEL else None
    return FAILED_FIRST_LEVEL if current_level is None else None
