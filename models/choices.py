"""Choices: (value, label) pairs as peewee's `choices=` takes them, with each value's Chinese label looked up
in one place, and as the options of a form's dropdown."""

from wtforms.fields.choices import SelectChoice


class Choices(tuple):
    def __new__(cls, *pairs):
        return super().__new__(cls, pairs)

    @property
    def labels(self):
        return dict(self)

    def values(self):
        return tuple(value for value, _ in self)

    def label(self, value, default=""):
        return self.labels.get(value, default)

    def options(self, blank=None):
        """SelectChoice options for a dropdown, after a blank "请选择" option when `blank` names it."""
        first = [SelectChoice("", blank)] if blank else []
        return first + [SelectChoice(value, label) for value, label in self]
