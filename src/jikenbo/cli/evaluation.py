"""`jikenbo eval`: score the records of some inputs against one or more gold files, each file
and their union beside the naive keyword baseline, with the misses and their evidence."""
from __future__ import annotations

import json
import sys

import click

from jikenbo import evaluate, pipeline, sources
from jikenbo.cli import _report, _user_errors, main, read_options
from jikenbo.errors import JikenboError


@main.command("eval")
@click.argument("args", nargs=-1, required=True, metavar="[GOLD] PATHS...")
@click.option("--gold", "golds", multiple=True, metavar="FILE",
              help="A gold file (JSON lines); repeat for several. Without it, the first "
                   "argument is the gold file.")
@click.option("--cases", "with_cases", is_flag=True,
              help="Link the releases into cases and score the grouping too.")
@click.option("--discovered", "extensions", is_flag=True,
              help="Also score the extension fields (discovered) where the gold carries them.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.option("--no-misses", is_flag=True, help="Leave out the list of misses.")
@read_options
def eval_command(args: tuple[str, ...], golds: tuple[str, ...], with_cases: bool,
                 extensions: bool, as_json: bool, no_misses: bool, max_bytes: int,
                 lossy: bool) -> None:
    """Score the records of PATHS against each gold file and their union, beside a naive
    baseline."""
    golds, paths = (golds, args) if golds else (args[:1], args[1:])
    if not paths:
        raise click.UsageError("give the PATHS to score after the gold file")
    failures = []
    with _user_errors():
        gold_sets = {path: _read_gold(path) for path in golds}
        options = sources.ReadOptions(max_bytes=max_bytes, lossy=lossy)
        everything = list(pipeline.read_all(sources.expand(paths), options,
                                            lambda error: failures.append(_report(error))))
        ours = [record for extracted in everything for record in extracted.records]
        naive = [evaluate.baseline_record(post, extracted.source.locator)
                 for extracted in everything for post in extracted.posts]
        rows = (pipeline.with_cases(everything) if with_cases
                else [record.to_dict() for record in ours])
        if with_cases:  # the spreadsheet way: one case per organisation name
            for row in naive:
                row["case"] = row["organization"]
        scored = evaluate.score_sets(gold_sets, rows, naive, with_cases, extensions)
    if as_json:
        click.echo(json.dumps(_figures_json(scored), ensure_ascii=False))
    else:
        _print_scores(scored, ours, no_misses)
    if failures:
        sys.exit(1)


def _figures_json(scored: dict[str, tuple[evaluate.Scores, evaluate.Scores]]) -> dict:
    mine, base = scored[evaluate.UNION] if evaluate.UNION in scored else next(iter(scored.values()))
    out: dict = {"jikenbo": mine.values, "baseline": base.values}
    if evaluate.UNION in scored:
        out["files"] = {name: {"jikenbo": pair[0].values, "baseline": pair[1].values}
                        for name, pair in scored.items() if name != evaluate.UNION}
    return out


def _print_scores(scored: dict[str, tuple[evaluate.Scores, evaluate.Scores]], ours: list,
                  no_misses: bool) -> None:
    several = len(scored) > 1
    by_heading = {evaluate.norm(record.heading): record for record in ours}
    for name, (mine, base) in scored.items():
        if several:
            click.echo(f"== {name}")
        click.echo(_scores_table(mine.values, base.values))
        if no_misses or name == evaluate.UNION:
            click.echo("")
            continue
        click.echo(f"\n{len(mine.misses)} misses:")
        for miss in mine.misses:
            click.echo(f"MISS {miss.field:17} {miss.heading[:60]}\n"
                       f"     gold={miss.gold!r} jikenbo={miss.predicted!r}")
            record = by_heading.get(evaluate.norm(miss.heading))
            for line in evaluate.evidence_for(record, miss.field) if record else ():
                click.echo(f"     evidence {line}")
        click.echo("")


def _read_gold(path: str) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise JikenboError(f"{path}:{number}: not a JSON line ({error.msg})") from None
            if not isinstance(row, dict) or "heading" not in row or "is_incident" not in row:
                raise JikenboError(f"{path}:{number}: a gold record needs 'heading' and "
                                   "'is_incident' (see RECORD.md)")
            rows.append(row)
    if not rows:
        raise JikenboError(f"{path}: no gold records")
    return rows


def _scores_table(mine: dict, base: dict) -> str:
    lines = [f"{'field':22} {'jikenbo':>8} {'baseline':>9} {'ratio':>7}"]
    for name, value in mine.items():
        other = base.get(name)
        if isinstance(value, float):
            ratio = f"{value / other:6.2f}x" if other else "      -"
            shown = f"{other:9.3f}" if isinstance(other, float) else f"{'-':>9}"
            lines.append(f"{name:22} {value:8.3f} {shown} {ratio}")
        else:
            lines.append(f"{name:22} {value!s:>8} {other!s:>9}")
    return "\n".join(lines)
