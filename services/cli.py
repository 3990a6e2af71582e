"""The `lingong` command: serve, migrate, dev-token, import, screen, code, rank, ltr, relay, privacy, …."""

import asyncio
import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO

import click

SERVICES = ("postings", "matching")


@click.group()
def main() -> None:
    """lingong: the open back end of a public employment service's gig market and stations."""


def _use_data_dir(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    for svc in SERVICES:
        key = f"{svc.upper()}_DATABASE_URL"
        os.environ.setdefault(key, f"sqlite+aiosqlite:///{(data_dir / f'{svc}.db').resolve()}")


def _demo_size(value: str) -> tuple[int, int]:
    try:
        postings, seekers = (int(part) for part in value.split(","))
    except ValueError:
        raise click.BadParameter("two whole numbers: POSTINGS,SEEKERS") from None
    if not (1 <= postings <= 1_000_000 and 1 <= seekers <= 100_000):
        raise click.BadParameter("postings 1 to 1,000,000 and seekers 1 to 100,000")
    return postings, seekers


def _database_url(service: str) -> str:
    if service == "postings":
        from services.postings.config import get_settings as postings_settings

        return postings_settings().database_url
    from services.matching.config import get_settings as matching_settings

    return matching_settings().database_url


@main.command()
@click.argument("service", required=False, type=click.Choice(SERVICES))
def migrate(service: str | None) -> None:
    """Alembic upgrade head for one service or both, on the configured databases."""
    from services.kit.migrate import upgrade

    for svc in [service] if service else SERVICES:
        upgrade(svc, _database_url(svc))
        click.echo(f"{svc}: migrated")


@main.command("dev-token")
@click.option("--role", required=True, type=click.Choice(["seeker", "employer", "staff", "admin", "service"]))
@click.option("--sub", required=True, help="Subject: the user's or system's id")
@click.option("--station", default=None, help="Station id (staff)")
@click.option("--county", default=None, help="County adcode (staff: whose seekers and disputes they see)")
@click.option("--ttl", default=3600 * 8, show_default=True, type=click.IntRange(60, 86400 * 30))
def dev_token(role: str, sub: str, station: str | None, county: str | None, ttl: int) -> None:
    """A token signed with the embedded default's local key; printed on the last line."""
    from services.kit.auth import mint_token
    from services.postings.config import get_settings

    auth = get_settings().auth
    if auth.mode != "local" or not auth.dev_tokens:
        raise click.ClickException("dev tokens are disabled in these settings (auth.mode must be local)")
    click.echo(f"# {role} token for {sub}, valid {ttl} s", err=True)
    extra = {"county_adcode": county} if county else None
    click.echo(mint_token(auth, role, sub, station_id=station, ttl=ttl, extra=extra))


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", default=None, help="Source name for upserts (default: from the file's format)")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Per-row report, JSON lines (default: FILE.report.jsonl next to the current directory)",
)
@click.option("--batch", default=500, show_default=True, type=click.IntRange(1, 10000))
@click.option("--progress/--no-progress", default=True)
def import_(file: Path, source: str | None, report_path: Path | None, batch: int, progress: bool) -> None:
    """Bulk-import postings (CSV or JSON lines) with a progress bar and a per-row report."""
    from services.postings.imports.cli import run_import

    report_path = report_path or Path(file.name.split(".")[0] + ".report.jsonl")
    summary = asyncio.run(run_import(file, source, report_path, batch, progress))
    click.echo(json.dumps(summary, ensure_ascii=False))
    click.echo(f"report: {report_path}", err=True)


def _csv_column(path: Path, column: str) -> list[str]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or column not in reader.fieldnames:
            raise click.ClickException(f"{path} has no '{column}' column")
        return [row[column] or "" for row in reader]


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out", type=click.File("w", encoding="utf-8"), default="-", help="JSON lines (default: stdout)"
)
def screen(file: Path, out: TextIO) -> None:
    """Run the posting checker on the `sentence` column; one JSON line per row, in order."""
    from services.postings.screening.checker import screen_text

    for sentence in _csv_column(file, "sentence"):
        verdict = screen_text(sentence)
        spans = [
            {"text": s.text, "start": s.start, "end": s.end, "category": s.category, "basis": s.basis}
            for s in verdict.spans
        ]
        line = {
            "sentence": sentence,
            "verdict": verdict.verdict,
            "categories": verdict.categories,
            "spans": spans,
        }
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


class _BadInputFile(click.ClickException):
    exit_code = 2


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out", type=click.File("w", encoding="utf-8"), default="-", help="JSON lines (default: stdout)"
)
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 50), help="Codes per title")
def code(file: Path, out: TextIO, top: int) -> None:
    """Code the `title` column with the occupation coder: one JSON line per row, in order,
    {"title", "codes": [{"code", "name", "p"}]}, best first (names without the L/S marks)."""
    try:
        titles = _csv_column(file, "title")
    except click.ClickException as exc:
        raise _BadInputFile(exc.message) from exc
    from services.matching.occupations import default_coder
    from services.matching.occupations.text import clean_name
    from services.reference.occupations import occupations

    coder, names = default_coder(), occupations()
    for title, codes in zip(titles, coder.predict(titles, top), strict=True):
        found = [{"code": c, "name": clean_name(names[c].name), "p": round(p, 6)} for c, p in codes]
        out.write(json.dumps({"title": title, "codes": found}, ensure_ascii=False) + "\n")


def _json_logs(log_format: str) -> bool:
    """auto: short text lines when a person watches a terminal, JSON when the output goes elsewhere."""
    if log_format == "auto":
        return not (sys.stdout.isatty() and sys.stderr.isatty())
    return log_format == "json"


@main.command()
@click.option("--demo/--no-demo", default=False, help="Load the demo dataset when the database is empty")
@click.option(
    "--data-dir", default=Path("var"), show_default=True, type=click.Path(file_okay=False, path_type=Path)
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--postings-port", default=8001, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--matching-port",
    default=8002,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Matching follows the postings port started here unless MATCHING_POSTINGS_URL is set",
)
@click.option(
    "--log-format",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", "text", "json"]),
    help="auto: text lines on a terminal, JSON when piped",
)
@click.option(
    "--demo-size",
    default="3000,300",
    show_default=True,
    callback=lambda _ctx, _param, value: _demo_size(value),
    help="With --demo: how many postings and demo seekers (POSTINGS,SEEKERS), e.g. 200,30 for a quick start",
)
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(1, 64),
    help="The production layout: postings in one process, matching in N processes on one port "
    "(SO_REUSEPORT); without it, both services run in this one process",
)
def serve(
    demo: bool,
    data_dir: Path,
    host: str,
    postings_port: int,
    matching_port: int,
    log_format: str,
    demo_size: tuple[int, int],
    workers: int | None,
) -> None:
    """Both services on the databases the environment names (else SQLite files in DATA_DIR), migrated."""
    from services.kit import loop
    from services.serve import DemoSize, serve_both

    _use_data_dir(data_dir)
    for svc in SERVICES:
        # A served process also sheds while its event loop runs late (docs/load.md).
        os.environ.setdefault(f"{svc.upper()}_LOAD_SHEDDING__MAX_LOOP_LAG_SECONDS", "0.5")
    for svc in SERVICES:
        from services.kit.migrate import upgrade

        upgrade(svc, _database_url(svc))
    log_json = _json_logs(log_format)
    if workers is not None:
        from services.workers import Workers

        shared = os.environ.get("MATCHING_SERVING__SHARED_INDEX_DIR", str(data_dir / "index"))
        layout = Workers(
            host,
            postings_port,
            matching_port,
            workers,
            demo=demo,
            log_json=log_json,
            demo_size=DemoSize(*demo_size),
            index_dir=Path(shared) if shared else None,
        )
        sys.exit(asyncio.run(layout.run()))
    loop.run(
        serve_both(
            host, postings_port, matching_port, demo=demo, log_json=log_json, demo_size=DemoSize(*demo_size)
        )
    )


@main.command()
@click.option(
    "--postings", "postings_csv", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--seekers", "seekers_csv", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--top", "top_k", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option(
    "--out", type=click.File("w", encoding="utf-8"), default="-", help="JSON lines (default: stdout)"
)
def rank(postings_csv: Path, seekers_csv: Path, top_k: int, out: TextIO) -> None:
    """Rank CSV seekers against CSV postings with the service's ranking (the layout of
    eval/title_retrieval_dev/): one JSON line per seeker, {"seeker_id", "results": [{"posting_id",
    "score"}]}, best first."""
    from services.matching.ranking.files import RankFileError, rank_files

    try:
        rank_files(postings_csv, seekers_csv, top_k, out)
    except RankFileError as exc:
        raise click.ClickException(str(exc)) from exc


@main.group()
def ltr() -> None:
    """The learned ranker's offline loop on the matching database (docs/ranking.md)."""


_DAYS = click.option(
    "--days",
    default=90,
    show_default=True,
    type=click.IntRange(1, 3650),
    help="Impressions shown in the last DAYS",
)
_WINDOW = click.option(
    "--window",
    default=30,
    show_default=True,
    type=click.IntRange(1, 365),
    help="Days an outcome is attributed back",
)


@ltr.command("dataset")
@_DAYS
@_WINDOW
@click.option(
    "--out", type=click.File("w", encoding="utf-8"), default="-", help="JSON lines (default: stdout)"
)
def ltr_dataset(days: int, window: int, out: TextIO) -> None:
    """Impressions joined to outcomes: one JSON line per item shown, with its position and label."""
    from services.matching.config import get_settings
    from services.matching.impressions.learning import export

    n = asyncio.run(export(get_settings(), days, window, out))
    click.echo(f"{n} labelled impressions", err=True)


@ltr.command("train")
@_DAYS
@_WINDOW
@click.option(
    "--out",
    default=Path("var/models/ltr/current.txt"),
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
)
@click.option(
    "--min-gain", default=0.01, show_default=True, type=click.FloatRange(0, 1), help="SNIPS margin to beat"
)
@click.option("--rounds", default=300, show_default=True, type=click.IntRange(10, 5000))
def ltr_train(days: int, window: int, out: Path, min_gain: float, rounds: int) -> None:
    """Train on logged outcomes; write the model only if it beats the hand-set weights offline."""
    from services.matching.config import get_settings
    from services.matching.impressions.learning import logged_from, train_and_write

    data, n = asyncio.run(logged_from(get_settings(), days, window))
    verdict = train_and_write(data, out, min_gain, rounds)
    click.echo(
        json.dumps(
            {
                "beats": verdict.beats,
                "reason": verdict.reason,
                "rows": n,
                "hand_set": verdict.hand,
                "learned": verdict.learned,
            },
            ensure_ascii=False,
        )
    )
    if not verdict.beats:
        raise click.ClickException(f"not written: {verdict.reason}")
    click.echo(
        f"model written to {out} (switch on with MATCHING_LTR__ENABLED=true MATCHING_LTR__MODEL_PATH={out})",
        err=True,
    )


@ltr.command("evaluate")
@_DAYS
@_WINDOW
@click.option(
    "--model", "model_path", default=None, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def ltr_evaluate(days: int, window: int, model_path: Path | None) -> None:
    """IPS and SNIPS on the logged lists: the hand-set order, and a model's if given."""
    from services.matching.config import get_settings
    from services.matching.impressions.learning import evaluate, logged_from

    data, _ = asyncio.run(logged_from(get_settings(), days, window))
    click.echo(json.dumps(evaluate(data, model_path), ensure_ascii=False))


@main.command()
@click.option("--url", default=None, help="NATS server (default: POSTINGS_RELAY__URL)")
@click.option("--stream", default=None, help="JetStream stream (default: POSTINGS_RELAY__STREAM)")
def relay(url: str | None, stream: str | None) -> None:
    """Relay the postings outbox to NATS JetStream until interrupted (resumes where the stream ends)."""
    from services.postings.config import get_settings
    from services.postings.relay.relay import run_standalone

    settings = get_settings()
    overrides = {k: v for k, v in {"url": url, "stream": stream}.items() if v is not None}
    asyncio.run(run_standalone(settings.relay.model_copy(update=overrides)))
    click.echo("relay stopped", err=True)


@main.command()
@click.option(
    "--ahead", default=None, type=click.IntRange(1, 24), help="Months to make ahead (default: settings)"
)
@click.option(
    "--drop-before",
    default=None,
    type=click.DateTime(formats=["%Y-%m"]),
    help="Drop the table's whole months before this one (YYYY-MM): the outbox's once every consumer is "
    "past them; the engagements' only when no wage record in them is kept (else nothing is dropped)",
)
@click.option(
    "--table",
    type=click.Choice(["outbox", "engagements"]),
    default="outbox",
    show_default=True,
    help="The table --drop-before drops months of",
)
def partitions(ahead: int | None, drop_before: object, table: str) -> None:
    """PostgreSQL: make the outbox's and the engagements' monthly partitions ahead, list them, optionally
    drop old months of one of them."""
    from services.postings.config import get_settings
    from services.postings.feed.partitions import KeptWageRecords, partition_report

    settings = get_settings()
    months = ahead or settings.outbox_partition_months_ahead
    when = drop_before.date() if isinstance(drop_before, datetime) else None
    keep = settings.erasure.wage_keep_days
    try:
        lines = asyncio.run(partition_report(settings, months, when, table, keep))
    except KeptWageRecords as refused:
        raise click.ClickException(f"nothing dropped: {refused}") from None
    for line in lines:
        click.echo(line)


@main.group()
def privacy() -> None:
    """Seekers' personal data: retention (docs/privacy.md)."""


@privacy.command("sweep")
@click.option("--now", "at", default=None, help="Run as of this ISO time with offset (default: now)")
def privacy_sweep(at: str | None) -> None:
    """One retention pass on the matching database: notices, erasures, expired rows deleted (for cron).
    Batched and idempotent; a run that is killed resumes on the next. Prints what it did as JSON."""
    from datetime import UTC, datetime

    from services.kit.db import build_engine, build_sessionmaker
    from services.matching.config import get_settings
    from services.matching.privacy.config import get_privacy_settings
    from services.matching.privacy.retention import sweep
    from services.matching.seekers.crypto import get_cipher

    now = datetime.fromisoformat(at) if at else datetime.now(UTC)
    if now.tzinfo is None:
        raise click.BadParameter(
            "give the time with its offset, e.g. 2027-01-01T00:00:00+08:00", param_hint="--now"
        )

    async def run() -> dict[str, object]:
        engine = build_engine(get_settings())
        try:
            report = await sweep(build_sessionmaker(engine), get_cipher(), get_privacy_settings(), now)
        finally:
            await engine.dispose()
        return report.as_dict()

    click.echo(json.dumps(asyncio.run(run()), sort_keys=True))


if __name__ == "__main__":
    sys.exit(main())
