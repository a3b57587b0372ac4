"""The snow-day bench's server side: run the app (or a manage.py command) as if it were SNOWDAY_AT.

gunicorn imports `bench.snowday_wsgi:application`; `python bench/snowday_wsgi.py db_worker ...` runs a
management command. Both first move the clock to the snow-day morning (time_machine, ticking), so
gunicorn, the task workers and the seeding agree on "today" whatever day the bench is run.
The URLs are the project's plus /bench/bare (bench/learning_urls.py) for the bare-view ratio.
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path

import time_machine

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homelearning.settings")

_travel = time_machine.travel(datetime.datetime.fromisoformat(os.environ["SNOWDAY_AT"]), tick=True)
_travel.start()

if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", *sys.argv[1:]])
else:
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = "bench.learning_urls"
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
