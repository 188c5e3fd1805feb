"""The matching engine: text in, evidence candidates out.

Plain Python over frozen dataclasses. It imports nothing from Django, Celery or
`factcheck.facts` (a test enforces this): the service layer stores what it returns.
"""

# Bumped whenever readings change: the beat sweep re-screens sources read by an older one.
ENGINE_VERSION = "0.2"
