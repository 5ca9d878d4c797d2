"""E-mail addresses written out in words, and English "at" that is no address."""

from __future__ import annotations

import pytest

from privacy.detect import EMAIL, find_personal_data


def emails(text):
    return [text[s.start:s.end] for s in find_personal_data(text) if s.kind == EMAIL]


@pytest.mark.parametrize("text, address", [
    ("mijn mail is jan(at)example.nl", "jan(at)example.nl"),
    ("mail mij op jan at example dot nl", "jan at example dot nl"),
    ("jan apenstaartje gmail punt com", "jan apenstaartje gmail punt com"),
    ("mijn e-mail: jan [at] ziggo.nl", "jan [at] ziggo.nl"),
    ("j.devries [at] xs4all [dot] nl", "j.devries [at] xs4all [dot] nl"),
    ("karin @ gmail.com", "karin @ gmail.com"),
    ("henk@ziggo punt nl", "henk@ziggo punt nl"),
    ("MAIL: PIETJE(AT)HOTMAIL.COM", "PIETJE(AT)HOTMAIL.COM"),
    ("stuur het naar marloes (at) gmail", "marloes (at) gmail"),
    ("mijn mail is erik at gmail punt com bedankt", "erik at gmail punt com"),
    ("you can reach me at jane dot doe at gmail dot com", "jane dot doe at gmail dot com"),
    ("annemarie-at-zeelandnet.nl", "annemarie-at-zeelandnet.nl"),
])
def test_written_out_addresses_are_found(text, address):
    assert emails(text) == [address]


@pytest.mark.parametrize("text", [
    "I looked at rivm.nl", "look at www.rijksoverheid.nl", "Is rivm.nl de goede site?", "at home dot nothing",
    "punt com bubbel", "I'm at a loss. The letter", "we are at 485.000 now", "Wat moet ik doen met mijn e-mail?",
])
def test_at_and_dots_in_plain_text_stay(text):
    assert find_personal_data(text) == [], text
