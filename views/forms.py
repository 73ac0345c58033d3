"""Form helpers every page uses: a POST whose CSRF token holds, and the domain's refusal shown at its field."""

from flask import abort, request
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField
from wtforms.fields.choices import SelectChoice


class Form(FlaskForm):
    """Every form's base: WTForms' own messages in Chinese, its catalogue loaded once per process (with
    WTF_I18N_ENABLED, Flask-WTF loads it again for every request that builds a form)."""

    class Meta:
        locales = ("zh",)


def posted(form):
    """A POST whose CSRF token holds (else 400). WTForms' own field errors are dropped: the domain rules
    check the values and word the messages in Chinese (a bad date arrives as None)."""
    if request.method != "POST":
        return False
    form.validate()
    if "csrf_token" in form and form.csrf_token.errors:
        abort(400)
    _clear_errors(form)
    return True


def _clear_errors(fields):
    for field in fields:
        if isinstance(field, FormField | FieldList):  # their errors are their fields'
            _clear_errors(field)
        else:
            field.errors = []


def attach_violation(form, violation, fallback=None):
    """Show a RuleViolation next to the field it names (or `fallback`), else above the form."""
    attach_errors(form, {violation.field if violation.field in form else fallback: str(violation)})


def attach_errors(form, errors):
    """{field: message} next to each field; a message whose field the form lacks goes above the form."""
    for name, message in errors.items():
        if name in form:
            form[name].errors = [*form[name].errors, message]  # a tuple until the form is validated
        else:
            form.form_errors.append(message)


def options(pairs):
    """(value, label) pairs as a dropdown's options."""
    return [SelectChoice(value, label) for value, label in pairs]
