"""The one next step to suggest to a learner, taken from the certificate rule so that it always
names a requirement that the certificate checklist shows as missing."""
from __future__ import annotations

from dataclasses import dataclass

from ..certificates.models import Certificate
from ..certificates.rules import ASSIGNMENT, FORUM, UNITS, Eligibility, Requirement
from ..courses.content import Module, Unit
from ..courses.service import CourseProgress

WAITING = "submitted"
# Kinds of step besides the requirement kinds (units, forum, assignment).
CERTIFICATE, CLAIM, REVOKED, WAIT = "certificate", "claim", "revoked", "wait"


@dataclass(frozen=True)
class NextStep:
    kind: str
    module: Module | None = None
    unit: Unit | None = None
    requirement: Requirement | None = None

    @property
    def posts_missing(self) -> int:
        r = self.requirement
        return max(r.needed - r.done, 0) if r is not None and r.kind == FORUM else 0


def next_step(progress: CourseProgress, eligibility: Eligibility, certificate: Certificate | None) -> NextStep:
    if certificate is not None:
        return NextStep(REVOKED if certificate.is_revoked else CERTIFICATE)
    if eligibility.earned:
        return NextStep(CLAIM)
    missing = eligibility.missing
    # Work that waits for a tutor is not the learner's to do; anything else comes first.
    actionable = [r for r in missing if not (r.kind == ASSIGNMENT and r.status == WAITING)]
    if not actionable:
        return NextStep(WAIT, module=missing[0].module, requirement=missing[0])
    first = actionable[0]
    if first.kind == UNITS:
        # Pick up where the learner left off when that unit is still to be read (it always is missing too).
        unit = progress.continue_unit or first.next_unit
        module = next((r.module for r in actionable if unit is not None and r.kind == UNITS
                       and r.module.slug == unit.module_slug), first.module)
        return NextStep(UNITS, module=module, unit=unit, requirement=first)
    return NextStep(first.kind, module=first.module, requirement=first)
