"""Every fixed Swedish text the product shows end users, in one place."""

ABSTAIN = "Jag hittar inget svar på den frågan i underlagen."
EMPTY_INDEX = "Inga dokument är inlästa ännu. Läs in dokument med `paragraf ingest`."
SEVERAL_ORGANISATIONS = (
    "Svaret bygger på dokument från flera organisationer; uppgifterna redovisas var för sig."
)
QUESTION_EMPTY = "Frågan är tom. Skriv en fråga om beslut, uppdrag eller mål."
QUESTION_TOO_LONG = "Frågan är för lång (högst {limit} tecken)."
DOCUMENT_NOT_FOUND = "Dokumentet {doc_id!r} finns inte."
PARAGRAPH_NOT_FOUND = "Stycket {paragraph_id!r} finns inte."
RECORD_NOT_FOUND = "Posten {record_id!r} finns inte i beslutsregistret."
PARAGRAPH_ID_INVALID = "Ogiltigt styckes-id {paragraph_id!r}; formatet är <dokument-id>:p<nummer>."
INVALID_REQUEST = "Ogiltig begäran: {detail}"
INTERNAL_ERROR = "Ett internt fel uppstod. Försök igen senare."


def source_header(title: str, organisation: str, body: str, doc_type: str, date: str) -> str:
    """'Enligt <title> (<organisation>, <body>, <date>):' — the lead-in for one document's claims."""
    details = ", ".join(p for p in (organisation, body if body not in title else "", date) if p)
    return f"Enligt {title or doc_type or 'dokumentet'}" + (f" ({details})" if details else "") + ":"
FILE_NOT_FOUND = "Originalfilen till dokumentet {doc_id!r} finns inte."
API_KEY_INVALID = "Ogiltig API-nyckel."
ADMIN_REQUIRED = "Åtgärden kräver en administratörsnyckel."
FILTER_INVALID = "Ogiltigt filter: {detail}"
STREAM_FAILED = "Svaret kunde inte skapas. Försök igen."
RETRIEVING = "Söker i underlagen …"
COMPOSING = "Sammanställer svaret …"
FEEDBACK_THANKS = "Tack för din återkoppling!"
REQUEST_TOO_LARGE = "Begäran är för stor (högst {limit} byte)."
RATE_LIMITED = "För många frågor på kort tid. Vänta {seconds} sekunder och försök igen."
TIMEOUT = "Svaret tog för lång tid att ta fram. Försök igen eller förenkla frågan."
STORE_UNAVAILABLE = (
    "Sökindexet (Chroma) svarar inte just nu, så frågan kan inte besvaras. Försök igen om en stund."
)
STORE_UNREACHABLE_AT_START = "Chroma-servern på {where} svarar inte (väntade {seconds} s)."
EMBEDDER_UNAVAILABLE = "Språkmodellen för sökning fungerar inte just nu. Försök igen om en stund."
LLM_NOT_CONFIGURED = "Ingen språkmodell är ansluten (PARAGRAF_LLM_BASE_URL saknas); välj answerer \"extractive\"."
# The LLM writer's instructions. The model must end every sentence with [n] and may only use the
# numbered paragraphs; assistant.verify drops every sentence that does not hold up.
LLM_SYSTEM = """Du är Paragraf och svarar på svenska på frågor om offentliga styrdokument: protokoll, planer och uppdrag.
Regler:
1. Svara bara med uppgifter ur de numrerade styckena nedan. Gissa aldrig och lägg inte till egen kunskap.
2. Varje mening slutar med hänvisningen till stycket den bygger på, t.ex. [2]. En mening utan hänvisning är fel.
3. Skriv av siffror, belopp, datum, namn och partier exakt som de står i stycket.
4. Blanda aldrig ihop organisationer: säg vilken organisation eller vilket organ varje uppgift gäller.
5. Svara kort: högst fem meningar.
6. Om styckena inte besvarar frågan, svara exakt: {abstain}"""
LLM_USER = "Fråga: {question}\n\nStycken:\n{paragraphs}"
LLM_PARAGRAPH = "[{n}] {reference}\n{text}"
JOB_NOT_FOUND = "Jobbet {job_id!r} finns inte."
NOT_READY = "Tjänsten är inte redo: {reasons}."


def decision_header(number: str) -> str:
    """The lead-in for the decision of the § an answer quotes."""
    return f"Beslutet i § {number}:" if number else "Beslutet:"
