"""The one next step to suggest to a learner, taken from the certificate rule so that it always
names a requirement that the certificate checklist shows as missing."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..certificates.models import Certificate
from ..certificates.rules import Eligibility, Requirement, RequirementKind
from ..courses.content import Module, Unit
from ..courses.service import CourseProgress


class StepKind(StrEnum):
    UNITS = RequirementKind.UNITS.value
    FORUM = RequirementKind.FORUM.value
    ASSIGNMENT = RequirementKind.ASSIGNMENT.value
    SELF_CHECK = RequirementKind.SELF_CHECK.value
    CERTIFICATE = "certificate"     # issued and standing
    REVOKED = "revoked"             # issued, then revoked
    CLAIM = "claim"                 # earned, not yet claimed
    WAIT = "wait"                   # nothing left but a tutor's grade


@dataclass(frozen=True)
class NextStep:
    kind: StepKind
    module: Module | None = None
    unit: Unit | None = None
    requirement: Requirement | None = None

    @property
    def posts_missing(self) -> int:
        r = self.requirement
        return max(r.needed - r.done, 0) if r is not None and r.is_forum else 0

    @property
    def is_done(self) -> bool:
        """The certificate is issued (standing or revoked) or ready to claim: no requirement is left."""
        return self.kind in (StepKind.CERTIFICATE, StepKind.REVOKED, StepKind.CLAIM)


def next_step(progress: CourseProgress, eligibility: Eligibility, certificate: Certificate | None) -> NextStep:
    if certificate is not None:
        return NextStep(StepKind.REVOKED if certificate.is_revoked else StepKind.CERTIFICATE)
    if eligibility.earned:
        return NextStep(StepKind.CLAIM)
    missing = eligibility.missing
    # Work that waits for a tutor is not the learner's to do; anything else comes first.
    actionable = [r for r in missing if not r.waits_for_tutor]
    if not actionable:
        return NextStep(StepKind.WAIT, module=missing[0].module, requirement=missing[0])
    first = actionable[0]
    if first.is_units:
        # Pick up where the learner left off when that unit is still to be read (it always is missing too).
        unit = progress.continue_unit or first.next_unit
        module = next((r.module for r in actionable if unit is not None and r.is_units
                       and r.module.slug == unit.module_slug), first.module)
        return NextStep(StepKind.UNITS, module=module, unit=unit, requirement=first)
    return NextStep(StepKind(first.kind.value), module=first.module, requirement=first)
