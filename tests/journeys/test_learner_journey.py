"""The learner's journey (issue 15, points 5 to 9): feedback first, safe and visible submitting, progress
where the learner is, task-list statuses, plain words and times in the reader's zone. Through HTTP."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from sqlalchemy import update

from courseware.assignments.models import Submission
from courseware.extensions import db
from tests.assignments.conftest import rows, submit
from tests.certificates.helpers import complete_units, grade, latest_submission_id, write_posts
from tests.conftest import sign_in

URL = "/modules/basics/assignment/"


def _revise(app, learner, tutor):
    """The learner submits; the tutor asks for a revision, ticking the first criterion only."""
    client = sign_in(app, learner)
    assert submit(client).status_code == 302
    staff = sign_in(app, tutor)
    submission_id = latest_submission_id(app, learner.id, "basics")
    response = staff.post(f"/tutor/submissions/{submission_id}/", data={
        "decision": "revise", "feedback": "Add one *concrete* example.", "criteria": ["0"]})
    assert response.status_code == 302
    return client


def test_feedback_comes_first_with_every_criterion_marked(app, learner, tutor):
    client = _revise(app, learner, tutor)
    page = client.get(URL).get_data(as_text=True)
    feedback = page.index('id="latest-feedback"')
    assert feedback < page.index('id="brief"') < page.index('id="send"')
    panel = page[feedback:page.index("</section>", feedback)]
    assert "<em>concrete</em>" in panel
    marks = re.findall(r'<span class="mark">(.*?)</span><span class="visually-hidden">:</span> (.*?)</li>', panel)
    # The learners' wording of the first criterion; the second has none of its own.
    assert marks == [("Met", "Say which city or region you work for."), ("Not yet met", "Gives one example")]
    assert '<a class="button" href="#send">Revise your answer</a>' in panel


def test_home_and_progress_say_feedback_is_waiting(app, learner, tutor):
    client = _revise(app, learner, tutor)
    for path in ("/", "/progress/"):
        page = client.get(path).get_data(as_text=True)
        assert "Feedback is waiting for you" in page
        assert f'<a href="{URL}">Read the tutor\'s feedback and revise your assignment for Basics</a>' in page.replace("&#39;", "'")
    # Once the learner starts the revision (a draft), nothing waits any more.
    assert submit(client, save_draft="Save draft").status_code == 302
    assert "Feedback is waiting" not in client.get("/").get_data(as_text=True)


def test_confirmation_in_view_says_what_happens_next(app, learner):
    client = sign_in(app, learner)
    response = submit(client, save_draft="Save draft")
    assert "#" not in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert page.index("Your draft is saved. It is not yet submitted") < page.index("<h1>")
    response = submit(client)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert page.index("Version 1 is submitted. What happens next: a tutor") < page.index("<h1>")


def test_withdraw_until_a_tutor_opens_it(app, learner, tutor):
    """A submitted version goes back to a draft with one POST; once a tutor has taken it, it cannot."""
    client = sign_in(app, learner)
    submit(client)
    assert "Withdraw it to make changes" in client.get(URL).get_data(as_text=True)
    response = client.post("/modules/basics/assignment/withdraw")
    assert response.status_code == 303
    [s] = rows(app)
    assert (s.status, s.submitted_at) == ("draft", None)
    page = client.get(URL).get_data(as_text=True)
    assert "Version 1 is withdrawn: it is a draft again" in page and 'name="body"' in page
    # Submitting again is still a POST of `body`; now a tutor takes it and it can no longer be withdrawn.
    assert submit(client).status_code == 302
    staff = sign_in(app, tutor)
    assert staff.post(f"/tutor/submissions/{s.id}/claim").status_code == 303
    page = client.get(URL).get_data(as_text=True)
    assert "Withdraw it to make changes" not in page and "can no longer be withdrawn" in page
    response = client.post("/modules/basics/assignment/withdraw", follow_redirects=True)
    assert "A tutor has opened this version for grading" in response.get_data(as_text=True)
    assert [r.status for r in rows(app)] == ["submitted"]


def test_withdraw_without_waiting_work_changes_nothing(app, learner):
    client = sign_in(app, learner)
    response = client.post("/modules/basics/assignment/withdraw", follow_redirects=True)
    assert response.status_code == 200
    assert "There is no submitted version waiting for a tutor to withdraw." in response.get_data(as_text=True)
    assert rows(app) == []


def test_module_page_has_a_task_list(app, learner):
    client = sign_in(app, learner)
    complete_units(client, "basics")
    write_posts(client, "basics", 1)
    submit(client)
    page = client.get("/modules/basics/").get_data(as_text=True)
    tasks = page[page.index('id="tasks-title"'):page.index("</section>", page.index('id="tasks-title"'))]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", tasks))
    assert "Read the units 2 of 2 units done Completed" in text
    assert "Take part in the forum 1 of 2 posts In progress" in text
    assert "Do the assignment submitted, waiting for a tutor Waiting for a tutor" in text
    # Visitors and staff see no task list.
    assert 'id="tasks-title"' not in app.test_client().get("/modules/basics/").get_data(as_text=True)


def test_posting_confirmation_says_n_of_m_posts(app, learner):
    client = sign_in(app, learner)
    response = client.post("/modules/basics/forum/", data={"title": "Depots", "body": "Our depot could help."})
    assert response.status_code == 303 and "#" not in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert page.replace("&#39;", "'").index("1 of 2 posts in this module's forum: 1 more needed") < page.index("<h1")
    thread = response.headers["Location"]
    response = client.post(thread, data={"body": "And a second thought."})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 of 2 posts in this module's forum: this requirement is completed." in page.replace("&#39;", "'")


def test_certificate_checklist_never_says_missing(app, learner):
    """A submitted assignment waits for a tutor: it says so, beside its status word from SPEC section 4."""
    client = sign_in(app, learner)
    submit(client)
    page = client.get("/certificate/").get_data(as_text=True)
    assert "missing" not in page.lower() and "✗" not in page
    row = re.search(r"Pass the assignment</th>(.*?)</tr>", page, re.S).group(1)
    assert "submitted, waiting for a tutor" in row and "Waiting for a tutor</strong>" in row
    assert "Not started</strong>" in page


def test_plain_formatting_help_and_learner_criteria(app, learner):
    client = sign_in(app, learner)
    page = client.get(URL).get_data(as_text=True)
    assert "Formatting help: leave an empty line between paragraphs." in page and "Markdown" not in page
    brief = page[page.index('id="brief"'):page.index("</section>", page.index('id="brief"'))]
    assert "Say which city or region you work for." in brief and "Names the city" not in brief
    forum = client.get("/modules/basics/forum/").get_data(as_text=True)
    assert "Formatting help" in forum and "Markdown works" not in forum


def test_module_time_is_the_sum_of_its_units(app, client):
    page = client.get("/modules/basics/").get_data(as_text=True)
    total = int(re.search(r"About (\d+) minutes of reading in all", page).group(1))
    units = [int(n) for n in re.findall(r"about (\d+) min<", page)]
    assert units and total == sum(units)
    assert f"about {total} minutes of reading" in client.get("/modules/").get_data(as_text=True)


def test_times_are_in_the_readers_zone(app, learner):
    client = sign_in(app, learner)
    submit(client)
    with app.app_context():
        db.session.execute(update(Submission).values(submitted_at=datetime(2026, 6, 1, 10, 0, tzinfo=timezone.utc)))
        db.session.commit()
    assert client.post("/account/time-zone", data={"time_zone": "Europe/Helsinki"}).status_code == 302
    page = client.get(URL).get_data(as_text=True)
    assert "13:00" in page and "10:00" not in page


def test_home_says_exactly_how_many_posts_each_module_needs(client):
    page = re.sub(r"\s+", " ", client.get("/").get_data(as_text=True))
    assert "2 posts in Module 1; 1 post in Module 2;" in page and "usually" not in page
    assert "2 forum posts needed" in page and "1 forum post needed" in page
