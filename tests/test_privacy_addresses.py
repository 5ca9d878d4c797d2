"""Street addresses: street words, multi-word names, house number additions, postcode and place; counts."""

from __future__ import annotations

import pytest

from privacy.addresses import is_street_word
from privacy.detect import ADDRESS, find_personal_data
from privacy.redact import redact


def addresses(text):
    return [text[s.start:s.end] for s in find_personal_data(text) if s.kind == ADDRESS]


@pytest.mark.parametrize("text, address", [
    ("Ik woon op de Kerkstraat 5 in Rijswijk", "Kerkstraat 5"),
    ("mijn adres is dorpsstraat 12", "dorpsstraat 12"),
    ("Ik woon aan de Van Goghlaan 3", "Van Goghlaan 3"),
    ("Burgemeester de Withstraat 4", "Burgemeester de Withstraat 4"),
    ("Laan van Meerdervoort 52", "Laan van Meerdervoort 52"),
    ("Stationsweg 12a", "Stationsweg 12a"),
    ("Molenweg 12-3", "Molenweg 12-3"),
    ("Hoofdstraat 12 bis", "Hoofdstraat 12 bis"),
    ("Marktplein 12 hs", "Marktplein 12 hs"),
    ("Prinsengracht 263 A", "Prinsengracht 263 A"),
    ("Keizersgracht 123-II", "Keizersgracht 123-II"),
    ("ik woon op de Kerkstr. 5", "Kerkstr. 5"),
    ("Ik woon op de Grote Markt 21", "Grote Markt 21"),
    ("Rozenhof 3, 2611 AB Delft", "Rozenhof 3, 2611 AB Delft"),
    ("Kerkstraat 5, Rijswijk", "Kerkstraat 5, Rijswijk"),
    ("ik woon aan de oude rijn 12", "oude rijn 12"),
    ("I live at 12 Kerkstraat", "12 Kerkstraat"),
])
def test_addresses_are_found(text, address):
    assert addresses(text) == [address]


@pytest.mark.parametrize("text", [
    "De brief is al 3 weken onderweg",
    "De snelweg 3 keer afgesloten",
    "Verzekering 2 keer gebeld",
    "Ik woon al 30 jaar in Rijswijk",
    "ik woon in het buitenland 20 jaar",
    "mijn adres is veranderd 3 weken geleden",
    "Ik woon op 5 minuten van het lab",
    "Zit het lab aan de Visseringlaan in Rijswijk?",
    "Zijn er 485.000 mensen getroffen?",
])
def test_counts_and_streets_without_number_stay(text):
    assert find_personal_data(text) == [], text


@pytest.mark.parametrize("word, street", [
    ("Kerkstraat", True), ("kerkstraat", True), ("Rozenhof", True), ("rozenhof", False), ("Plein", True),
    ("weg", False), ("onderweg", False), ("Verzekering", False), ("Middenring", True), ("Dorpsstr.", True),
])
def test_street_words(word, street):
    assert is_street_word(word) is street


def test_name_and_address_in_one_message():
    assert redact("Jan de Vries, Kerkstraat 5, Rijswijk").text == "[NAME], [ADDRESS]"
    assert redact("ik ben Piet Jansen uit de Dorpsstraat 12").text == "ik ben [NAME] uit de [ADDRESS]"
