"""The national gazetteer: every level, the short forms, and the words that are no place."""

from services.postings.screening.gazetteer import place_names, short_forms


def test_gazetteer_knows_every_level_and_the_short_forms() -> None:
    names = place_names()
    assert {"山东省", "山东", "济南", "济南市", "章丘区", "章丘", "历下", "延边", "东北", "两广"} <= names
    assert {"大厂", "公安"}.isdisjoint(names)  # county names that are ordinary words in postings
    assert len(names) > 5000


def test_short_forms_drop_the_suffix_and_the_autonomous_part() -> None:
    assert short_forms("围场满族蒙古族自治县") == {"围场满族蒙古族自治县", "围场"}
    assert short_forms("内蒙古自治区") == {"内蒙古自治区", "内蒙古", "内蒙"}
    assert short_forms("忠县") == {"忠县"}
