class RuleViolation(Exception):
    """A domain rule refused the action; the message is Chinese and shown to the user as is."""
