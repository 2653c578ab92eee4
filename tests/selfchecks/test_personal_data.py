"""A learner's self-check attempts are personal data: in the account export, gone when the account is."""
from __future__ import annotations

import json

from tests.factories import DEFAULT_PASSWORD
from tests.selfchecks.helpers import CHECK, IDS, answer_count, answers, attempt_count, form_token


def test_attempts_are_in_the_export(app, learner, other_learner, signed_in):
    client = signed_in(learner)
    client.post(CHECK, data={**answers("10110"), "attempt_token": form_token(client)})
    other = signed_in(other_learner)
    other.post(CHECK, data={**answers("11111"), "attempt_token": form_token(other)})
    data = json.loads(client.get("/account/export").get_data(as_text=True))
    [attempt] = data["self_checks"]
    assert (attempt["module"], attempt["unit"], attempt["correct"], attempt["questions"]) == ("basics", "first-steps",
                                                                                              3, 5)
    assert [(a["question"], a["answer"], a["correct"]) for a in attempt["answers"]] == [
        (IDS[0], "a", True), (IDS[1], "c", False), (IDS[2], "a", True), (IDS[3], "22", True), (IDS[4], "V1G", False)]


def test_erasing_the_account_erases_its_attempts_only(app, learner, other_learner, signed_in):
    client, other = signed_in(learner), signed_in(other_learner)
    client.post(CHECK, data={**answers("10110"), "attempt_token": form_token(client)})
    other.post(CHECK, data={**answers("11111"), "attempt_token": form_token(other)})
    assert client.post("/account/delete", data={"password": DEFAULT_PASSWORD}).status_code == 302
    assert attempt_count(app, learner.id) == 0
    assert attempt_count(app) == 1 and answer_count(app) == 5
