from ingest.structure import ParsedParagraph
from ingest.tables import merge_cell_runs


def test_runs_of_cells_are_merged_and_sentences_are_not():
    cells = [ParsedParagraph(1, "§ 1", "text", f"Namn {i}") for i in range(10)]
    prose = ParsedParagraph(1, "§ 1", "text", "Kommunfullmäktige beslutar att anta planen.")
    merged = merge_cell_runs([*cells, prose], lambda page, section, text: ParsedParagraph(page, section, "table_row", text))
    assert [p.kind for p in merged] == ["table_row", "text"]
    assert merged[0].text == " | ".join(f"Namn {i}" for i in range(10))
    few = cells[:3]
    assert merge_cell_runs(few, lambda *a: None) == few  # short runs are left alone
