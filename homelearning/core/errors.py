"""Errors that services raise and views turn into messages for the user."""


class ServiceError(Exception):
    """A rule of the school's policy or of the data refused the change. The message is for the user."""


class InvalidTransition(ServiceError):
    """The record is no longer in the state the action needs (someone else changed it first)."""


class PermissionRefused(ServiceError):
    """The person may not do this."""
