"""Words that several features share: the roles people have and how they want their mail.

Each is a `StrEnum`, stored in the database as its value in a plain string column (a non-native
enum, see core.types.StrEnumType), so the database holds "tutor", never "Role.TUTOR". Feature
vocabularies (submission statuses, certificate states) live with their feature's models.
"""
from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _


class Role(StrEnum):
    LEARNER = "learner"
    TUTOR = "tutor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {Role.LEARNER: _("Learner"), Role.TUTOR: _("Tutor"), Role.ADMIN: _("Admin")}[self]

    @property
    def is_staff(self) -> bool:
        """Tutors and admins: the people who grade and moderate."""
        return self in STAFF


STAFF = frozenset({Role.TUTOR, Role.ADMIN})


class MailPreference(StrEnum):
    """How a person wants to hear about something: a mail each time, one daily digest, or nothing."""

    INSTANT = "instant"
    DAILY = "daily"
    OFF = "off"

    @property
    def label(self) -> str:
        return {MailPreference.INSTANT: _("A mail for each one"), MailPreference.DAILY: _("One daily digest"),
                MailPreference.OFF: _("No mail")}[self]


class TaskStatus(StrEnum):
    """Where a learner stands on one task (a module's units, its forum, its assignment), in the words of a
    task list (GOV.UK's pattern): they say what is happening, never that the learner failed."""

    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    WAITING = "waiting for a tutor"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return {TaskStatus.NOT_STARTED: _("Not started"), TaskStatus.IN_PROGRESS: _("In progress"),
                TaskStatus.WAITING: _("Waiting for a tutor"), TaskStatus.COMPLETED: _("Completed")}[self]

    @property
    def css(self) -> str:
        return "task-" + self.value.replace(" ", "-")
