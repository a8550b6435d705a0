"""`paragraf` command line: ingest, ask, documents, remove, eval, backup, restore, serve."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from core.settings import Settings


def _settings(args: argparse.Namespace) -> Settings:
    if getattr(args, "data_dir", None):
        os.environ["PARAGRAF_DATA_DIR"] = str(args.data_dir)
    return Settings()


def _app(args: argparse.Namespace):
    from assistant.service import Paragraf

    return Paragraf(_settings(args))


def cmd_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ingest.pipeline import collect_files, count_pages, ingest_paths

    app = _app(args)
    paths = [Path(p) for p in args.paths]
    files, _ = collect_files(paths)
    pages = {str(f): max(1, count_pages(f)) for f in files}
    # In pages (with pages/s and the time left), since a 200-page plan and a 1-page missive differ.
    with tqdm(total=sum(pages.values()), unit=" sidor", desc="Läser in", disable=args.quiet,
              bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} sidor "
                         "[{elapsed}<{remaining} kvar, {rate_noinv_fmt}] {postfix}") as bar:
        def progress(path: Path) -> None:
            bar.set_postfix_str(path.name[-40:], refresh=False)
            bar.update(pages.get(str(path), 1))

        report = ingest_paths(paths, app.index, progress=progress, visibility=args.visibility)
    from core.audit import cli_user

    for item in report.files:  # what changed the index (or was refused), not files left as they were
        if item.status == "unchanged":
            continue
        app.audit.record(cli_user(), "document.ingest", item.doc_id or str(item.path), item.status,
                         file=str(item.path), paragraphs=item.paragraphs, message=item.message)
    print(
        f"Klart på {report.seconds:.1f} s: {report.count('added')} nya, "
        f"{report.count('updated')} uppdaterade, {report.count('unchanged')} oförändrade, "
        f"{len(report.skipped)} överhoppade dokument; {plural(report.paragraphs, 'stycke', 'stycken')} från "
        f"{plural(report.pages, 'sida', 'sidor')} lästes in."
    )
    for item in report.skipped:
        print(f"  Överhoppad: {item.path}: {item.message}", file=sys.stderr)
    total = len(app.documents())
    print(f"Indexet innehåller nu {total} dokument.")
    return 1 if report.skipped and not (report.count("added") + report.count("updated") + report.count("unchanged")) else 0


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.service import QuestionError

    app = _app(args)
    question = " ".join(args.question)
    try:
        response = app.ask(question, answerer=args.answerer)
    except QuestionError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(response.model_dump(), ensure_ascii=False, indent=2))
        return 0
    print(response.answer)
    if response.citations:
        print("\nKällor:")
        for c in response.citations:
            print(f"  [{c.marker}] {c.reference} — {c.title} ({c.paragraph_id})")
            print(f"      ”{c.quote}”")
    return 0


def cmd_documents(args: argparse.Namespace) -> int:
    app = _app(args)
    docs = app.documents()
    if args.json:
        print(json.dumps([d.model_dump() for d in docs], ensure_ascii=False, indent=2))
        return 0
    if not docs:
        print("Inga dokument är inlästa.")
        return 0
    for d in docs:
        print(
            f"{d.doc_id}\n    {d.title}\n    {d.organisation} · {d.body} · {d.doc_type} · "
            f"{d.date or 'datum saknas'} · {plural(d.pages, 'sida', 'sidor')} · "
            f"{plural(d.paragraph_count, 'stycke', 'stycken')}"
        )
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from core.audit import cli_user

    app = _app(args)
    removed = app.remove(args.doc_id)
    app.audit.record(cli_user(), "document.delete", args.doc_id, "removed" if removed else "not_found")
    if removed:
        print(f"Dokumentet {args.doc_id} togs bort.")
        return 0
    print(f"Dokumentet {args.doc_id} finns inte.", file=sys.stderr)
    return 1


def cmd_eval(args: argparse.Namespace) -> int:
    if args.register:  # the decision register against its hand labels (no index needed)
        from evals.register import main as register_eval

        return register_eval(["--output", str(args.report_dir or Path("eval-results/register"))]
                             + (["--floors", str(args.floors)] if args.floors else []))
    if args.questions is None:
        print("Ange --questions (en frågefil) eller --register.", file=sys.stderr)
        return 2
    from tqdm import tqdm

    from evals.evaluate import evaluate
    from evals.gold import GoldFileError, load_questions

    try:
        total = len(load_questions(args.questions))
    except (GoldFileError, OSError) as exc:
        print(f"Fel i frågefilen: {exc}", file=sys.stderr)
        return 2
    bars = []

    def progress(name: str):
        bar = tqdm(total=total, desc=name, unit="fråga", disable=args.quiet)
        bars.append(bar)
        return lambda: bar.update(1)

    outcome = evaluate(
        _app(args), args.questions, corpus=[Path(p) for p in args.corpus] or None,
        results=args.output, report_dir=args.report_dir or args.output.parent,
        baseline=not args.no_baseline, floors=args.floors, progress=progress, answerer=args.answerer,
    )
    for bar in bars:
        bar.close()
    from evals.report import markdown

    print(markdown(outcome.report).split("## Per kind")[0])
    if "llm" in outcome.report:
        llm = outcome.report["llm"]
        print(f"LLM: {llm['by_llm']} av {llm['answers']} svar skrivna av modellen; "
              f"{llm['sentences_dropped']} av {llm['sentences_kept'] + llm['sentences_dropped']} meningar "
              f"underkändes (andel ostödda meningar: {llm['unsupported_sentence_rate']}).")
    report_dir = args.report_dir or args.output.parent
    print(f"Per fråga: {args.output}; rapport: {report_dir / 'report.md'}, {report_dir / 'report.json'}, "
          f"{report_dir / 'per_kind.png'}")
    if outcome.floor_problems:
        print("Under golvet:\n  " + "\n  ".join(outcome.floor_problems), file=sys.stderr)
        return 1
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from assistant.backup import backup

    backup(_settings(args), args.dest)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from assistant.backup import restore, verify

    if args.verify_only:
        manifest = verify(args.src)
        print(f"Säkerhetskopian är hel: {len(manifest['files'])} filer, {manifest['paragraphs']} stycken, "
              f"tagen {manifest['created']}.")
        return 0
    restore(_settings(args), args.src)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from api.hardening import configure_logging
    from assistant.service import Paragraf

    settings = _settings(args)
    host = args.host or settings.host
    port = args.port or settings.port
    configure_logging(settings)
    core = Paragraf(settings)  # a store that stays unreachable ends the start here, with exit code 3
    print(f"Paragraf lyssnar på http://{host}:{port}/ (API-dokumentation: /docs)")
    uvicorn.run(
        create_app(settings, core), host=host, port=port, log_level="warning", access_log=False,
        log_config=None, timeout_keep_alive=5, limit_concurrency=256,
    )
    return 0


# argparse's own words (usage, headings, errors) through its gettext hook, in Swedish.
_ARGPARSE_SV = {
    "usage: ": "användning: ",
    "positional arguments": "argument",
    "options": "flaggor",
    "show this help message and exit": "visa den här hjälpen och avsluta",
    "the following arguments are required: %s": "dessa argument krävs: %s",
    "unrecognized arguments: %s": "okända argument: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ogiltigt val: %(value)r (välj bland %(choices)s)",
    "invalid %(type)s value: %(value)r": "ogiltigt värde (%(type)s): %(value)r",
    "expected one argument": "ett värde krävs",
    "expected at least one argument": "minst ett värde krävs",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fel: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argumentet %(argument_name)s: %(message)s",
}
argparse._ = lambda text: _ARGPARSE_SV.get(text, text)  # type: ignore[attr-defined]


def plural(n: int, one: str, many: str) -> str:
    """'1 sida', '3 sidor'."""
    return f"{n} {one if n == 1 else many}"


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir", type=Path, default=argparse.SUPPRESS, metavar="MAPP",
        help="datamapp för det inbäddade indexet (standard: PARAGRAF_DATA_DIR eller ./data)",
    )
    parser = argparse.ArgumentParser(
        prog="paragraf", description="Paragraf: svar med styckehänvisningar ur styrdokument.",
        parents=[common],
        epilog="Alla inställningar kan också ges som miljövariabler PARAGRAF_<NAMN>; se README.",
    )
    sub = parser.add_subparsers(dest="command", required=True, title="kommandon", metavar="KOMMANDO")

    p = sub.add_parser("ingest", parents=[common], help="läs in PDF- och textfiler eller mappar i indexet",
                       description="Läs in PDF-, .txt- och .md-filer (mappar söks igenom rekursivt).")
    p.add_argument("paths", nargs="+", metavar="SÖKVÄG", help="filer eller mappar")
    p.add_argument("--quiet", action="store_true", help="ingen förloppsindikator")
    p.add_argument(
        "--visibility", default="public", metavar="ETIKETT",
        help="åtkomstetikett för dokument vars metadatafil inte anger någon (standard: public; t.ex. internal)",
    )
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", parents=[common], help="ställ en fråga på svenska",
                       description="Besvara en fråga med citerade stycken ur de inlästa dokumenten.")
    p.add_argument("question", nargs="+", metavar="FRÅGA", help="frågan (citattecken behövs inte)")
    p.add_argument("--json", action="store_true", help="skriv ut API:ets JSON-svar")
    p.add_argument("--answerer", choices=["extractive", "llm"], default=None,
                   help="vem som skriver svaret: extractive (ordagranna meningar) eller llm (den anslutna "
                        "språkmodellen, varje mening kontrollerad); standard: PARAGRAF_DEFAULT_ANSWERER")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("documents", parents=[common], help="lista inlästa dokument")
    p.add_argument("--json", action="store_true", help="skriv ut listan som JSON")
    p.set_defaults(func=cmd_documents)

    p = sub.add_parser("remove", parents=[common], help="ta bort ett dokument ur indexet")
    p.add_argument("doc_id", metavar="DOKUMENT-ID", help="dokumentets id (se `paragraf documents`)")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("eval", parents=[common], help="utvärdera svar och hänvisningar mot en frågefil")
    p.add_argument("--questions", type=Path, metavar="FIL", help="frågefil i JSONL-format (se README)")
    p.add_argument("--register", action="store_true",
                   help="utvärdera beslutsregistret fält för fält mot evals/gold/register-*.jsonl")
    p.add_argument("--corpus", nargs="*", default=[], metavar="SÖKVÄG",
                   help="dokument att läsa in först och att bygga jämförelsesystemet av")
    p.add_argument("--output", type=Path, default=Path("eval-results/results.jsonl"), metavar="FIL",
                   help="resultat per fråga (JSONL; standard: eval-results/results.jsonl)")
    p.add_argument("--report-dir", type=Path, default=None, metavar="MAPP",
                   help="var report.md/.json/.png hamnar (standard: bredvid --output)")
    p.add_argument("--no-baseline", action="store_true", help="hoppa över jämförelsesystemet (llama-index)")
    p.add_argument("--floors", type=Path, default=None, metavar="FIL",
                   help="JSON med lägsta godtagbara värden; slutkod 1 när något underskrids")
    p.add_argument("--quiet", action="store_true", help="ingen förloppsindikator")
    p.add_argument("--answerer", choices=["extractive", "llm"], default=None,
                   help="utvärdera den anslutna språkmodellens svar (llm) och rapportera andelen meningar "
                        "som verifieringen underkände; standard: PARAGRAF_DEFAULT_ANSWERER")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("backup", parents=[common],
                       help="säkerhetskopiera index och datamapp (fungerar medan servern kör)")
    p.add_argument("dest", type=Path, metavar="MÅL", help="ny eller tom mapp att skriva kopian till")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", parents=[common], help="återställ en säkerhetskopia till en tom datamapp")
    p.add_argument("src", type=Path, metavar="KÄLLA", help="mapp skriven av `paragraf backup`")
    p.add_argument("--verify-only", action="store_true", help="kontrollera bara kopian mot kontrollsummorna")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("serve", parents=[common], help="starta HTTP-API:et och webbsidorna")
    p.add_argument("--host", default=None, metavar="ADRESS",
                   help="adress att lyssna på (standard: PARAGRAF_HOST eller 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, metavar="PORT",
                   help="port att lyssna på (standard: PARAGRAF_PORT eller 8000)")
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    from pydantic import ValidationError

    from assistant.backup import BackupError
    from index.embedders import EmbedderError
    from index.faults import DependencyUnavailable
    from index.store import IndexMismatchError

    try:
        return int(args.func(args) or 0)
    except ValidationError as exc:  # settings from the environment: one line per bad value
        for error in exc.errors():
            field = ".".join(str(x) for x in error.get("loc", ()))
            where = f"PARAGRAF_{field.upper()}: " if field else ""
            print(f"Fel i inställningarna: {where}{error['msg'].removeprefix('Value error, ')}", file=sys.stderr)
        return 2
    except (IndexMismatchError, EmbedderError, BackupError) as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 2
    except DependencyUnavailable as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
