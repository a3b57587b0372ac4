# ruff: noqa: E501 - the agreement is text, one rule a line
"""The first published text of the Live Remote Learning Agreement (parents' and children's part).

Later versions are new LiveAgreement rows; this text seeds version 1.
"""

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
