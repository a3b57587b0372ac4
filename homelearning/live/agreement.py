# ruff: noqa: E501 - the agreement is text, one rule a line
"""The first published text of the Live Remote Learning Agreement (parents' and children's part).

Later versions are new LiveAgreement rows; this text seeds version 1.
"""

from django.utils.translation import gettext_noop

AGREEMENT_V1 = (
    "By joining a live session, I accept and understand the expectations of the School Behaviour Policy. The same expectations apply.\n"
    "I will keep the meeting link safe and not share it with anyone else, including on social media (WhatsApp groups, Facebook etc.).\n"
    "If another family member needs to receive the invitation (for example, if my child is staying with a different parent), I will tell the school office.\n"
    "If I miss the session I was invited to, I understand I cannot join a different one.\n"
    "My child will appear by their first name only.\n"
    "A parent or carer will stay in the room with my child for the whole call.\n"
    "My child will have a suitable learning space that is not interrupted by others, in a central room of the house (not a bedroom).\n"
    "Other members of my household will know a live session is taking place and will not appear in the background.\n"
    "My child will not hear or see anything offensive during the call.\n"
    "Where possible, the background will be neutral and show no personal information.\n"
    "Any child or family not following this agreement will be denied further access to live sessions, and the school will make a follow-up call."
)


def agreement_rules(text: str) -> list[str]:
    """The agreement's rules, one a line, in the active language: each rule of the first version has a
    translation in Home Learning's catalogues (issue 16), so a family reads the rules it accepts in its own
    language; a rule a school has reworded since shows as the school wrote it."""
    from django.utils.translation import gettext

    return [gettext(line.strip()) for line in text.splitlines() if line.strip()]


# The first version's rules, for makemessages (the text itself lives in the LiveAgreement rows).
_V1_RULES = [
    gettext_noop(
        "By joining a live session, I accept and understand the expectations of the School Behaviour Policy. The same expectations apply."
    ),
    gettext_noop(
        "I will keep the meeting link safe and not share it with anyone else, including on social media (WhatsApp groups, Facebook etc.)."
    ),
    gettext_noop(
        "If another family member needs to receive the invitation (for example, if my child is staying with a different parent), I will tell the school office."
    ),
    gettext_noop("If I miss the session I was invited to, I understand I cannot join a different one."),
    gettext_noop("My child will appear by their first name only."),
    gettext_noop("A parent or carer will stay in the room with my child for the whole call."),
    gettext_noop(
        "My child will have a suitable learning space that is not interrupted by others, in a central room of the house (not a bedroom)."
    ),
    gettext_noop(
        "Other members of my household will know a live session is taking place and will not appear in the background."
    ),
    gettext_noop("My child will not hear or see anything offensive during the call."),
    gettext_noop("Where possible, the background will be neutral and show no personal information."),
    gettext_noop(
        "Any child or family not following this agreement will be denied further access to live sessions, and the school will make a follow-up call."
    ),
]
