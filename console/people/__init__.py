"""People and identity: ID numbers, phones, passwords, registration, one-time codes, sign-in rules and staff accounts."""
