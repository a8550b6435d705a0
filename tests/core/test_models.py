from datetime import date

import pytest
from pydantic import ValidationError

from core.models import DocumentMeta, Filters

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
