class RuleViolation(Exception):
    """A domain rule refused the action; the message is Chinese and shown to the user as is.

    `field` names the form field at fault, so the message can stand next to it."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field
