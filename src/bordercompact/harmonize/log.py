"""The harmonization log: per dataset, every change made to the party's data, with the factor
used, so that the party's analyst can check it against their own files."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class DatasetLog:
    dataset: str
    kind: str
    file: str
    layer: str | None
    party: str
    rows_in: int = 0
    rows_out: int = 0
    reprojection: dict[str, Any] | None = None
    units: list[dict[str, Any]] = field(default_factory=list)
    money: list[dict[str, Any]] = field(default_factory=list)
    vocabulary: list[dict[str, Any]] = field(default_factory=list)
    languages: dict[str, str] = field(default_factory=dict)
    repairs: list[dict[str, str]] = field(default_factory=list)
    parties: dict[str, int] = field(default_factory=dict)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def render_markdown(
    region_name: str,
    settings: dict[str, Any],
    entries: list[DatasetLog],
    border: list[dict[str, Any]],
) -> str:
    """The log as a Markdown page a party's analyst can read in any viewer."""
    lines = [
        f"# Harmonization log — {region_name}",
        "",
        f"Analysis CRS {settings['crs']}; money in {settings['currency']} at "
        f"{settings['price_year']} prices; quantities in SI units.",
        "",
    ]
    if border:
        lines += ["## Border", "", "| parties | finding | area (m²) |", "| --- | --- | ---: |"]
        lines += [
            f"| {' / '.join(b['parties'])} | {b['kind']} | {b['area_m2']:,.1f} |" for b in border
        ]
        lines.append("")
    for entry in entries:
        lines += [
            f"## {entry.dataset} ({entry.kind}, party {entry.party})",
            "",
            f"- file: `{entry.file}`" + (f", layer `{entry.layer}`" if entry.layer else ""),
            f"- rows in: {entry.rows_in:,}; rows out: {entry.rows_out:,}",
        ]
        if entry.reprojection:
            r = entry.reprojection
            accuracy = (
                f" (stated accuracy {r['accuracy_m']} m)" if r.get("accuracy_m") is not None else ""
            )
            lines.append(f"- CRS: {r['from']} → {r['to']} via {r['operation']}{accuracy}")
            if r.get("missing_grids"):
                lines.append(
                    "  - a more accurate datum shift needs the grid(s) "
                    + ", ".join(r["missing_grids"])
                    + ", not installed"
                )
        if entry.parties:
            lines.append(
                "- rows per party: " + ", ".join(f"{p} {n:,}" for p, n in entry.parties.items())
            )
        for u in entry.units:
            lines.append(
                f"- unit: {u['field']} (column `{u['column']}`) "
                f"{u['from']} → {u['to']}: {u['formula']}"
            )
        for m in entry.money:
            lines.append(
                f"- money: {m['field']} (column `{m['column']}`) {m['currency']} {m['price_year']} "
                f"({m['country']}) → {m['to_currency']} {m['to_price_year']}: "
                f"deflator {m['deflator']:.6f} × rate {m['rate']:.6f} = {m['factor']:.6f}"
                f" [index: {m['index_source']}; rate: {m['rate_source']}]"
            )
        for v in entry.vocabulary:
            mapped = "; ".join(
                f"{label!r} → {term} ({n:,})" for label, (term, n) in v["mapping"].items()
            )
            lines.append(
                f"- vocabulary `{v['vocabulary']}` for {v['field']} "
                f"(column `{v['column']}`): {mapped}"
            )
        for text_field, language in entry.languages.items():
            lines.append(f"- language of {text_field}: {language}")
        if entry.repairs:
            lines.append(f"- geometries repaired: {len(entry.repairs)}")
            lines += [f"  - feature {r['feature']}: {r['reason']}" for r in entry.repairs[:50]]
            if len(entry.repairs) > 50:
                lines.append(f"  - … {len(entry.repairs) - 50} more in harmonization_log.json")
        for d in entry.dropped:
            lines.append(f"- dropped {d['rows']:,} rows: {d['reason']}")
        lines += [f"- note: {n}" for n in entry.notes]
        lines.append("")
    return "\n".join(lines)
