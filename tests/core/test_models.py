from datetime import date

import pytest
from pydantic import ValidationError

from core.models import DocumentMeta, Filters, Paragraph, paragraph_from_row

DOC = DocumentMeta(doc_id="d", organisation="Region Västerbotten", body="Regionstyrelsen",
                   doc_type="protokoll", date="2024-01-23")


def test_filters_match_case_insensitively_and_by_date():
    assert Filters().admits(DOC) and Filters().is_empty()
    assert Filters(organisation=["region västerbotten"]).admits(DOC)
    assert not Filters(organisation=["Region Norrbotten"]).admits(DOC)
    assert not Filters(doc_type=["plan"]).admits(DOC)
    assert Filters(date_from=date(2024, 1, 23), date_to=date(2024, 1, 23)).admits(DOC)
    assert not Filters(date_from=date(2024, 1, 24)).admits(DOC)
    assert not Filters(date_to=date(2023, 12, 31)).admits(DOC)
    assert not Filters(date_from=date(2020, 1, 1)).admits(DOC.model_copy(update={"date": ""}))


def test_reversed_date_range_is_rejected():
    with pytest.raises(ValidationError):
        Filters(date_from=date(2025, 1, 1), date_to=date(2024, 1, 1))


def _row(**change):
    row = Paragraph(paragraph_id="d:p1", doc_id="d", ordinal=1, page=2, section="§ 1", text="Beslut.").model_dump()
    row.update(change)
    return row


def test_a_saved_row_loads_as_the_same_paragraph_without_validation():
    validated = Paragraph.model_validate(_row())
    loaded = paragraph_from_row(_row())
    assert loaded == validated and loaded.model_dump() == validated.model_dump()
    assert loaded.model_fields_set == validated.model_fields_set


def test_copies_and_assignment_leave_other_loaded_paragraphs_alone():
    a, b = paragraph_from_row(_row()), paragraph_from_row(_row(paragraph_id="d:p2", ordinal=2))
    c = a.model_copy(update={"text": "Ändrad."})
    assert (a.text, b.text, c.text) == ("Beslut.", "Beslut.", "Ändrad.")
    b.text = "Annan."
    assert (a.text, b.text) == ("Beslut.", "Annan.")


def test_a_row_of_another_shape_is_validated():
    older = _row()
    del older["kind"]
    assert paragraph_from_row(older).kind == "text"  # the default filled in
    broken = _row()
    del broken["text"]
    with pytest.raises(ValidationError):
        paragraph_from_row(broken)
