"""Settings for bench/learning_bench.py: the project's own, plus one bare view to compare against."""

from homelearning.settings import *  # noqa: F403

ROOT_URLCONF = "bench.learning_urls"
