import pytest

from core.ids import is_doc_id, make_doc_id, paragraph_id, parse_paragraph_id, reference


def test_doc_ids_are_readable_ascii_slugs():
    assert make_doc_id("Regionstyrelsens nämndplan 2024") == "regionstyrelsens-namndplan-2024"
    assert make_doc_id("ks-2026-04-01.derived") == "ks-2026-04-01.derived"
    assert make_doc_id("Åsa Öberg") == "asa-oberg"
    assert make_doc_id("§§§") .startswith("dok-")
    assert is_doc_id(make_doc_id("Ärende: X/Y"))


def test_paragraph_ids_round_trip():
    pid = paragraph_id("rs-plan", 12)
    assert pid == "rs-plan:p12"
    assert parse_paragraph_id(pid) == ("rs-plan", 12)
    for bad in ("rs-plan", "rs-plan:p0", "rs-plan:12", "RS:p1", "x:p1/../../etc"):
        with pytest.raises(ValueError):
            parse_paragraph_id(bad)
    with pytest.raises(ValueError):
        paragraph_id("x", 0)


def test_reference_is_ready_to_paste():
    ref = reference(
        body="Regionstyrelsens arbetsutskott", organisation="Region Västerbotten", doc_type="protokoll",
        date="2024-01-23", section="§ 8 Uppdragsdirektiv för genomförandet › Beslut", page=1, title="x",
    )
    assert ref == "Regionstyrelsens arbetsutskott, protokoll 2024-01-23, § 8, s. 1"
    ref = reference(body="", organisation="Göteborgs Stad", doc_type="rapport", date="", section="", page=3, title="T")
    assert ref == "Göteborgs Stad, rapport, s. 3"
