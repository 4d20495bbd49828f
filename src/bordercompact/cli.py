"""The ``bordercompact`` command: parses arguments, calls the package API, shows progress."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from bordercompact import __version__
from bordercompact.harmonize.output import harmonize_into, validation_json
from bordercompact.harmonize.pipeline import Harmonization, harmonize_region
from bordercompact.harmonize.pipeline import Progress as ProgressCallback
from bordercompact.region.problems import InvalidRegionError, Problem, Severity
from bordercompact.region.workspace import (
    STAGES,
    RunDirExistsError,
    atomic_run_dir,
    check_run_dir_target,
    provenance,
    utc_now,
    write_provenance,
)

app = typer.Typer(
    help="Negotiate and run joint climate-resilience initiatives across a border.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)

#: Environment variable naming the demo region directory, for installs without the examples.
DEMO_REGION_ENV = "BORDERCOMPACT_DEMO_REGION"

RegionDir = Annotated[Path, typer.Argument(help="Region directory holding region.toml.")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document (for scripts).")]
QuietFlag = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")]


def _version(value: bool) -> None:
    if value:
        console.print(f"bordercompact {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """bordercompact: one picture of shared risk, a deal every party can accept, the compact."""


@contextmanager
def _progress(enabled: bool, what: str) -> Iterator[ProgressCallback | None]:
    if not enabled:
        yield None
        return
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[step]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=errors,
        transient=True,
    ) as bar:
        task = bar.add_task(what, total=None, step="")

        def advance(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total, step=label)

        yield advance


def _show_problems(problems: list[Problem], quiet: bool) -> None:
    """Each problem as a short block: severity and code, where, found, expected."""
    for p in problems:
        if quiet and p.severity is not Severity.ERROR:
            continue
        style = "red" if p.severity is Severity.ERROR else "yellow"
        console.print(f"[{style} bold]{p.severity}[/] [dim]{p.code}[/]", highlight=False)
        for label, text in (("", p.location), ("found:    ", p.found), ("expected: ", p.expected)):
            console.print(f"  {label}{text}", highlight=False, markup=False)


def _summary(result: Harmonization) -> str:
    n_errors, n_warnings = len(result.problems.errors), len(result.problems.warnings)
    return f"{n_errors} error{'s' * (n_errors != 1)}, {n_warnings} warning{'s' * (n_warnings != 1)}"


@app.command()
def validate(region_dir: RegionDir, as_json: JsonFlag = False, quiet: QuietFlag = False) -> None:
    """Check a region directory and report every problem at once (exit 1 on any error)."""
    with _progress(not (quiet or as_json), "validating") as progress:
        result = harmonize_region(region_dir, progress)
    if as_json:
        console.print_json(validation_json(result))
    else:
        _show_problems(result.problems.problems, quiet)
        if not quiet:
            verdict = "[green]valid[/]" if result.ok else "[red]not valid[/]"
            console.print(f"{region_dir}: {verdict} ({_summary(result)})")
    if not result.ok:
        raise typer.Exit(1)


@contextmanager
def _failing_cleanly(
    region_dir: Path,
    out: Path,
    what: str,
    as_json: bool,
    quiet: bool,
    expected: tuple[type[Exception], ...] = (),
) -> Iterator[None]:
    """Turn a failed region command into its report and exit code 1 (nothing is written):
    the region's problems, or one of the ``expected`` input errors, which name their
    culprit. Other exceptions are bugs and keep their traceback."""
    try:
        yield
    except InvalidRegionError as exc:
        if as_json:
            console.print_json(json.dumps({"region": str(region_dir), **exc.problems.report()}))
        else:
            _show_problems(exc.problems.problems, quiet)
            errors.print(
                f"[red]{region_dir}: {what}[/] ({len(exc.problems.errors)} errors); "
                f"nothing was written to {out}"
            )
        raise typer.Exit(1) from None
    except (RunDirExistsError, *expected) as exc:  # type: ignore[misc]
        if as_json:
            console.print_json(json.dumps({"ok": False, "run_dir": str(out), "error": str(exc)}))
        else:
            errors.print(str(exc), style="red", markup=False, highlight=False)
        raise typer.Exit(1) from None


def _harmonize(region_dir: Path, out: Path, overwrite: bool, as_json: bool, quiet: bool) -> Path:
    with (
        _failing_cleanly(region_dir, out, "not harmonized", as_json, quiet),
        _progress(not (quiet or as_json), "harmonizing") as progress,
    ):
        result, run_dir = harmonize_into(region_dir, out, overwrite=overwrite, progress=progress)
    layers = {kind: len(frame) for kind, frame in result.layers.items()}
    if as_json:
        console.print_json(
            json.dumps(
                {
                    "ok": True,
                    "run_dir": str(run_dir),
                    "layers": layers,
                    "rasters": sorted(result.rasters),
                    "warnings": len(result.problems.warnings),
                }
            )
        )
    elif not quiet:
        _show_problems(result.problems.warnings, quiet)
        table = Table("layer", "features", title="harmonized layers")
        for kind, count in sorted(layers.items()):
            table.add_row(kind, f"{count:,}")
        for name in sorted(result.rasters):
            table.add_row(f"raster {name}", "grid")
        console.print(table)
        console.print(f"{_summary(result)}; results in [bold]{run_dir}[/]")
        console.print(f"harmonization log: {run_dir / 'harmonization_log.md'}")
    return run_dir


@app.command()
def harmonize(
    region_dir: RegionDir,
    out: Annotated[Path, typer.Option("--out", "-o", help="Run directory to create.")],
    overwrite: Annotated[bool, typer.Option(help="Replace an existing run directory.")] = False,
    as_json: JsonFlag = False,
    quiet: QuietFlag = False,
) -> None:
    """Validate, then write every layer in the analysis CRS, SI units and region currency."""
    _harmonize(region_dir, out, overwrite, as_json, quiet)


def demo_region() -> Path:
    """The bundled demo region: ``$BORDERCOMPACT_DEMO_REGION``, else the source tree's."""
    if os.environ.get(DEMO_REGION_ENV):
        return Path(os.environ[DEMO_REGION_ENV])
    return Path(__file__).resolve().parents[2] / "examples" / "twin-rivers"


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Where the results go.")] = Path(
        "demo-output"
    ),
    as_json: JsonFlag = False,
    quiet: QuietFlag = False,
) -> None:
    """Run the main job (`bordercompact run`) on the bundled Twin Rivers region, with the
    report in English and Spanish, and print where the report is."""
    region = demo_region()
    if not (region / "region.toml").is_file():
        errors.print(
            f"[red]the demo region is not at {region}[/]; set {DEMO_REGION_ENV} to its folder"
        )
        raise typer.Exit(1)
    _run(region, out, languages=["en", "es"], overwrite=True, as_json=as_json, quiet=quiet)


@contextmanager
def _dask_client(workers: int | None, scheduler: str | None) -> Iterator[Any]:
    """A Dask client for --scheduler ADDRESS or a LocalCluster of --workers processes."""
    if workers is None and scheduler is None:
        yield None
        return
    from distributed import Client, LocalCluster  # only when scaling out: slow to import

    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        yield client


@app.command()
def impact(
    centroids: Annotated[Path, typer.Option(help="CSV centroid_id,lat,lon.")],
    events: Annotated[Path, typer.Option(help="CSV event_id,frequency[,event_name].")],
    intensity: Annotated[
        Path, typer.Option(help="event_id,centroid_id,intensity[,fraction] as CSV/Parquet, or NPZ.")
    ],
    assets: Annotated[Path, typer.Option(help="CSV asset_id,lat,lon,value,impf_id[,…].")],
    functions: Annotated[Path, typer.Option(help="CSV impf_id,haz_type,intensity,mdd,paa.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory to create.")],
    haz_type: Annotated[
        str | None, typer.Option(help="Hazard type, when the functions cover several.")
    ] = None,
    max_distance_km: Annotated[
        float, typer.Option(help="Farthest centroid an asset may be assigned to.")
    ] = 100.0,
    workers: Annotated[int | None, typer.Option(help="Run on a local Dask cluster.")] = None,
    scheduler: Annotated[str | None, typer.Option(help="Run on this Dask scheduler.")] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing output directory.")] = False,
    measures: Annotated[
        Path | None, typer.Option(help="CSV of CLIMADA measures: writes measures.json.")
    ] = None,
    future_intensity_factor: Annotated[
        float | None, typer.Option(help="Cost–benefit: future intensities = present × F.")
    ] = None,
    future_value_factor: Annotated[
        float | None, typer.Option(help="Cost–benefit: future asset values = present × V.")
    ] = None,
    present_year: Annotated[int | None, typer.Option(help="Cost–benefit: first year.")] = None,
    future_year: Annotated[
        int | None, typer.Option(help="Cost–benefit: last year, that of the future.")
    ] = None,
    discount_rate: Annotated[
        float | None, typer.Option(help="Cost–benefit: yearly rate (0.02 = 2 %).")
    ] = None,
    time_exponent: Annotated[
        float | None, typer.Option(help="Cost–benefit: risk path exponent (1 = linear).")
    ] = None,
    as_json: JsonFlag = False,
    quiet: QuietFlag = False,
) -> None:
    """Impacts from plain tables: metrics.json, eai_by_asset.parquet, impact_by_event.parquet;
    with --measures, each measure's impact and avoided risk in measures.json, and with the
    future options CLIMADA's cost–benefit (docs/commands/impact.md)."""
    # Imported here: the risk stack (h5py, SciPy's spatial index) would slow every command.
    from dataclasses import asdict

    from bordercompact.measures.climada_table import (
        MeasureTableError,
        appraise_measures,
        cost_benefit_settings,
        measures_document,
        plain_portfolio,
        read_measure_table,
        write_measures_json,
    )
    from bordercompact.risk.tables import metrics_document, run_plain_impact, write_impact_tables

    started = utc_now()
    try:
        check_run_dir_target(out, overwrite=overwrite)
        settings = cost_benefit_settings(
            future_intensity_factor,
            future_value_factor,
            present_year,
            future_year,
            discount_rate,
            time_exponent,
        )
        if settings is not None and measures is None:
            raise MeasureTableError("the cost–benefit options need --measures measures.csv")
        measure_table = read_measure_table(measures, assets) if measures is not None else None
        with (
            _dask_client(workers, scheduler) as client,
            _progress(not (quiet or as_json), "impacts") as progress,
        ):
            run = run_plain_impact(
                centroids,
                events,
                intensity,
                assets,
                functions,
                haz_type=haz_type,
                max_distance_m=max_distance_km * 1000,
                client=client,
                progress=(
                    None
                    if progress is None
                    else lambda done, total: progress(done, total, "events")
                ),
            )
            appraisal = (
                None
                if measure_table is None
                else appraise_measures(
                    measure_table,
                    plain_portfolio(run),
                    run.result,
                    settings,
                    client=client,
                    progress=(
                        None
                        if progress is None
                        else lambda done, total: progress(done, total, "measures")
                    ),
                )
            )
        with atomic_run_dir(out, overwrite=overwrite) as staging:
            written = write_impact_tables(run.result, run.exposures, staging)
            inputs = [centroids, events, intensity, assets, functions]
            parameters: dict[str, Any] = {
                "haz_type": run.result.haz_type,
                "max_distance_km": max_distance_km,
                "workers": workers,
                "scheduler": scheduler,
            }
            if measures is not None and appraisal is not None:
                written.append(write_measures_json(appraisal, staging))
                inputs.append(measures)
                parameters["measures"] = [m.name for m in appraisal.measures]
                parameters["cost_benefit"] = None if settings is None else asdict(settings)
            write_provenance(
                staging,
                provenance(
                    command="impact",
                    parameters=parameters,
                    inputs=inputs,
                    input_root=Path.cwd(),
                    outputs=written,
                    output_root=staging,
                    started=started,
                ),
            )
    except (ValueError, RunDirExistsError, OSError) as exc:
        if as_json:
            console.print_json(json.dumps({"ok": False, "error": str(exc)}))
        else:
            errors.print(str(exc), style="red", markup=False, highlight=False)
        raise typer.Exit(1) from None
    document = metrics_document(run.result)
    measures_doc = None if appraisal is None else measures_document(appraisal)
    if as_json:
        if measures_doc is not None:
            document["measures"] = measures_doc
        console.print_json(
            json.dumps({"ok": True, "out": str(out.absolute()), **document}, allow_nan=False)
        )
        return
    if quiet:
        return
    table = Table(
        "party",
        "average annual impact",
        *(f"{rp} y" for rp in document["rp_losses"]["total"]),
        title=f"impacts ({run.result.haz_type})",
    )
    for party in ("total", *run.result.parties):
        aai = document["aai_agg"] if party == "total" else document["aai_by_party"][party]
        table.add_row(
            party, f"{aai:,.2f}", *(f"{v:,.0f}" for v in document["rp_losses"][party].values())
        )
    console.print(table)
    if measures_doc is not None:
        appraised = "cost_benefit" in measures_doc
        shown = Table(
            "measure",
            "cost",
            "AAI",
            "avoided AAI",
            "transferred AAI",
            *(("benefit (PV)", "cost/benefit") if appraised else ()),
            title=f"measures (AAI without: {_figure(measures_doc['no_measure']['aai_agg'])})",
        )
        for entry in measures_doc["measures"]:
            figures = [entry[k] for k in ("cost", "aai_agg", "benefit_aai", "risk_transf_aai")]
            appraisal_cells = []
            if appraised:
                ratio = entry["cost_benefit"]["cost_ben_ratio"]
                appraisal_cells = [
                    _figure(entry["cost_benefit"]["benefit"]),
                    "—" if ratio is None else f"{ratio:.2f}",
                ]
            shown.add_row(entry["name"], *(_figure(v) for v in figures), *appraisal_cells)
        console.print(shown)
    if run.assets_beyond:
        console.print(
            f"[yellow]{run.assets_beyond:,} assets have no centroid within "
            f"{max_distance_km:g} km and no impact[/]"
        )
    console.print(f"results in [bold]{out.absolute()}[/]")


ScenarioOption = Annotated[
    list[str] | None,
    typer.Option("--scenario", help="Compute only this future scenario of risk.toml (repeatable)."),
]


@app.command()
def risk(
    region_dir: RegionDir,
    out: Annotated[Path, typer.Option("--out", "-o", help="Run directory to create.")],
    scenario: ScenarioOption = None,
    workers: Annotated[int | None, typer.Option(help="Run on a local Dask cluster.")] = None,
    scheduler: Annotated[str | None, typer.Option(help="Run on this Dask scheduler.")] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing run directory.")] = False,
    as_json: JsonFlag = False,
    quiet: QuietFlag = False,
) -> None:
    """Harmonize a region and compute its risk from risk.toml: per party, present and future,
    the harmonized way and each party's own way."""
    from bordercompact.risk.outputs import metrics_tree, risk_into
    from bordercompact.risk.pipeline import RISK_INPUT_ERRORS

    with (
        _failing_cleanly(region_dir, out, "risk not computed", as_json, quiet, RISK_INPUT_ERRORS),
        _progress(not (quiet or as_json), "risk") as progress,
        _dask_client(workers, scheduler) as client,
    ):
        run, run_dir = risk_into(
            region_dir,
            out,
            scenarios=scenario,
            client=client,
            overwrite=overwrite,
            progress=progress,
        )
    if as_json:
        console.print_json(
            json.dumps({"ok": True, "run_dir": str(run_dir), **metrics_tree(run)}, default=str)
        )
        return
    if quiet:
        return
    _show_risk(run)
    _show_methodologies(run)
    for note in run.notes:
        console.print(f"[yellow]{note}[/]", markup=True)
    console.print(f"risk results in [bold]{run_dir / 'risk'}[/] (summary.csv, metrics.json)")


def _show_methodologies(run: Any) -> None:
    """One table per party's own methodology and risk line: each side's AAI both ways."""
    from bordercompact.risk.outputs import methodology_table

    table = methodology_table(run)
    if table.empty:
        return
    for (methodology, hazard, exposure, unit), rows in table.groupby(
        ["methodology", "hazard", "exposure", "unit"], sort=False
    ):
        shown = Table(
            "party",
            "scenario",
            "harmonized",
            f"{methodology}'s curves",
            "ratio",
            title=f"methodology comparison, {hazard} × {exposure} ({unit} per year)",
        )
        for row in rows.to_dict("records"):
            shown.add_row(
                row["party"],
                row["scenario"],
                _figure(row["aai_harmonized"]),
                _figure(row["aai_own"]),
                "" if row["ratio"] != row["ratio"] else f"{row['ratio']:.2f}",
            )
        console.print(shown)


def _figure(value: float) -> str:
    """A figure to read in a narrow terminal: millions and billions as "44.1 M" and
    "2.85 bn", hundreds to millions with thousands separated, small ones (deaths, ratios)
    with 3 significant digits."""
    size = abs(value)
    if size >= 1e9:
        return f"{value / 1e9:,.2f} bn"
    if size >= 1e6:
        return f"{value / 1e6:,.1f} M"
    return f"{value:,.0f}" if size >= 100 else f"{value:.3g}"


def _show_risk(run: Any) -> None:
    """One table per risk line: per party and scenario, the average annual impact and the
    impact at each return period."""
    from bordercompact.risk.outputs import summary_table

    table = summary_table(run)
    periods = [c for c in table.columns if c.startswith("rp_")]
    settings = run.region.settings
    for (hazard, exposure, result, unit), rows in table.groupby(
        ["hazard", "exposure", "result", "unit"], sort=False
    ):
        money = f"{unit} {settings.price_year}" if unit == settings.currency else unit
        shown = Table(
            "party",
            "scenario",
            "per year (AAI)",
            *(c.removeprefix("rp_") + " y" for c in periods),
            title=f"{hazard} × {exposure} ({money})"
            if result == "impact"
            else f"{hazard} × {exposure}, {unit} affected (per event; per year: "
            f"{unit} × events, e.g. person-days)",
        )
        order = {p: i for i, p in enumerate(["total", *(p.id for p in run.region.parties)])}
        for row in sorted(rows.to_dict("records"), key=lambda r: order[r["party"]]):
            shown.add_row(
                row["party"],
                row["scenario"],
                _figure(row["aai"]),
                *(_figure(row[c]) for c in periods),
            )
        console.print(shown)


@app.command()
def svi(
    zones: Annotated[Path, typer.Argument(help="CSV of zones, one row each.")],
    id_column: Annotated[str, typer.Option(help="Column with the zone ids.")],
    theme: Annotated[
        list[str], typer.Option(help="A theme: NAME=COL1,COL2,… (repeat for each theme).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="CSV to write.")],
    invert: Annotated[
        str, typer.Option(help="Columns where higher means less vulnerable: COL,COL,…")
    ] = "",
    as_json: JsonFlag = False,
    quiet: QuietFlag = False,
) -> None:
    """Social vulnerability index (CDC/ATSDR method) of any zone table: per zone each
    variable's percentile rank and flag, each theme's percentile and flags, the overall
    svi and the flag count."""
    from bordercompact.equity.svi import (
        SviError,
        parse_themes,
        read_zone_table,
        social_vulnerability,
        write_svi_csv,
    )

    try:
        themes = parse_themes(theme)
        table = read_zone_table(zones, id_column, themes)
        inverted = [c.strip() for c in invert.split(",") if c.strip()]
        result = social_vulnerability(table, themes, inverted)
        write_svi_csv(result, themes, id_column, out)
    except (SviError, OSError) as exc:
        if as_json:
            console.print_json(json.dumps({"ok": False, "error": str(exc)}))
        else:
            errors.print(str(exc), style="red", markup=False, highlight=False)
        raise typer.Exit(1) from None
    ranked = int(result["svi"].notna().sum())
    if as_json:
        console.print_json(
            json.dumps(
                {"ok": True, "out": str(out.absolute()), "zones": len(result), "ranked": ranked}
            )
        )
    elif not quiet:
        console.print(
            f"{len(result):,} zones, {ranked:,} with an index; "
            f"{int((result['flags'] > 0).sum()):,} with a flag; written to [bold]{out}[/]"
        )


@app.command()
def equity(
    region_dir: RegionDir,
    out: Annotated[Path, typer.Option("--out", "-o", help="Run directory to create.")],
    workers: Annotated[
        int | None, typer.Option(help="Run the risk on a local Dask cluster.")
    ] = None,
    scheduler: Annotated[str | None, typer.Option(help="Run the risk on this scheduler.")] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing run directory.")] = False,
    as_json: JsonFlag = False,
    quiet: QuietFlag = False,
) -> None:
    """Harmonize a region, compute its risk (with a risk.toml) and its equity from
    equity.toml: the social vulnerability index, access to facilities across the border,
    and how the risk falls on the most vulnerable."""
    from bordercompact.equity.access import AccessError
    from bordercompact.equity.outputs import equity_into, headline
    from bordercompact.equity.svi import SviError
    from bordercompact.risk.pipeline import RISK_INPUT_ERRORS

    expected = (*RISK_INPUT_ERRORS, AccessError, SviError)
    with (
        _failing_cleanly(region_dir, out, "equity not computed", as_json, quiet, expected),
        _progress(not (quiet or as_json), "equity") as progress,
        _dask_client(workers, scheduler) as client,
    ):
        run, run_dir = equity_into(
            region_dir, out, client=client, overwrite=overwrite, progress=progress
        )
    if as_json:
        console.print_json(json.dumps({"ok": True, "run_dir": str(run_dir), **headline(run)}))
        return
    if quiet:
        return
    if run.risk is not None:
        _show_risk(run.risk)
        _show_methodologies(run.risk)
    _show_equity(run)
    console.print(f"equity results in [bold]{run_dir / 'equity'}[/] (zones.parquet, metrics.json)")


def _show_equity(run: Any) -> None:
    """People by vulnerability quintile and party, access gaps per crossing scenario,
    and how each present risk line falls on the most vulnerable."""
    from bordercompact.equity.outputs import access_gaps

    people = run.zones.pivot_table(
        index="party", columns="quintile", values="population", aggfunc="sum", fill_value=0
    )
    shown = Table(
        "party",
        *(f"Q{q}" if q else "unknown" for q in people.columns),
        title=f"people by social vulnerability quintile (Q5 most vulnerable; "
        f"ranked {'region-wide' if run.config.svi.ranking == 'region' else 'within each party'})",
    )
    for party, row in people.iterrows():
        shown.add_row(str(party), *(f"{v:,.0f}" for v in row))
    console.print(shown)
    themes = [t.name for t in run.config.svi.themes]
    shown = Table("party", *themes, title="variables of each theme, per party's census")
    for party, by_theme in run.available.items():
        shown.add_row(party, *(", ".join(by_theme[t]) or "(none)" for t in themes))
    console.print(shown)
    gaps = access_gaps(run)
    if not gaps.empty:
        scenarios = [c for c in gaps.columns if c not in ("facility", "rule", "group")]
        shown = Table(
            "facility",
            "facilities open to",
            "party",
            *scenarios,
            title="people beyond the travel-time threshold, per crossing scenario",
        )
        for row in gaps.to_dict("records"):
            shown.add_row(
                row["facility"],
                "own residents" if row["rule"] == "as-set" else "everyone",
                row["group"],
                *(f"{row[s]:,.0f}" for s in scenarios),
            )
        console.print(shown)
    if not run.concentration.empty:
        shown = Table(
            "scenario",
            "risk line",
            "concentration index",
            "share to the most vulnerable 20 %",
            title="who bears the risk (index > 0: concentrated among the more vulnerable)",
        )
        for row in run.concentration.to_dict("records"):
            label = f"{row['hazard']} × {row['exposure']}"
            shown.add_row(
                row["scenario"],
                label if row["result"] == "impact" else f"{label}, {row['result']}",
                f"{row['concentration_index']:+.3f}",
                f"{row['share_most_vulnerable_20pct']:.1%}",
            )
        console.print(shown)
    for note in run.notes:
        console.print(f"[yellow]{note}[/]")


@app.command()
def appraise(
    region_dir: RegionDir,
    out: Annotated[Path, typer.Option("--out", "-o", help="Run directory to create.")],
    workers: Annotated[int | None, typer.Option(help="Risk on a local Dask cluster.")] = None,
    scheduler: Annotated[str | None, typer.Option(help="Risk on this scheduler.")] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing run directory.")] = False,
    as_json: JsonFlag = False,
    quiet: QuietFlag = False,
) -> None:
    """Harmonize a region, compute its risk and equity, and appraise the measures of
    measures.toml: per measure and party, the benefit, cost, NPV and BCR."""
    from bordercompact.equity.access import AccessError
    from bordercompact.equity.svi import SviError
    from bordercompact.measures.outputs import appraise_into
    from bordercompact.measures.value import AppraisalError
    from bordercompact.risk.pipeline import RISK_INPUT_ERRORS

    expected = (*RISK_INPUT_ERRORS, AccessError, SviError, AppraisalError)
    with (
        _failing_cleanly(region_dir, out, "measures not appraised", as_json, quiet, expected),
        _progress(not (quiet or as_json), "appraisal") as progress,
        _dask_client(workers, scheduler) as client,
    ):
        run, run_dir = appraise_into(
            region_dir, out, client=client, overwrite=overwrite, progress=progress
        )
    if as_json:
        records = run.table.replace([float("inf"), float("-inf")], None)
        console.print_json(
            json.dumps(
                {"ok": True, "run_dir": str(run_dir), "table": records.to_dict("records")},
                default=str,
            )
        )
        return
    if quiet:
        return
    _show_risk(run.risk)
    if run.equity is not None:
        _show_equity(run.equity)
    _show_appraisal(run)
    written = sorted(p.name for p in (run_dir / "appraisal").iterdir())
    console.print(f"appraisal in [bold]{run_dir / 'appraisal'}[/] ({', '.join(written)})")


Workers = Annotated[
    int | None, typer.Option(help="Risk and coalitions on a local Dask cluster of N workers.")
]
Scheduler = Annotated[str | None, typer.Option(help="Risk and coalitions on this Dask scheduler.")]
Overwrite = Annotated[bool, typer.Option(help="Replace an existing run directory.")]
Rule = Annotated[
    str | None,
    typer.Option(
        help="How the deal's costs are shared: shapley, nucleolus, scrb, proportional, "
        "equal_surplus or nash (default: negotiation.toml's)."
    ),
]


@app.command()
def negotiate(
    region_dir: RegionDir,
    out: Annotated[Path, typer.Option("--out", "-o", help="Run directory to create.")],
    rule: Rule = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    overwrite: Overwrite = False,
    as_json: JsonFlag = False,
    quiet: QuietFlag = False,
) -> None:
    """Appraise a region's measures and negotiate the deal of negotiation.toml: the
    portfolio, each party's cost share under the rule, every check, the alternatives, and
    the demands that block a deal when there is none."""
    from bordercompact.equity.access import AccessError
    from bordercompact.equity.svi import SviError
    from bordercompact.measures.value import AppraisalError
    from bordercompact.negotiate.allocation import METHODS
    from bordercompact.negotiate.game import GameError
    from bordercompact.negotiate.outputs import deal_document, negotiate_into
    from bordercompact.risk.pipeline import RISK_INPUT_ERRORS

    if rule is not None and rule not in METHODS:
        errors.print(f"--rule: found {rule!r}; expected one of {', '.join(METHODS)}", markup=False)
        raise typer.Exit(1)
    expected = (*RISK_INPUT_ERRORS, AccessError, SviError, AppraisalError, GameError)
    with (
        _failing_cleanly(region_dir, out, "no negotiation run", as_json, quiet, expected),
        _progress(not (quiet or as_json), "negotiation") as progress,
        _dask_client(workers, scheduler) as client,
    ):
        run, run_dir = negotiate_into(
            region_dir,
            out,
            rule=rule,
            workers=workers,
            client=client,
            overwrite=overwrite,
            progress=progress,
        )
    if as_json:
        document = {"ok": True, "run_dir": str(run_dir), **deal_document(run)}
        console.print_json(json.dumps(document, default=str, allow_nan=False))
        return
    if quiet:
        return
    _show_deal(run)
    console.print(f"negotiation in [bold]{run_dir / 'negotiation'}[/] (deal.md, deal.json)")


def _show_deal(run: Any) -> None:
    """The deal: its measures, per party benefit, cost share, net gain against going alone
    and transfer; every rule's split; the checks; or the demands that block it."""
    from bordercompact.negotiate.deal import transfers
    from bordercompact.negotiate.outputs import RULE_WORDS

    deal = run.deal
    if deal.portfolio is None or deal.sharing is None:
        console.print("[red]no deal[/]: these demands cannot all be met together")
        for conflict in deal.conflict:
            console.print(f"  {conflict.party or '—'}: {conflict.text} ({conflict.tag})")
        return
    portfolio, shared = deal.portfolio, deal.sharing
    moved = transfers(portfolio, shared.pays)
    console.print(
        f"deal: {', '.join(sorted(portfolio.measures))}\n"
        f"joint net benefit {_figure(portfolio.net_benefit)}, cost {_figure(portfolio.cost)}; "
        f"{shared.rule}: {RULE_WORDS[shared.rule]}"
    )
    shown = Table(
        "party",
        "benefit",
        "cost share",
        "net gain",
        "alone",
        "transfer",
        "gains in samples",
        title="the deal per party (present values)",
    )
    for party in run.config.players:
        robust = deal.robustness.get(party)
        shown.add_row(
            party,
            _figure(portfolio.benefit(party)),
            _figure(shared.cost_share[party]),
            _figure(shared.payoff[party]),
            _figure(run.values[frozenset([party])]),
            _figure(moved[party]),
            "" if robust is None else f"{robust:.0%}",
        )
    console.print(shown)
    rules = Table("rule", *run.config.players, title="net gain per party under each rule")
    for method, allocation in shared.allocations.items():
        cells = (
            [_figure(allocation.shares[p]) for p in run.config.players]
            if allocation.shares is not None
            else ["—"] * len(run.config.players)
        )
        rules.add_row(method, *cells)
    console.print(rules)
    failed = [c for c in deal.checks if not c.passed]
    console.print(
        f"checks: {len(deal.checks) - len(failed)} of {len(deal.checks)} met"
        + ("" if not failed else "; not met: " + "; ".join(c.detail for c in failed))
    )
    if deal.prices:
        console.print(
            "binding demands: "
            + ", ".join(f"{tag} costs {_figure(price)}" for tag, price in deal.prices.items())
        )
    console.print(
        f"{len(deal.alternatives)} alternatives (negotiation/alternatives.csv); least regret "
        f"across climates: {run.regret_choice}"
    )


@app.command()
def finance(
    region_dir: RegionDir,
    out: Annotated[Path, typer.Option("--out", "-o", help="Run directory to create.")],
    rule: Rule = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    overwrite: Overwrite = False,
    as_json: JsonFlag = False,
    quiet: QuietFlag = False,
) -> None:
    """Negotiate the region's deal and plan how it is paid (finance.toml): each party's
    payments per source and fiscal year in its own currency, budgets exceeded, and a
    pooled disaster reserve against each party keeping its own."""
    from bordercompact.finance.outputs import finance_document, finance_into
    from bordercompact.negotiate.outputs import deal_document
    from bordercompact.run import INPUT_ERRORS

    with (
        _failing_cleanly(region_dir, out, "no finance run", as_json, quiet, INPUT_ERRORS),
        _progress(not (quiet or as_json), "finance") as progress,
        _dask_client(workers, scheduler) as client,
    ):
        run, negotiation, run_dir = finance_into(
            region_dir,
            out,
            rule=rule,
            workers=workers,
            client=client,
            overwrite=overwrite,
            progress=progress,
        )
    if as_json:
        document = {
            "ok": True,
            "run_dir": str(run_dir),
            "deal": deal_document(negotiation),
            **finance_document(run),
        }
        console.print_json(json.dumps(document, default=str, allow_nan=False))
        return
    if quiet:
        return
    _show_deal(negotiation)
    _show_finance(run)
    console.print(f"finance in [bold]{run_dir / 'finance'}[/] (schedule.csv, finance.json)")


def _show_finance(run: Any) -> None:
    """Per party: what it pays from its own budgets and what others pay for it, over its
    fiscal years, in its currency, and the budgets it exceeds; then the reserve pooled
    against each party's own."""
    if run.plan is not None and not run.schedule.empty:
        from bordercompact.finance.plan import outlay_table

        outlay = outlay_table(run.schedule, list(run.config.sources))
        shown = Table(
            "party",
            "fiscal years",
            "own money",
            "paid by others",
            "busiest year (own)",
            "budgets exceeded",
            title="payment schedule per party (its currency, region prices)",
        )
        for (party, currency), rows in outlay.groupby(["party", "currency"]):
            busiest = rows.loc[rows["own"].idxmax()] if "own" in rows else None
            flagged = run.over_budget[run.over_budget["party"] == party]
            shown.add_row(
                party,
                f"{rows['fiscal_year'].min()}–{rows['fiscal_year'].max()}",
                f"{_figure(rows.get('own', 0).sum())} {currency}",
                f"{_figure(rows.get('others', 0).sum())} {currency}",
                "" if busiest is None else f"FY{busiest['fiscal_year']}: {_figure(busiest['own'])}",
                "none" if flagged.empty else ", ".join(flagged["budget_period"].astype(str)),
            )
        console.print(shown)
        conditional = run.plan.conditional()
        if conditional:
            console.print(
                "conditional grants (paid if their indicators are met): "
                + ", ".join(f"{p} {_figure(v)}" for p, v in conditional.items())
            )
    reserve = run.reserve
    if reserve is not None:
        shown = Table(
            "party",
            "expected loss a year",
            "own reserve",
            "share of pooled: Euler",
            "share: expected loss + load",
            title=_reserve_terms(reserve.settings)
            + f" ({reserve.settings.years:,} simulated years; capital: TVaR at "
            f"1 − 1/{reserve.settings.return_period:g})",
        )
        for party in reserve.parties:
            shown.add_row(
                party,
                _figure(reserve.expected_annual_loss[party]),
                _figure(reserve.reserve.stand_alone[party]),
                _figure(reserve.contributions["euler"][party]),
                _figure(reserve.contributions["expected_loss_plus_load"][party]),
            )
        console.print(shown)
        total = reserve.reserve.stand_alone_total
        saved = reserve.reserve.benefit if abs(reserve.reserve.benefit) > 1e-9 * total else 0.0
        console.print(
            f"own reserves {_figure(reserve.reserve.stand_alone_total)}, pooled "
            f"{_figure(reserve.reserve.pooled)}: diversification "
            f"{_figure(saved)} ({saved / total if total else 0.0:.0%}); "
            f"the pooled fund runs dry within {reserve.settings.horizon_years} years with "
            f"probability {reserve.depletion_probability:.1%}"
        )


def _reserve_terms(settings: Any) -> str:
    """What the reserve pays, in words."""
    layer = settings.layer
    if layer is None:
        return (
            f"reserve paying {settings.cover:.0%} of each party's yearly loss up to its "
            f"1-in-{settings.return_period:g}-year loss"
        )
    return (
        f"reserve paying {layer.ceding:.0%} of each party's yearly loss between "
        f"{_figure(float(layer.attachment))} and {_figure(float(layer.exhaustion))}"
    )


def _discounting(settings: Any) -> str:
    """The appraisal's discount rate, or its schedule: "3.5% (years 0–30), 3.0% (years 31–)"."""
    from bordercompact.measures.model import yearly_discount_rates

    if not settings.discount_schedule:
        return f"{yearly_discount_rates(settings)[0]:.1%}"
    steps = settings.discount_schedule
    ends = [f"–{b.from_year - 1}" for b in steps[1:]] + ["–"]
    return ", ".join(
        f"{s.rate:.1%} (years {s.from_year}{end})" for s, end in zip(steps, ends, strict=True)
    )


def _show_appraisal(run: Any) -> None:
    """Per measure, in total and for each party with a stake: cost, benefit and NPV
    (present values), the BCR, with an uncertainty run the NPV's 5–95 % range and the
    probability of a loss, and beside them the people spared a year, the co-benefits and
    the displacement."""
    settings = run.config.appraisal
    currency = run.risk.region.settings.currency
    spread = {}
    if run.uncertainty is not None:
        spread = {
            (row.measure, row.party): row for row in run.uncertainty.distribution.itertuples()
        }
    shown = Table(
        "measure",
        "party",
        "cost",
        "benefit",
        "NPV",
        "BCR",
        *(("NPV 5–95 %", "P(loss)") if spread else ()),
        "also",
        title=f"appraisal: present values {settings.first_year}–{settings.last_year} in "
        f"{currency} at {_discounting(settings)} (the host pays before a deal)",
    )
    for measure in run.config.measures:
        rows = run.table[run.table["measure"] == measure.id].set_index("party")
        staked = [p for p in rows.index if p == "total" or rows.loc[p, ["cost", "benefit"]].any()]
        also = _measure_notes(run, measure, currency)
        for index, party in enumerate(staked):
            row = rows.loc[party]
            ranged = spread.get((measure.id, party))
            uncertain = (
                [
                    f"{_figure(ranged.npv_p05)} to {_figure(ranged.npv_p95)}",
                    f"{ranged.probability_of_loss:.0%}",
                ]
                if ranged is not None
                else []
            )
            shown.add_row(
                measure.id if index == 0 else "",
                party,
                _figure(row["cost"]),
                _figure(row["benefit"]),
                _figure(row["npv"]),
                "∞" if row["bcr"] == float("inf") else f"{row['bcr']:.2f}",
                *uncertain,
                also if index == 0 else "",
                end_section=index == len(staked) - 1,
            )
    console.print(shown)
    if spread:
        drawn = dict.fromkeys(c.split(":")[0] for c in run.uncertainty.samples.columns)
        console.print(
            f"uncertainty: {len(run.uncertainty.samples)} Latin-hypercube samples of "
            f"{', '.join(drawn)} (appraisal/uncertainty.csv; what drives each NPV: "
            "sensitivity.csv)"
        )


def _measure_notes(run: Any, measure: Any, currency: str) -> str:
    """What a measure does beside the money: people spared a year (present), co-benefits
    in their units, assets bought out and households displaced."""
    notes = [
        f"{_figure(sum(o.avoided_by_party.values()))} {o.unit} a year"
        for o in run.outcomes
        if o.measure == measure.id and o.scenario == "present" and o.unit != currency
    ]
    notes += [f"{_figure(amount)} {name}" for name, amount in measure.co_benefits.items()]
    valued = run.table.query("measure == @measure.id and party == 'total'")["co_benefit_value"]
    if valued.sum() > 0:
        notes.append(f"co-benefits worth {_figure(float(valued.sum()))} (not in the NPV)")
    for effect in measure.effects:
        found = [
            o
            for o in run.outcomes
            if effect.type == "exposure"
            and (o.measure, o.scenario, o.exposure) == (measure.id, "present", effect.exposure)
        ]
        if found:
            households = found[0].households_displaced
            notes.append(
                f"{found[0].assets_removed:,} {effect.exposure} bought out"
                + (f", {households:,.0f} households displaced" if households else "")
            )
    return "; ".join(notes)


@app.command()
def allocate(
    game: Annotated[
        Path, typer.Argument(help="GAME.json: players, kind (cost or value), coalitions.")
    ],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="RESULT.json to write.")] = None,
    as_json: JsonFlag = False,
    quiet: QuietFlag = False,
) -> None:
    """Share any cooperative game's cost or value six ways (Shapley, nucleolus, SCRB,
    proportional, equal surplus, Nash) and check each against the core; a partial game
    gets what its coalitions allow (docs/game-format.md)."""
    from rich.text import Text

    from bordercompact.negotiate.allocation import (
        METHODS,
        allocate_all,
        core_check,
        result_document,
    )
    from bordercompact.negotiate.game import GameError, read_game

    try:
        played = read_game(game)
        allocations = allocate_all(played)
        document = result_document(played, allocations, core_check(played, allocations))
        text = json.dumps(document, indent=2, allow_nan=False) + "\n"
        if out is not None:
            staging = out.with_name(f".{out.name}.{os.getpid()}.tmp")
            try:
                staging.write_text(text, encoding="utf-8")
                os.replace(staging, out)
            except OSError as exc:
                raise GameError(f"{out}: cannot write the result ({exc.strerror or exc})") from exc
            finally:
                staging.unlink(missing_ok=True)
    except GameError as exc:
        if as_json:
            console.print_json(json.dumps({"ok": False, "error": str(exc)}))
        else:
            errors.print(str(exc), style="red", markup=False, highlight=False)
        raise typer.Exit(1) from None
    if as_json:
        written = None if out is None else str(out.absolute())
        console.print_json(json.dumps({"ok": True, "out": written, **document}, allow_nan=False))
        return
    if quiet:
        return
    shown = Table(
        "player",
        *METHODS,
        title=f"{'cost shares' if played.kind == 'cost' else 'payoffs'} by method ({game.name})",
    )
    for player in [*played.players, None]:
        cells = []
        for method in METHODS:
            shares = document.get(method)
            if shares is None:
                cells.append("—")
            else:
                amount = sum(shares.values()) if player is None else shares[player]
                cells.append(f"{amount:,.2f}")
        shown.add_row(Text(player or "total"), *cells, end_section=player == played.players[-1])
    console.print(shown)
    for method, keys in document["missing"].items():
        more = f" and {len(keys) - 8:,} more" if len(keys) > 8 else ""
        console.print(f"{method}: needs {', '.join(keys[:8])}{more}", style="yellow", markup=False)
    for method, note in document["notes"].items():
        console.print(f"{method}: {note}", style="yellow", markup=False)
    core = document["core"]
    members = ", ".join(core["members"]) or "none"
    if core["nonempty"] is None:
        console.print(
            f"core: not known (partial game); no given coalition blocks: {members}",
            markup=False,
        )
    else:
        state = "non-empty" if core["nonempty"] else "empty"
        console.print(
            f"core: {state} (least-core ε = {core['least_core_epsilon']:,.2f}); "
            f"in the core: {members}",
            markup=False,
        )
    if out is not None:
        console.print(f"result written to [bold]{out}[/]")


class _BuildByDefault(typer.core.TyperGroup):
    """``bordercompact compact RUN_DIR …`` runs ``compact build``; ``compact diff`` is
    the other sub-command."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["build", *args]
        return super().parse_args(ctx, args)


compact_app = typer.Typer(
    cls=_BuildByDefault,
    no_args_is_help=True,
    help="Draw the compact from a finance run, check it, render it in every language; "
    "or compare two versions (compact diff OLD NEW).",
)
app.add_typer(compact_app, name="compact")


@compact_app.command("build")
def compact_build(
    run_dir: Annotated[Path, typer.Argument(help="A run of `bordercompact finance`.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Run dir to write compact/ into.")],
    amends: Annotated[
        Path | None,
        typer.Option(help="The compact this one amends (default: the one already in --out)."),
    ] = None,
    pdf: Annotated[bool, typer.Option(help="Also print each language to PDF.")] = True,
    as_json: JsonFlag = False,
    quiet: QuietFlag = False,
) -> None:
    """Draw the compact from a run (deal, funding plan, indicators) and compact.toml,
    check it, and write it in every language (Markdown, HTML, PDF); exit 1 if a check
    fails (the compact is still written, with the failures in checks.json)."""
    if not _compact(run_dir, out, amends, pdf, as_json, quiet):
        raise typer.Exit(1)


def _compact(
    run_dir: Path, out: Path, amends: Path | None, pdf: bool, as_json: bool, quiet: bool
) -> bool:
    from bordercompact.compact.draft import CompactError
    from bordercompact.compact.outputs import compact_into

    with _failing_cleanly(run_dir, out, "no compact", as_json, quiet, (CompactError,)):
        run = compact_into(run_dir, out, amends=amends, pdf=pdf)
    if as_json:
        document = {
            "ok": run.passed,
            "folder": str(run.folder),
            "version": run.compact.version,
            "amends": run.compact.amends,
            "languages": run.compact.languages,
            "checks": [
                {"check": c.check, "where": c.where, "passed": c.passed, "detail": c.detail}
                for c in run.checks
            ],
        }
        console.print_json(json.dumps(document))
        return run.passed
    failed = [c for c in run.checks if not c.passed]
    if not quiet:
        _show_compact(run, pdf)
    for check in failed:
        errors.print(str(check), style="red", markup=False, highlight=False)
    return not failed


def _show_compact(run: Any, pdf: bool) -> None:
    """The table of contents, the commitments per party, the checks, and the files."""
    from bordercompact.compact.render import articles, yearly_commitments

    compact = run.compact
    language = compact.languages[0]
    contents = Table("", "article", title=f"the compact, version {compact.version}")
    for article in articles(compact, language, compact.locales.get(language)):
        contents.add_row(str(article.number), article.title)
    console.print(contents)
    commitments = Table(
        "party",
        "fiscal years",
        "works",
        "upkeep",
        "loan repayments",
        "own money",
        title="commitments (its currency)",
    )
    for share in compact.cost_shares:
        years = list(yearly_commitments(compact, share.party))
        if not years:
            continue
        currency = years[0].currency
        commitments.add_row(
            share.party,
            f"{years[0].fiscal_year}–{years[-1].fiscal_year}",
            f"{_figure(sum(y.capital for y in years))} {currency}",
            f"{_figure(sum(y.operating for y in years))} {currency}",
            f"{_figure(sum(y.loan_service for y in years))} {currency}",
            f"{_figure(sum(y.own for y in years))} {currency}",
        )
    console.print(commitments)
    passed = sum(c.passed for c in run.checks)
    console.print(f"checks: {passed} of {len(run.checks)} passed")
    if run.previous is not None:
        console.print(
            f"amends version {run.previous.version}: "
            f"{run.folder}/amendment-v{compact.version}.<lang>.md"
        )
    console.print(
        f"compact in [bold]{run.folder}[/] ("
        + ", ".join(f"compact.{lang}.html" for lang in compact.languages)
        + (", .md, .pdf, checks.json)" if pdf else ", .md, checks.json)")
    )


@compact_app.command("diff")
def compact_diff(
    old: Annotated[Path, typer.Argument(help="The earlier compact (folder or compact.json).")],
    new: Annotated[Path, typer.Argument(help="The later one.")],
    lang: Annotated[str | None, typer.Option(help="Language (default: the first).")] = None,
) -> None:
    """Article by article, what changed from OLD to NEW, with the changed words and
    numbers highlighted (Markdown on standard output)."""
    from bordercompact.compact.amend import amendment_markdown
    from bordercompact.compact.draft import CompactError
    from bordercompact.compact.outputs import load_compact

    try:
        before, after = load_compact(old), load_compact(new)
    except CompactError as exc:
        errors.print(str(exc), style="red", markup=False, highlight=False)
        raise typer.Exit(1) from None
    language = lang or after.languages[0]
    if language not in after.languages:
        errors.print(f"language {language!r}; expected one of {after.languages}", style="red")
        raise typer.Exit(1)
    console.print(amendment_markdown(before, after, language), markup=False, highlight=False)


@app.command("run")
def run_command(
    region_dir: RegionDir,
    out: Annotated[Path, typer.Option("--out", "-o", help="Run directory to create.")],
    first: Annotated[
        str,
        typer.Option(
            "--from",
            help="Start at this stage, from the saved results of the run in --out "
            f"({', '.join(STAGES)}).",
        ),
    ] = STAGES[0],
    last: Annotated[
        str, typer.Option("--to", help=f"Stop after this stage ({', '.join(STAGES)}).")
    ] = STAGES[-1],
    lang: Annotated[
        list[str] | None,
        typer.Option("--lang", help="The report's language (repeat for several; default en)."),
    ] = None,
    rule: Rule = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    overwrite: Overwrite = False,
    checkpoints: Annotated[
        bool,
        typer.Option(help="Save the stages' results in RUN_DIR/checkpoints for --from."),
    ] = True,
    pdf: Annotated[bool, typer.Option(help="Also print the compact to PDF.")] = True,
    as_json: JsonFlag = False,
    quiet: QuietFlag = False,
) -> None:
    """Run the main job: validate, harmonize, risk, equity, appraise, negotiate, finance,
    compact and report, into one run directory (complete, or not at all). A stage whose
    set-up file is missing is skipped. --from/--to re-run part of it from the results
    saved in --out."""
    _run(
        region_dir,
        out,
        first=first,
        last=last,
        languages=lang or ["en"],
        rule=rule,
        workers=workers,
        scheduler=scheduler,
        overwrite=overwrite,
        checkpoints=checkpoints,
        pdf=pdf,
        as_json=as_json,
        quiet=quiet,
    )


class _StageBars:
    """A progress bar for each stage as it starts (its steps and, when it counts them, an
    ETA), done when it ends; a line for a stage skipped, with the reason."""

    def __init__(self, bars: Progress) -> None:
        self._bars = bars
        self._tasks: dict[str, Any] = {}

    def started(self, stage: str) -> ProgressCallback:
        task = self._tasks[stage] = self._bars.add_task(stage, total=None, step="")

        def advance(done: int, total: int, label: str) -> None:
            self._bars.update(task, completed=done, total=total or None, step=label)

        return advance

    def finished(self, record: Any) -> None:
        if record.stage not in self._tasks:  # skipped
            self._bars.console.print(
                f"[bold]{record.stage:<10}[/] [yellow]skipped[/]: {record.summary}",
                highlight=False,
            )
            return
        task = self._tasks[record.stage]
        self._bars.update(task, total=1, completed=1, step="[dim]done[/]")
        self._bars.stop_task(task)


def _run(
    region_dir: Path,
    out: Path,
    *,
    first: str = STAGES[0],
    last: str = STAGES[-1],
    languages: list[str],
    rule: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    overwrite: bool = False,
    checkpoints: bool = True,
    pdf: bool = True,
    as_json: bool = False,
    quiet: bool = False,
) -> None:
    from bordercompact.negotiate.allocation import METHODS
    from bordercompact.report.build import REPORT_LANGUAGES
    from bordercompact.run import INPUT_ERRORS, JobError, run_job, stage_range

    wrong = [f"--rule: found {rule!r}; expected one of {', '.join(METHODS)}"] * (
        rule is not None and rule not in METHODS
    ) + [
        f"--lang: found {lang!r}; expected one of {', '.join(REPORT_LANGUAGES)}"
        for lang in languages
        if lang not in REPORT_LANGUAGES
    ]
    try:
        stage_range(first, last)
    except JobError as exc:
        wrong.append(str(exc))
    if wrong:
        for line in wrong:
            errors.print(line, markup=False, highlight=False)
        raise typer.Exit(1)
    shown = not (quiet or as_json)
    try:
        with (
            _failing_cleanly(region_dir, out, "not run", as_json, quiet, INPUT_ERRORS),
            _dask_client(workers, scheduler) as client,
            Progress(
                TextColumn("[bold]{task.description:<10}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                TextColumn("{task.fields[step]}"),
                console=errors,
                disable=not shown,
            ) as bars,
        ):
            result = run_job(
                region_dir,
                out,
                first=first,
                last=last,
                languages=languages,
                rule=rule,
                workers=workers,
                client=client,
                overwrite=overwrite,
                checkpoints=checkpoints,
                pdf=pdf,
                progress=_StageBars(bars) if shown else None,
            )
    except KeyboardInterrupt:
        errors.print(f"[red]interrupted[/]: nothing was written; {out} is as it was")
        raise typer.Exit(130) from None
    if as_json:
        document = {
            "ok": result.compact_passed is not False,
            "run_dir": str(result.run_dir),
            "stages": [vars(r) for r in result.stages],
            "report": [str(p) for p in result.report],
            "compact_passed": result.compact_passed,
        }
        console.print_json(json.dumps(document))
    elif not quiet:
        _show_job(result)
    if result.report and not as_json:
        console.print(f"report: {result.report[0]}", highlight=False)
    if result.compact_passed is False:
        errors.print("[red]the compact failed a check[/] (compact/checks.json)")
        raise typer.Exit(1)


def _show_job(result: Any) -> None:
    """Each stage: what it did, its time and its result in one line."""
    table = Table("stage", "", "seconds", "result", title=f"bordercompact run: {result.run_dir}")
    for record in result.stages:
        mark = {"ran": "[green]ran[/]", "saved": "[dim]saved[/]", "skipped": "[yellow]skipped[/]"}
        seconds = f"{record.seconds:.1f}" if record.status == "ran" else ""
        table.add_row(record.stage, mark[record.status], seconds, record.summary)
    console.print(table)
    total = sum(r.seconds for r in result.stages)
    console.print(f"{total:.0f} s in all; results in [bold]{result.run_dir}[/]")
