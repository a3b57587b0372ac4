"""Print a day to run the whole suite on (`TEST_TODAY`), picked from a fixed list of kinds of day.

    python scripts/shifted_test_date.py            # today's pick: "<kind> <YYYY-MM-DD>"
    python scripts/shifted_test_date.py --all      # every kind with its day
    python scripts/shifted_test_date.py --kind bank-holiday

The kinds are the days a suite written on a school day is most likely to get wrong: a Saturday, a
weekday in the summer holiday, an English bank holiday, and a weekday after the policy's
review date (its default, 1 December 2027). Each is the first such day at
least a week after today, so the pick is always in the future: browser sessions then expire after
the real clock's "now", as they would in use. Which kind is picked turns with the date, so
successive CI runs cover all four; CI prints the pick, and `TEST_TODAY=<day> make test` repeats it.
"""

from __future__ import annotations

import argparse
import datetime
from zoneinfo import ZoneInfo

import holidays

POLICY_REVIEW_DATE = datetime.date(2027, 12, 1)  # people.models.PolicyVersion.review_date's default
KINDS = ("saturday", "summer-holiday", "bank-holiday", "after-policy-review")


def _bank_holidays(year: int) -> dict[datetime.date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=[year, year + 1]))


def day_for(kind: str, today: datetime.date) -> datetime.date:
    start = today + datetime.timedelta(days=7)
    if kind == "saturday":
        return start + datetime.timedelta(days=(5 - start.weekday()) % 7)
    if kind == "summer-holiday":
        # English primary schools break up in late July and return in early September.
        day = datetime.date(start.year, 8, 4)
        if day < start:
            day = datetime.date(start.year + 1, 8, 4)
        return day + datetime.timedelta(days=(-day.weekday()) % 7 if day.weekday() >= 5 else 0)
    if kind == "bank-holiday":
        return min(d for d in _bank_holidays(start.year) if d >= start)
    if kind == "after-policy-review":
        day = max(start, POLICY_REVIEW_DATE + datetime.timedelta(days=49))  # mid-January after the review
        return day + datetime.timedelta(days=(2 - day.weekday()) % 7)  # a Wednesday
    raise SystemExit(f"Unknown kind {kind!r}; choose one of {', '.join(KINDS)}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=KINDS)
    parser.add_argument("--all", action="store_true")
    today = datetime.datetime.now(ZoneInfo("Europe/London")).date()
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=today)
    args = parser.parse_args()
    if args.all:
        for kind in KINDS:
            print(kind, day_for(kind, args.today).isoformat())
        return
    kind = args.kind or KINDS[args.today.toordinal() % len(KINDS)]
    print(kind, day_for(kind, args.today).isoformat())


if __name__ == "__main__":
    main()
