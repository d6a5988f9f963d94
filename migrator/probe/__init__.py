"""`mistral-migrate probe`: check the migrated code's requests against the live endpoint.

plan       what the code sends (from `migrator.python.callfacts`), one request per
           distinct (endpoint, model, parameters)
transport  HTTP with a key that is never printed, timeouts, 429 retries
verdicts   what each answer means: ok, rejected, unknown-model, ignored, ...
overlay    the observed verdicts as a rules overlay that `check` loads
session    the run: facts, plan, model checks, requests, records
"""
