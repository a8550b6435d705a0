"""Dates and sums of money as Swedish documents write them."""

from ingest.amounts import MONEY, dates_in


def test_dates_in_iso_long_and_month_forms_in_text_order():
    text = "Delredovisning senast den 31 mars 2026, slutredovisning 2027-02-28 och uppföljning i december 2027."
    assert [d for d, _, _ in dates_in(text)] == ["2026-03-31", "2027-02-28", "2027-12"]


def test_money_as_written():
    text = "Ramen är 1,2 miljoner kronor, varav 450 000 kr i år och 3 mnkr nästa år; 12 procent är inte pengar."
    assert [m.group(0).strip() for m in MONEY.finditer(text)] == ["1,2 miljoner kronor", "450 000 kr", "3 mnkr"]
