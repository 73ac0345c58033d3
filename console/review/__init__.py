"""Review of submitted collections: the worklist, claims, decisions, screening, the diff, export and the dashboard."""
