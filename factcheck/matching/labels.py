"""The stance names, in one place: the engine gives them, the corroboration rules count them,
the database stores them (`facts.models.Stance`). No imports, so any layer may use them."""

SUPPORTS = "supports"
CONTRADICTS = "contradicts"
DISCUSSES = "discusses"
UNRELATED = "unrelated"  # the engine's only: a text that does not speak to the claim
