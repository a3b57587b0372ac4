"""Names and contact details are replaced before a text leaves, and come back after (translation.masking)."""

from __future__ import annotations

from homelearning.translation.masking import Mask

MASK = Mask(["Amy", "Amelia", "Parker", "Will", "Teal", "O'Neill", "", "A"])


def test_names_and_contact_details_become_numbered_placeholders() -> None:
    text = (
        "Well done Amy Parker! Ring Mr Teal on 01632 960123 or +44 7700 900123, amy.mum@example.com, www.example.com/x"
    )
    masked = MASK.mask(text)
    for secret in ("Amy", "Parker", "Teal", "01632", "7700", "example.com"):
        assert secret not in masked.html
    assert masked.html.count('<span class="notranslate">') == 7
    assert masked.kept == (
        "Amy",
        "Parker",
        "Teal",
        "01632 960123",
        "+44 7700 900123",
        "amy.mum@example.com",
        "www.example.com/x",
    )
    assert masked.unmask(masked.html) == text


def test_whole_words_with_their_capital_only() -> None:
    masked = MASK.mask("Will will read with Amyas and O'Neill.")
    assert masked.kept == ("Will", "O'Neill")
    assert "will read with Amyas" in masked.html


def test_line_breaks_and_markup_characters_survive() -> None:
    masked = MASK.mask("Count 3 < 5 & 2 > 1\nThen draw Amy's <b>house</b>")
    assert "<b>" not in masked.html and "&lt;b&gt;" in masked.html and "<br>" in masked.html
    assert masked.unmask(masked.html.replace("Then", "Dann")) == "Count 3 < 5 & 2 > 1\nDann draw Amy's <b>house</b>"


def test_a_lost_or_invented_placeholder_refuses_the_translation() -> None:
    masked = MASK.mask("Amy and Will")
    assert masked.unmask("tylko <span class='notranslate'>0</span>") is None  # Will lost
    assert masked.unmask(masked.html + ' <span class="notranslate">2</span>') is None  # invented
    # Attribute quoting and spacing the provider may change are still read.
    assert masked.unmask("<span class='notranslate'> 1 </span> i <span class=\"notranslate\">0</span>") == "Will i Amy"
