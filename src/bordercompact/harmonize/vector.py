"""One vector dataset through harmonization: read, ids, geometry, CRS, party, fields,
location checks; the result is a GeoDataFrame in the analysis CRS with a party per row."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyproj
import shapely

from bordercompact.harmonize.cells import blank_cells, cell_text
from bordercompact.harmonize.context import DatasetPass, RegionContext
from bordercompact.harmonize.crs import describe_reprojection, outside_area_of_use
from bordercompact.harmonize.fields import (
    check_parts_within_wholes,
    convert_field,
    field_spec,
    parties_present,
)
from bordercompact.harmonize.geometry import anchor_points, check_geometries
from bordercompact.harmonize.log import DatasetLog
from bordercompact.harmonize.readers import read_vector
from bordercompact.harmonize.territory import outside_territory, party_by_location
from bordercompact.region.kinds import DatasetKind
from bordercompact.region.manifest import BY_LOCATION, SHARED, Dataset


def harmonize_vector(
    dataset: Dataset, kind: DatasetKind, context: RegionContext, entry: DatasetLog
) -> tuple[gpd.GeoDataFrame, dict[str, dict[str, object]]] | None:
    """The dataset's features in the analysis CRS with canonical fields, and the metadata of
    those fields (unit, currency, vocabulary …); None when the file cannot be read."""
    path = context.region.path(dataset.path)
    read = read_vector(dataset, path, context.problems)
    if read is None:
        return None
    source, source_crs = read
    run = DatasetPass(context, dataset, str(path), entry)
    entry.rows_in = len(source)

    present = _check_columns(source, run)
    run.ids = _feature_ids(source, run)
    geometry, anchors = _checked_geometry(source, kind, source_crs, run)
    geometry = geometry.to_crs(context.crs)
    if len(anchors):
        middle = anchors[len(anchors) // 2]
        sample = (float(shapely.get_x(middle)), float(shapely.get_y(middle)))
        reprojection = describe_reprojection(source_crs, context.crs, sample)
        reprojection.report_missing_grids(
            context.problems,
            run.file,
            dataset.id,
            dataset.layer,
            context.region.settings.border_tolerance_m,
        )
        entry.reprojection = reprojection.to_dict()
    run.parties, lost = _parties(source, geometry, run)

    inputs = [
        (name, column, source[column], False)
        for name, column in dataset.fields.items()
        if present[column]
    ] + [
        (name, f"constant {value!r}", pd.Series([value] * len(source), index=source.index), True)
        for name, value in dataset.constants.items()
    ]
    out = pd.DataFrame(index=source.index)
    for name, column, values, constant in inputs:
        converted = convert_field(field_spec(kind, name, dataset), column, values, constant, run)
        for out_name, out_values in (converted or {}).items():
            out[out_name] = out_values
    for key, what, names in (
        ("units", "unit", dataset.units),
        ("vocabulary", "vocabulary", dataset.vocabulary),
        ("languages", "language", dataset.languages),
    ):
        for name in names:
            if name not in dataset.fields and name not in dataset.constants:
                run.manifest_error(
                    f"{what}-for-unmapped-field",
                    f"{key} for {name!r}, which is not among the dataset's fields",
                    f"{key} only for fields mapped in [datasets.fields] or constants",
                    f"{key}.{name}",
                )
    check_parts_within_wholes(kind, out, run)
    # Features placed by location are inside by construction.
    if kind.inside_party and context.territories and dataset.party != BY_LOCATION:
        _check_inside(np.asarray(geometry.values), run)

    keys = pd.DataFrame(
        {
            "feature_id": pd.array(
                pc.binary_join_element_wise(f"{dataset.id}:", pa.array(run.ids, pa.string()), ""),
                dtype="string",
            ),
            "dataset": pd.Categorical([dataset.id] * len(source)),
            "party": pd.Categorical(run.parties),
            "source_id": pd.array(run.ids, dtype="string"),
        },
        index=source.index,
    )
    frame = gpd.GeoDataFrame(
        pd.concat([keys, out], axis=1), geometry=geometry.values, crs=context.crs
    )
    if lost.any():
        frame = frame[~lost]
    entry.rows_out = len(frame)
    entry.parties = {
        str(p): int(n) for p, n in frame["party"].value_counts(sort=False).items() if n
    }
    return frame.reset_index(drop=True), run.field_meta


def _check_columns(source: pd.DataFrame, run: DatasetPass) -> dict[str, bool]:
    """Whether each column the manifest names is in the file (missing ones reported)."""
    dataset = run.dataset
    named = [(f"fields.{name}", column) for name, column in dataset.fields.items()]
    if dataset.id_field:
        named.append(("id_field", dataset.id_field))
    if dataset.party_field:
        named.append(("party_field", dataset.party_field))
    present = {}
    for key, column in named:
        present[column] = column in source.columns
        if not present[column]:
            run.error(
                "missing-column",
                f"no column {column!r} (named by {key})",
                f"one of the file's columns: {', '.join(map(str, source.columns[:30]))}",
                column=column,
            )
    return present


def _feature_ids(source: pd.DataFrame, run: DatasetPass) -> np.ndarray:
    """The id of each feature as text; row numbers where the file has no id column."""
    id_field = run.dataset.id_field
    row_numbers = np.array([f"row{i + 1}" for i in range(len(source))], dtype=object)
    if not id_field or id_field not in source.columns:
        if not id_field:
            run.warning(
                "no-id-field",
                "no id_field",
                "an id column, so that every party can name its features; "
                "row numbers are used instead",
            )
        return row_numbers
    raw = source[id_field]
    missing = blank_cells(raw)
    ids = cell_text(raw).to_numpy(dtype=object)
    if missing.any():
        run.error(
            "missing-id",
            "an empty id",
            "an id on every feature",
            column=id_field,
            features=list(row_numbers[missing]),
        )
        ids[missing] = row_numbers[missing]
    duplicated = pd.Series(ids).duplicated(keep=False).to_numpy() & ~missing
    if duplicated.any():
        run.error(
            "duplicate-id",
            "the same id on several features",
            "a unique id per feature",
            column=id_field,
            features=sorted(set(ids[duplicated])),
        )
    return ids


def _checked_geometry(
    source: gpd.GeoDataFrame, kind: DatasetKind, source_crs: pyproj.CRS, run: DatasetPass
) -> tuple[gpd.GeoSeries, np.ndarray]:
    """Report missing, empty, wrongly typed and misplaced geometries, repair invalid ones;
    return the repaired geometries and a point inside each usable one."""
    check = check_geometries(source.geometry, run.ids, kind.geometries)
    shapes = "/".join(sorted(kind.geometries))
    missing = check.missing
    dataset = run.dataset
    if dataset.x_field and dataset.y_field:  # a CSV: say which coordinate is not a number
        for column in (dataset.x_field, dataset.y_field):
            cells = source[column]
            text = ~blank_cells(cells) & pd.to_numeric(cells, errors="coerce").isna().to_numpy()
            if text.any():
                found = sorted(set(cells[text].astype(str)))[:5]
                run.error(
                    "not-a-number",
                    f"coordinates that are not numbers {found}",
                    "plain numbers (no thousands separators)",
                    rows=np.flatnonzero(text),
                    column=column,
                )
                missing = np.setdiff1d(missing, np.flatnonzero(text))
    if len(missing):
        run.error("missing-geometry", "no geometry", f"a {shapes} geometry", rows=missing)
    if len(check.empty):
        run.error("empty-geometry", "an empty geometry", f"a {shapes} geometry", rows=check.empty)
    for geom_type, positions in check.wrong_type.items():
        run.error(
            "wrong-geometry-type",
            f"{geom_type} geometry",
            f"{' or '.join(sorted(kind.geometries))} for kind {kind.name}",
            rows=positions,
        )
    if check.repairs:
        more = ", …" if len(check.repairs) > 1 else ""
        run.warning(
            "repaired-geometry",
            f"invalid geometry ({check.repairs[0].reason}{more})",
            "valid geometry; repaired with make_valid (see the harmonization log)",
            features=[r.feature for r in check.repairs],
        )
        run.entry.repairs = [{"feature": r.feature, "reason": r.reason} for r in check.repairs]
    if check.collapsed:
        run.error(
            "collapsed-geometry",
            f"an invalid geometry with nothing of {shapes} left after repair "
            f"({check.collapsed[0].reason})",
            f"a {shapes} geometry (with an area, for polygons)",
            features=[c.feature for c in check.collapsed],
        )

    anchors = anchor_points(check.geometry.values)
    usable = np.flatnonzero(anchors != None)  # noqa: E711 (element-wise on an object array)
    astray = outside_area_of_use(
        source_crs, shapely.get_x(anchors[usable]), shapely.get_y(anchors[usable])
    )
    if astray.any():
        run.error(
            "outside-crs-area",
            f"coordinates outside the area of use of {source_crs.to_string()}",
            "coordinates in the declared CRS (is the CRS right, or are x and y swapped?)",
            rows=usable[astray],
        )
    return check.geometry, anchors[usable]


def _parties(
    source: pd.DataFrame, geometry: gpd.GeoSeries, run: DatasetPass
) -> tuple[np.ndarray, np.ndarray]:
    """The party of each feature (None for shared data), and which features are lost
    because they lie in no party's territory."""
    dataset, context = run.dataset, run.context
    nobody = np.full(len(source), None, dtype=object)
    none_lost = np.zeros(len(source), dtype=bool)
    if dataset.party == SHARED or (
        dataset.party not in (None, BY_LOCATION) and dataset.party not in context.party_ids
    ):
        return nobody, none_lost  # an unknown party is reported with the manifest
    if dataset.party == BY_LOCATION:
        if not context.territories:
            run.error(
                "no-territories",
                "party = '@location' but no boundary was read",
                "boundary datasets to locate the features in",
            )
            return nobody, none_lost
        parties = party_by_location(np.asarray(geometry.values), context.territories)
        lost = pd.isna(parties)
        if lost.any():
            run.warning(
                "outside-all-parties",
                "features in no party's territory",
                "features inside the region; these are left out",
                rows=np.flatnonzero(lost),
            )
            run.entry.dropped.append({"rows": int(lost.sum()), "reason": "in no party's territory"})
        return parties, lost
    if dataset.party is not None:
        return np.full(len(source), dataset.party, dtype=object), none_lost
    assert dataset.party_field is not None
    if dataset.party_field not in source.columns:
        return nobody, none_lost
    values = cell_text(source[dataset.party_field])
    known = {v: p for v, p in dataset.party_values.items() if p in context.party_ids}
    parties = values.map(known).to_numpy(dtype=object)
    unknown = np.flatnonzero(~values.isin(list(dataset.party_values)).to_numpy(bool))
    if len(unknown):
        found = sorted(set(values.iloc[unknown].fillna("<empty>")))
        run.error(
            "unknown-party-value",
            f"values {', '.join(map(repr, found[:10]))}",
            f"one of {', '.join(map(repr, dataset.party_values))} (party_values)",
            rows=unknown,
            column=dataset.party_field,
        )
    return parties, none_lost


def _check_inside(geometries: np.ndarray, run: DatasetPass) -> None:
    """Features must lie in their party's territory, or in the region for a party without
    one, within the region's border tolerance."""
    context = run.context
    tolerance = run.region.settings.border_tolerance_m
    region_territory = shapely.union_all(list(context.territories.values()))
    territorial = run.region.territorial_parties
    for party_id in parties_present(run.parties):
        rows = np.flatnonzero(run.parties == party_id)
        territory = context.territories.get(party_id)
        expected = f"inside the boundary of {party_id}"
        if territory is None and party_id in territorial:
            continue  # its boundary could not be read; that is reported already
        if territory is None:
            territory = region_territory
            expected = f"inside the region ({party_id} has no boundary)"
        outside = outside_territory(geometries[rows], territory, tolerance)
        if outside.any():
            run.error(
                "outside-party-boundary",
                f"features of {party_id} more than {tolerance:g} m outside it",
                expected,
                rows=rows[outside],
            )
