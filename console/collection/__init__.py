"""The collection and its rules: the wizard's sections and their checks, the answers, the draft's life from open to submit, scans and the 证明函."""
