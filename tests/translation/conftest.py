from tests.learning.conftest import _frozen_today, term  # noqa: F401 - the learning tests' school day and term
