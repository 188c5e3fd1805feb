from django.apps import AppConfig


class FactsConfig(AppConfig):
    name = "factcheck.facts"
    label = "facts"
    verbose_name = "Facts"
