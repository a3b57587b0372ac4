from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "homelearning.roster"
    label = "roster"
    verbose_name = "Roster import from the school's MIS"
