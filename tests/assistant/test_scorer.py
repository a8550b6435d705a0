import json

import numpy as np
import pytest

from assistant.scorer import FEATURES, MODEL_PATH, Scorer, coverage
from core.models import DocumentMeta, Paragraph
from index.retrieve import Hit, Retrieval
from tests.conftest import FAKE_SCORER, REPO


def _hit(text: str, *, org: str = "Region Västerbotten", date: str = "2024-01-23", section: str = "",
         dense: float = 0.8, rank: int = 1) -> Hit:
    doc = DocumentMeta(doc_id="d", title="Protokoll", organisation=org, date=date, source="d.txt")
    p = Paragraph(paragraph_id=f"d:p{rank}", doc_id="d", ordinal=rank, page=1, section=section, text=text)
    return Hit(p, doc, score=1 / (60 + rank), dense=dense, ranks={"dense": rank, "lexical": rank})


def _features(seeded_app, question: str, hits: list[Hit], orgs=(), unknown=()) -> np.ndarray:
    retrieval = Retrieval(hits=hits, organisations=list(orgs), timings_ms={}, unknown_organisations=list(unknown))
    scorer = seeded_app.scorer
    return scorer.features(scorer.question(question, retrieval), hits)


def test_features_have_one_column_each_and_are_finite(seeded_app):
    hits = [_hit("Regionstyrelsen beslutar att minska tjänsteresandet med 15 procent.", rank=r) for r in (1, 2)]
    x = _features(seeded_app, "Hur mycket ska tjänsteresandet minska?", hits)
    assert x.shape == (2, len(FEATURES)) and np.isfinite(x).all()
    col = dict(zip(FEATURES, x[0]))
    assert col["num_match"] == 1.0 and col["cov_text"] > 0.5


def test_a_year_the_paragraph_does_not_mention_is_a_conflict(seeded_app):
    hits = [_hit("Budgeten för 2023 fastställs.", date="2023-05-01")]
    col = dict(zip(FEATURES, _features(seeded_app, "Vad blev budgeten 2027?", hits)[0]))
    same = dict(zip(FEATURES, _features(seeded_app, "Vad blev budgeten 2023?", hits)[0]))
    assert col["year_conflict"] == 1.0 and same["year_conflict"] == 0.0


def test_an_organisation_the_question_names_elsewhere_is_a_conflict(seeded_app):
    hits = [_hit("Regionstyrelsen får i uppdrag att minska hyrberoendet.")]
    other = dict(zip(FEATURES, _features(seeded_app, "Vilka uppdrag fick Malmö stad?", hits, unknown=["Malmö stad"])[0]))
    own = dict(zip(FEATURES, _features(seeded_app, "Vilka uppdrag fick Region Västerbotten?", hits, orgs=["Region Västerbotten"])[0]))
    assert other["org_conflict"] == 1.0 and own["org_conflict"] == 0.0 and own["org_match"] == 1.0


def test_rerank_orders_hits_by_probability(seeded_app):
    hits = [_hit("Mötet inleddes.", rank=1), _hit("Tjänsteresandet ska minska med 15 procent till 2025.", rank=2)]
    retrieval = Retrieval(hits=hits, organisations=[], timings_ms={})
    seeded_app.scorer.rerank("Hur mycket ska tjänsteresandet minska?", retrieval)
    probs = [h.probability for h in retrieval.hits]
    assert probs == sorted(probs, reverse=True) and "15 procent" in retrieval.hits[0].paragraph.text


def test_coverage_weighs_rare_terms():
    weights = {"tjänsteres": 3.0, "minsk": 1.0}
    assert coverage(weights, "Tjänsteresorna ska minska.") == 1.0
    assert coverage(weights, "Kostnaderna ska minska.") == pytest.approx(0.25)


def test_a_model_with_unknown_features_is_refused(seeded_app, tmp_path):
    bad = dict(FAKE_SCORER, features=["no_such_feature", *FAKE_SCORER["features"][1:]])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(ValueError, match="unknown features"):
        Scorer(seeded_app.index, path)


def test_bundled_weights_were_fitted_without_the_test_half():
    model = json.loads(MODEL_PATH.read_text())
    assert model["features"] == list(FEATURES)
    assert len(model["coef"]) == len(model["mean"]) == len(model["scale"]) == len(FEATURES)
    assert 0.0 < model["threshold"] < 1.0
    fitted_on = model["fitted_on"]["questions"]
    assert fitted_on and not any("external-test" in q for q in fitted_on)
    assert all((REPO / q).is_file() for q in fitted_on)


def test_missing_fact_refuses_a_paragraph_without_the_kind_of_fact_asked_for():
    from assistant.scorer import missing_fact

    assert missing_fact("Hur mycket kostade utredningen om simhallen?", "Utredningen redovisades 2024.")
    assert not missing_fact("Hur mycket kostade utredningen om simhallen?", "Utredningen kostade 2,4 miljoner kronor.")
    assert missing_fact("Hur många platser har programmet?", "Programmet startade 2023.")  # a year is no count
    assert not missing_fact("Hur många platser har programmet?", "Programmet har 150 platser.")
    assert missing_fact("När ska nämnden redovisa uppdraget?", "Nämnden ska redovisa uppdraget till styrelsen.")
    assert not missing_fact("När ska nämnden redovisa uppdraget?", "Uppdraget redovisas senast den 31 mars 2026.")
    assert missing_fact("Hur röstade fullmäktige om detaljplanen?", "Detaljplanen antas.")
    assert not missing_fact("Hur röstade fullmäktige om detaljplanen?", "Omröstningen utfaller med 72 Ja mot 9 Nej.")
    # which meeting: the meeting and its day, not a signature's date or a year
    meeting = "På vilket fullmäktigesammanträde skulle ansvarsfriheten prövas?"
    assert missing_fact(meeting, "Ledamöterna beviljas ansvarsfrihet för verksamhetsåret 2023.")
    assert missing_fact(meeting, "Göteborg den 9 april 2024")
    assert not missing_fact(meeting, "Revisionsberättelsen överlämnas till kommunfullmäktiges sammanträde den 25 april 2024.")
    assert not missing_fact("Vad beslutade fullmäktige om detaljplanen?", "Detaljplanen antas.")  # no strict kind


def test_a_time_of_day_or_season_answers_when():
    from assistant.scorer import missing_fact

    assert not missing_fact("När har biblioteket öppet?", "Biblioteket har öppet till klockan 20 på vardagar.")
    assert not missing_fact("När startar bygget?", "Bygget startar under hösten.")
