from __future__ import annotations

from flask_babel import lazy_gettext as _l

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, HiddenField, RadioField, SelectField, SelectMultipleField, SubmitField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.forms import FORMATTING_HELP, QuickSelect
from ..core.vocabulary import MailPreference
from .models import Decision
from .service import MAX_BODY_LENGTH
from .storage import ALLOWED_DESCRIPTION


class SubmissionForm(FlaskForm):
    body = TextAreaField(_l("Your answer"), description=FORMATTING_HELP,
                         validators=[Optional(), Length(max=MAX_BODY_LENGTH)])
    attachment = FileField(_l("Attach a file (optional)"),
                           description=_l("%(types)s, up to 10 MB.", types=ALLOWED_DESCRIPTION),
                           render_kw={"accept": ".pdf,.docx,.odt,.xlsx,.ods,.png,.jpg,.jpeg"})
    remove_attachment = BooleanField(_l("Remove the file attached to this draft"))
    # The first button is the one Enter presses: a preview stores nothing.
    preview = SubmitField(_l("Preview"))
    save_draft = SubmitField(_l("Save draft"))
    submit_work = SubmitField(_l("Submit for grading"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class GradeForm(FlaskForm):
    criteria = MultiCheckboxField(_l("Criteria met"), coerce=int, validators=[Optional()],
                                  description=_l("A checklist for you; the learner sees each criterion marked met "
                                                 "or not yet met."))
    feedback = TextAreaField(_l("Feedback for the learner"),
                             description=_l("The learner sees this with the decision, at the top of their page. "
                                            "Formatting as in forum posts."),
                             validators=[InputRequired(_l("Write your feedback for the learner.")),
                                         Length(max=MAX_BODY_LENGTH)])
    decision = RadioField(_l("Decision"), choices=[SelectChoice(Decision.PASS, _l("Pass")),
                                                   SelectChoice(Decision.REVISE, _l("Revise: ask for a new version"))],
                          validate_choice=False,
                          validators=[InputRequired(_l("Choose pass or revise.")),
                                      AnyOf(list(Decision), _l("Choose pass or revise."))])
    lock = HiddenField()
    # "Save and open the next oldest" comes first: Enter in a field presses it, as the usual way through the queue.
    save_next = SubmitField(_l("Save and open the next oldest"))
    save = SubmitField(_l("Save decision"))
    preview = SubmitField(_l("Preview feedback"))

    def validate_feedback(self, field):
        if not (field.data or "").strip():
            raise StopValidation(_l("Write your feedback for the learner."))


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    module = SelectField(_l("Module"), validators=[Optional()], widget=QuickSelect())
    status = SelectField(_l("Status"), validators=[Optional()], widget=QuickSelect())
    organisation = SelectField(_l("Organisation"), validators=[Optional()], widget=QuickSelect())
    edition = SelectField(_l("Edition"), validators=[Optional()], widget=QuickSelect(),
                          validate_choice=False)   # checked against the editions by the view, with its message


class MailPreferenceForm(FlaskForm):
    new_submissions = RadioField(_l("Mail me about new submissions"), choices=[
        SelectChoice(MailPreference.INSTANT, _l("At once, one mail per submission")),
        SelectChoice(MailPreference.DAILY, _l("In one digest a day")),
        SelectChoice(MailPreference.OFF, _l("Not at all")),
    ], validators=[InputRequired(_l("Choose how you want to hear of new submissions."))])
