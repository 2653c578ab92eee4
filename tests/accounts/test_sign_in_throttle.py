"""Failed sign-ins slow the attacker down per account and address; they never lock the owner out, and the
owner hears of an attack by mail, once per window."""
from __future__ import annotations

import pytest

from tests.factories import DEFAULT_PASSWORD

ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
OTHER_ATTACKER = {"REMOTE_ADDR": "198.51.100.7"}
OWNER = {"REMOTE_ADDR": "192.0.2.10"}
ALERT = "Someone is trying to sign in to your account"


def sign_in(client, email, password, address):
    return client.post("/login", data={"email": email, "password": password}, environ_base=address)


def alerts(outbox, email):
    return [m for m in outbox if m["Subject"] == ALERT and m["To"] == email]


def test_an_attacker_cannot_lock_the_owner_out(app, learner):
    """Ten wrong passwords from the attacker's address, then more: is the attacker refused there, while the
    owner, from their own network, signs in with the right password at once?"""
    attacker, owner = app.test_client(), app.test_client()
    for _ in range(10):
        assert sign_in(attacker, learner.email, "guess guess", ATTACKER).status_code == 422
    assert sign_in(attacker, learner.email, "guess guess", ATTACKER).status_code == 429
    assert sign_in(attacker, learner.email, DEFAULT_PASSWORD, ATTACKER).status_code == 429
    assert sign_in(owner, learner.email, DEFAULT_PASSWORD, OWNER).status_code == 302
    assert "Signed in as" in owner.get("/").get_data(as_text=True)


def test_the_owners_own_mistakes_do_not_count_once_they_get_it_right(app, learner):
    """Nine typos, then the right password: are the typos forgiven for the next sign-in from there?"""
    client = app.test_client()
    for _ in range(9):
        sign_in(client, learner.email, "typo typo", OWNER)
    assert sign_in(client, learner.email, DEFAULT_PASSWORD, OWNER).status_code == 302
    client.post("/logout")
    assert sign_in(client, learner.email, "typo typo", OWNER).status_code == 422


def test_the_owner_is_told_once_per_window(app, learner, outbox):
    """Ten failures from two addresses: is the owner mailed, once, naming only the network of the latest
    attempt? Ten more do not send a second mail."""
    client = app.test_client()
    for i in range(9):
        sign_in(client, learner.email, "guess guess", ATTACKER if i % 2 else OTHER_ATTACKER)
    assert alerts(outbox, learner.email) == []
    sign_in(client, learner.email, "guess guess", ATTACKER)
    [mail] = alerts(outbox, learner.email)
    body = mail.get_content()
    assert "network 203.0.113.0/24" in body and "203.0.113.66" not in body
    assert "Your account is not locked" in body and "http://localhost/reset-password" in body
    for _ in range(10):
        sign_in(client, learner.email, "guess guess", OTHER_ATTACKER)
    assert len(alerts(outbox, learner.email)) == 1


def test_unknown_addresses_are_counted_the_same_and_nobody_is_mailed(app, outbox):
    client = app.test_client()
    answers = [sign_in(client, "nobody@nowhere.example", "guess guess", ATTACKER).status_code for _ in range(11)]
    assert answers == [422] * 10 + [429]
    assert outbox == []


@pytest.mark.parametrize("attempts, expected", [(50, 422), (51, 429)])
def test_fifty_failures_refuse_the_address_for_everyone(app, learner, attempts, expected):
    """SPEC section 4: 50 failures from one address in 15 minutes (a whole office may share it)."""
    client = app.test_client()
    for i in range(attempts - 1):
        sign_in(client, f"guess{i}@x.example", "guess guess", ATTACKER)
    response = sign_in(client, f"last@x.example", "guess guess", ATTACKER)
    assert response.status_code == expected
    if expected == 429:
        assert "Too many failed sign-ins from your network." in response.get_data(as_text=True)
        assert sign_in(client, learner.email, DEFAULT_PASSWORD, OWNER).status_code == 302


def test_attempts_sent_at_once_are_counted_exactly(make_app, learner):
    """Twenty wrong passwords sent at the same moment (counted in the database, as in production): are
    exactly ten checked and ten refused?"""
    import threading

    app = make_app(RATELIMIT_STORAGE_URI="database://")
    start = threading.Barrier(20)
    answers = []

    def attempt():
        client = app.test_client()
        start.wait(timeout=30)
        answers.append(sign_in(client, learner.email, "guess guess", ATTACKER).status_code)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(answers) == [422] * 10 + [429] * 10
