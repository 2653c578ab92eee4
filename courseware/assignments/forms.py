from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, HiddenField, RadioField, SelectField, SelectMultipleField, SubmitField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.forms import QuickSelect
from ..core.vocabulary import MailPreference
from .models import Decision
from .service import MAX_BODY_LENGTH
from .storage import ALLOWED_DESCRIPTION


class SubmissionForm(FlaskForm):
    body = TextAreaField("Your answer", description="Markdown: **bold**, *italic*, lists, links, tables.",
                         validators=[Optional(), Length(max=MAX_BODY_LENGTH)])
    attachment = FileField("Attach a file (optional)",
                           description=f"{ALLOWED_DESCRIPTION}, up to 10 MB.",
                           render_kw={"accept": ".pdf,.docx,.odt,.xlsx,.ods,.png,.jpg,.jpeg"})
    remove_attachment = BooleanField("Remove the file attached to this draft")
    # The first button is the one Enter presses: a preview stores nothing.
    preview = SubmitField("Preview")
    save_draft = SubmitField("Save draft")
    submit_work = SubmitField("Submit for grading")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class GradeForm(FlaskForm):
    criteria = MultiCheckboxField("Criteria met", coerce=int, validators=[Optional()],
                                  description="A checklist for you; the learner sees the criteria you ticked.")
    feedback = TextAreaField("Feedback for the learner",
                             description="Markdown. The learner sees this with the decision.",
                             validators=[InputRequired("Write your feedback for the learner."),
                                         Length(max=MAX_BODY_LENGTH)])
    decision = RadioField("Decision", choices=[SelectChoice(Decision.PASS, "Pass"),
                                               SelectChoice(Decision.REVISE, "Revise: ask for a new version")],
                          validate_choice=False,
                          validators=[InputRequired("Choose pass or revise."),
                                      AnyOf(list(Decision), "Choose pass or revise.")])
    lock = HiddenField()
    preview = SubmitField("Preview feedback")
    save = SubmitField("Save decision")

    def validate_feedback(self, field):
        if not (field.data or "").strip():
            raise StopValidation("Write your feedback for the learner.")


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    module = SelectField("Module", validators=[Optional()], widget=QuickSelect())
    status = SelectField("Status", validators=[Optional()], widget=QuickSelect())
    organisation = SelectField("Organisation", validators=[Optional()], widget=QuickSelect())
    edition = SelectField("Edition", validators=[Optional()], widget=QuickSelect(),
                          validate_choice=False)   # checked against the editions by the view, with its message


class MailPreferenceForm(FlaskForm):
    new_submissions = RadioField("Mail me about new submissions", choices=[
        SelectChoice(MailPreference.INSTANT, "At once, one mail per submission"),
        SelectChoice(MailPreference.DAILY, "In one digest a day"),
        SelectChoice(MailPreference.OFF, "Not at all"),
    ], validators=[InputRequired("Choose how you want to hear of new submissions.")])
