"""Demo self-check attempts (courseware/demo/self_checks.py): realistic enough for item analysis."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone

from courseware.courses.content import load_course
from courseware.courses.questions import score
from courseware.demo.self_checks import plan_self_checks
from tests.conftest import REAL_CONTENT

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def _plan(seed: int = 1):
    course = load_course(REAL_CONTENT)
    completions = [(learner, u.module_slug, u.slug, NOW - timedelta(days=30 - learner % 20))
                   for learner in range(300) for u in course.units]
    return course, plan_self_checks(course, completions, seed, NOW)


def test_attempts_are_realistic():
    course, planned = _plan()
    questions = {(u.module_slug, q.id): q for u in course.units for q in u.questions}
    assert planned and all(a["submitted_at"] < NOW for a, _ in planned)
    by_learner, by_question, retries = defaultdict(list), defaultdict(list), 0
    for attempt, answers in planned:
        assert attempt["correct"] == sum(a["correct"] for a in answers) and attempt["total"] == len(answers)
        for answer in answers:
            question = questions[(answer["module_slug"], answer["question_id"])]
            # The stored response marks as the plan says: the answer page and statistics agree.
            given = answer["response"].split(",") if question.is_choice else answer["response"]
            assert score(question, given).correct is answer["correct"], (question.id, answer["response"])
            if answer["first"]:
                by_learner[answer["learner"]].append(answer["correct"])
                by_question[answer["question_id"]].append(answer["correct"])
        retries += not answers[0]["first"]
    learner_means = sorted(sum(v) / len(v) for v in by_learner.values())
    assert learner_means[len(learner_means) // 10] < 0.5 < learner_means[-len(learner_means) // 10]
    facility = [sum(v) / len(v) for v in by_question.values()]
    assert any(f > 0.9 for f in facility) and any(f < 0.3 for f in facility)
    assert retries > 0


def test_the_same_seed_gives_the_same_answers():
    strip = lambda planned: [(a["learner"], a["correct"], [x["response"] for x in answers]) for a, answers in planned]
    assert strip(_plan(3)[1]) == strip(_plan(3)[1]) != strip(_plan(4)[1])
