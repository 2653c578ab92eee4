"""Bad input to the self-check: a clear message beside the question, the answers kept, nothing stored."""
from __future__ import annotations

import pytest

from tests.selfchecks.helpers import CHECK, RIGHT, answer_count, attempt_count, form_token, text_of


@pytest.mark.parametrize("change, message, field", [
    ({"q1": "z"}, "Question 1: That answer is not one of the options; choose from the list.", "sc-q1-a"),
    ({"q1": ["a", "b"]}, "Question 1: Choose only one answer.", "sc-q1-a"),
    ({"q2": ["a", "x" * 10_000]}, "Question 2: That answer is not one of the options", "sc-q2-a"),
    ({"q3": None}, "Question 3: Choose an answer.", "sc-q3-a"),
    ({"q2": None}, "Question 2: Tick at least one answer.", "sc-q2-a"),
    ({"q4": "twenty-two"}, "Question 4: Enter a number, such as 22 or 22.5 (the unit, kW, is optional).", "sc-q4"),
    ({"q4": ""}, "Question 4: Type an answer.", "sc-q4"),
    ({"q5": "x" * 10_000}, "Question 5: The answer is too long: use at most 200 characters.", "sc-q5"),
    ({"q5": ["V2G", "V1G"]}, "Question 5: Give one answer.", "sc-q5"),
])
def test_a_bad_answer_gets_a_message_at_its_question_and_stores_nothing(app, learner, signed_in, change, message,
                                                                         field):
    client = signed_in(learner)
    data = {**RIGHT, "attempt_token": form_token(client)}
    for name, value in change.items():
        if value is None:
            data.pop(name)
        else:
            data[name] = value
    response = client.post(CHECK, data=data)
    assert response.status_code == 422
    page = text_of(response)
    assert message in page and "There is a problem" in page
    html = response.get_data(as_text=True)
    assert f'href="#{field}"' in html                               # the summary links to the question
    number = message.split(":")[0].split()[-1]
    assert f'aria-describedby="sc-q{number}-stem sc-q{number}-error"' in html   # the message is tied to it
    assert attempt_count(app) == 0 and answer_count(app) == 0
    # The other answers are kept in the form shown again.
    assert 'name="q3" value="a" checked' in html or "q3" in change


@pytest.mark.parametrize("extra", [{"q6": "a"}, {"q0": "a"}, {"q99999999999": "a"}, {"qx": "a"}])
def test_an_answer_to_a_question_that_does_not_exist_is_refused(app, learner, signed_in, extra):
    client = signed_in(learner)
    response = client.post(CHECK, data={**RIGHT, **extra, "attempt_token": form_token(client)})
    assert response.status_code == 422
    assert "The form sent an answer to a question that is not in this self-check" in text_of(response)
    assert attempt_count(app) == 0


@pytest.mark.parametrize("token", ["short", "x" * 65, "not a token!" * 3])
def test_a_broken_form_token_is_refused(app, learner, signed_in, token):
    client = signed_in(learner)
    response = client.post(CHECK, data={**RIGHT, "attempt_token": token})
    assert response.status_code == 422 and "The form could not be read" in text_of(response)
    assert attempt_count(app) == 0


@pytest.mark.parametrize("path", ["/modules/basics/no-such-unit/check", "/modules/nothing/first-steps/check",
                                  "/modules/basics/second-unit/check"])
def test_unknown_units_and_units_without_questions_are_404(app, learner, signed_in, path):
    assert signed_in(learner).post(path, data=RIGHT).status_code == 404
    assert attempt_count(app) == 0


def test_without_the_csrf_token_nothing_is_stored(make_app, signed_in):
    from tests.factories import make_user

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user(role="learner", email="csrf@city.example")
    client = signed_in(user, app=app)
    assert client.post(CHECK, data=RIGHT).status_code == 400
    assert attempt_count(app) == 0


def test_a_valid_form_sent_with_csrf_on_is_stored(make_app, signed_in):
    """The form carries its CSRF token: with protection on, the real form works."""
    import re

    from tests.factories import make_user

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user(role="learner", email="csrf@city.example")
    client = signed_in(user, app=app)
    html = client.get("/modules/basics/first-steps/").get_data(as_text=True)
    form = html[html.index('class="self-check-form"'):]
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    token = re.search(r'name="attempt_token" value="([^"]+)"', form).group(1)
    response = client.post(CHECK, data={**RIGHT, "csrf_token": csrf, "attempt_token": token})
    assert response.status_code == 200 and "5 of 5 correct" in text_of(response)


def test_content_check_refuses_a_question_id_longer_than_what_is_stored(tmp_path):
    """Attempts store question ids in 80 characters: a longer id is a content error, not a failed insert."""
    import shutil

    from courseware.courses.content import ContentError, load_course
    from courseware.selfchecks.models import SelfCheckAnswer
    from tests.conftest import FIXTURE_CONTENT

    root = tmp_path / "modules"
    shutil.copytree(FIXTURE_CONTENT, root)
    path = root / "01-basics/01-first-steps.questions.md"
    long_id = "q-" + "x" * 79
    path.write_text(path.read_text().replace("## q-name-it", f"## {long_id}"))
    with pytest.raises(ContentError) as info:
        load_course(root)
    assert any("the question id is 81 characters long; use at most 80" in p for p in info.value.problems)
    assert SelfCheckAnswer.__table__.c.question_id.type.length == 80
