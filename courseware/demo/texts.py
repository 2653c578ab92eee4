"""Texts for demo data: forum titles and posts, assignment answers and tutor feedback.

Bodies are drawn from a fixed pool built once per run, so each distinct body is rendered by
the real sanitising renderer once and its HTML reused for every row that carries it.
"""
from __future__ import annotations

import random

TITLES = (
    "How do you handle grid congestion at depot sites?",
    "V2G-ready clauses in our tender: what did you ask for?",
    "Occupancy data from our on-street chargers",
    "Who owns the flexibility: CPO or aggregator?",
    "ISO 15118-20 support among the bidders",
    "Joint procurement with neighbouring municipalities",
    "Residents without a driveway: our survey results",
    "Battery degradation worries from car-sharing members",
    "OCPP versions in existing contracts",
    "Funding channels we used for the second phase",
    "Planning chargers near social housing",
    "Dynamic tariffs and public acceptance",
    "Lessons from the Utrecht bidirectional pilot",
    "AFIR targets and our regional plan",
    "Concession or ownership: what worked for you?",
    "Load management at park-and-ride sites",
    "Talking to the DSO early: practical tips",
    "Smart charging in the taxi fleet",
    "What to measure in the first year",
    "Accessibility of charging bays",
)

SENTENCES = (
    "In our city most drivers who rely on public charging live in flats without a driveway.",
    "We started with smart charging (V1G) and kept bidirectional charging as an option in the contract.",
    "The grid operator gave us a flexibility window between 17:00 and 21:00, which shaped the whole tender.",
    "Our CPO sends session data every fifteen minutes; the occupancy figures surprised everyone.",
    "We asked bidders to show ISO 15118-20 test results rather than promises.",
    "OCPP 2.0.1 was a hard requirement; two bidders dropped out because of it.",
    "Joint procurement with three neighbouring towns halved the preparation time.",
    "Residents mostly worried about whether the car would be charged in the morning.",
    "Battery degradation came up at every information evening, so we published the pilot data.",
    "The aggregator takes a share of the flexibility revenue, and the contract says how much.",
    "We used the regional development fund for the first phase and a concession for the second.",
    "Shared cars are the easiest place to start with V2G: the operator controls the schedule.",
    "Our planning team now maps grid congestion before choosing locations.",
    "The national action plan helped us argue for budget in the council.",
    "We publish the charging map as open data so that eMSPs can show live availability.",
    "Does anyone have a model contract clause for data access after the concession ends?",
    "I would be interested to hear how others measure the benefit for the local grid.",
    "Thanks for sharing this; we are facing exactly the same question in our region.",
    "The unit on the value chain helped me explain to colleagues who does what.",
    "We learnt that a clear point of contact at the DSO saves months.",
    "Our first tender was too prescriptive about hardware; the second one described functions instead.",
    "Dynamic tariffs were accepted once people could see the savings in the app.",
    "The council asked for a business case; the STF handbook gave us the structure.",
    "We reserved two bays per site for accessible charging with wider space.",
)

QUESTIONS = (
    "How did you convince your finance department?",
    "Did your DSO charge for the grid study?",
    "What would you do differently next time?",
    "Has anyone measured how often cars are plugged in without charging?",
    "How long did the procurement take from start to contract?",
)


def post_pool(rng: random.Random, size: int) -> list[str]:
    """`size` distinct forum post texts of one to three short paragraphs, some with a list or a question."""
    pool: set[str] = set()
    while len(pool) < size:
        paragraphs = [" ".join(rng.sample(SENTENCES, rng.randint(1, 3))) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.2:
            paragraphs.append("\n".join(f"- {s}" for s in rng.sample(SENTENCES, 3)))
        if rng.random() < 0.4:
            paragraphs.append(rng.choice(QUESTIONS))
        pool.add("\n\n".join(paragraphs))
    return sorted(pool)


ANSWER_OPENINGS = (
    "## Our situation\n\nWe are a mid-sized city with about 400 public charge points and a growing waiting list.",
    "## Context\n\nOur region coordinates charging for twelve municipalities and one grid operator.",
    "## Starting point\n\nAs a distribution system operator we see congestion at several substations.",
)
ANSWER_MIDDLES = (
    "We propose a concession of ten years with smart charging from day one and V2G-ready hardware.",
    "The plan starts with an assessment of needs per district, using occupancy data and resident requests.",
    "Flexibility windows agreed with the DSO set the charging profiles for evening peaks.",
    "Ownership stays with the city; operation is tendered, with open data and OCPP 2.0.1 required.",
    "Funding combines the national programme, the regional fund and revenue sharing with the CPO.",
)
ANSWER_CLOSINGS = (
    "## Next steps\n\n1. Present the plan to the council.\n2. Start market consultation.\n3. Publish the tender.",
    "## Risks\n\n- Grid connection delays\n- Low uptake in the first year\n- Changes in national subsidies",
)

FEEDBACK_PASS = (
    "A clear and well-argued plan. The link between grid constraints and your tender requirements is convincing.",
    "Good work: you cover every criterion, and the funding section is realistic.",
    "Well done. Your needs assessment is specific to your city, which makes the rest credible.",
)
FEEDBACK_REVISE = (
    "A good start, but the plan does not yet say who owns the data after the contract ends. Please add this.",
    "Please explain how you will involve the grid operator; at the moment the plan assumes unlimited capacity.",
    "The budget section is missing. Add the main funding channels and an estimate of the costs.",
)


def answer_pool(rng: random.Random, size: int) -> list[str]:
    pool: set[str] = set()
    while len(pool) < size:
        middle = "\n\n".join(rng.sample(ANSWER_MIDDLES, rng.randint(2, 4)))
        pool.add(f"{rng.choice(ANSWER_OPENINGS)}\n\n## Proposal\n\n{middle}\n\n{rng.choice(ANSWER_CLOSINGS)}")
    return sorted(pool)
