"""Product carbon footprints computed with Brightway (bw2data 4.8 / bw2calc 3.1), spec/carbon-
footprint.md §4.1, and the same sum computed internally as a cross-check (§4.1 point 4).

Compilation (one Brightway project in a temporary directory — ``BRIGHTWAY2_DIR`` is set to it,
never the user's home; nothing is downloaded):

- biosphere database ``qs_bio``: one flow per gas of the factor library;
- background database ``qs_factors``: one activity per factor, its gases as biosphere exchanges;
- foreground database ``qs_products``: per product one activity per life-cycle stage (technosphere
  inputs = the bill of activities, amount × allocation share; an input may be another product)
  and the product activity consuming each of its stages once;
- method ``("qingshan", "GWP100", "AR6")``: the GWP of :mod:`qingshan.carbon.standards.footprint`.

Scores of **every** activity per unit come from one sparse solve, ``Aᵀ x = (C B)ᵀ 1``, on the
matrices Brightway built (``lca.technosphere_matrix``, ``biosphere_matrix``,
``characterization_matrix``); a stage's footprint is its activity's score, an input's contribution
is amount × share × the score of what it brings in, and the product total is checked against
``lca.score`` of the product demand. Brightway stores float32-like values: totals are reported
to 4 significant decimals (``ROUND``).
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.sparse.linalg import spsolve

from qingshan.carbon.standards.footprint import BOUNDARIES, GWP, GWP_SET

__all__ = ["BOM_COLUMNS", "linear", "brightway", "ROUND", "METHOD", "bw_project"]

BOM_COLUMNS = ("product_id", "stage", "input_id", "input_name", "amount", "unit", "factor_id",
               "allocation_share")
METHOD = ("qingshan", "GWP100", "AR6")
ROUND = 4


def _prep(bom: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
    b = bom.copy()
    b["allocation_share"] = pd.to_numeric(b.get("allocation_share"), errors="coerce").fillna(1.0)
    b["amount"] = pd.to_numeric(b["amount"], errors="coerce")
    bounds = products.set_index("product_id")["boundary"].map(BOUNDARIES)
    inside = [s in bounds.get(p, ()) for p, s in zip(b["product_id"], b["stage"])]
    return b[np.asarray(inside, dtype=bool)]


def linear(bom: pd.DataFrame, products: pd.DataFrame, fac: pd.DataFrame) -> pd.DataFrame:
    """Internal Σ AD × EF per input (no product-in-product links): kg CO2e of every BOM line."""
    ef = (fac.assign(kg=fac["amount_kg"] * fac["gas"].map({g: x.value for g, x in GWP.items()}))
          .groupby("factor_id")["kg"].sum())
    b = _prep(bom, products)
    b["ef_kgco2e"] = b["factor_id"].map(ef)
    b["kgco2e"] = b["amount"] * b["allocation_share"] * b["ef_kgco2e"]
    return b


@contextmanager
def bw_project(project_dir: str | Path | None = None):
    """A Brightway project in ``project_dir`` (default: a fresh temporary directory, removed
    afterwards); yields the ``bw2data`` module with the project current."""
    tmp = None
    if project_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="qingshan-bw-")
        project_dir = tmp.name
    Path(project_dir).mkdir(parents=True, exist_ok=True)
    old = os.environ.get("BRIGHTWAY2_DIR")
    os.environ["BRIGHTWAY2_DIR"] = str(project_dir)
    os.environ.setdefault("TQDM_DISABLE", "1")
    try:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import bw2data as bd
        if Path(bd.projects._base_data_dir) != Path(project_dir):
            bd.projects.change_base_directories(Path(project_dir),
                                                project_name="qingshan-footprint")
        bd.projects.set_current("qingshan-footprint")
        yield bd
    finally:
        if old is None:
            os.environ.pop("BRIGHTWAY2_DIR", None)
        else:
            os.environ["BRIGHTWAY2_DIR"] = old
        if tmp is not None:
            try:
                import bw2data as bd
                bd.projects.change_base_directories(Path(tempfile.gettempdir()) / "qingshan-bw-idle",
                                                    project_name="idle")
            except Exception:
                pass
            tmp.cleanup()


def _write(bd, b: pd.DataFrame, products: pd.DataFrame, fac: pd.DataFrame) -> None:
    gases = sorted(fac["gas"].unique())
    bd.Database("qs_bio").write({("qs_bio", g): {"name": g, "unit": "kilogram",
                                                  "type": "emission", "categories": ("air",)}
                                 for g in gases})
    fdb = {}
    for fid, rows in fac.groupby("factor_id"):
        ex = [{"input": ("qs_factors", fid), "amount": 1.0, "type": "production"}]
        ex += [{"input": ("qs_bio", g), "amount": float(a), "type": "biosphere"}
               for g, a in zip(rows["gas"], rows["amount_kg"])]
        fdb[("qs_factors", fid)] = {"name": rows["name"].iloc[0], "unit": rows["unit"].iloc[0],
                                    "exchanges": ex}
    bd.Database("qs_factors").write(fdb)
    fg = {}
    for pid, rows in b.groupby("product_id"):
        stages = list(dict.fromkeys(rows["stage"]))
        fg[("qs_products", pid)] = {"name": str(pid), "unit": "functional unit", "exchanges": [
            {"input": ("qs_products", pid), "amount": 1.0, "type": "production"}] + [
            {"input": ("qs_products", f"{pid}::{s}"), "amount": 1.0, "type": "technosphere"}
            for s in stages]}
        for s, srows in rows.groupby("stage"):
            ex = [{"input": ("qs_products", f"{pid}::{s}"), "amount": 1.0, "type": "production"}]
            for fid, inp, a, sh in zip(srows["factor_id"], srows["input_id"], srows["amount"],
                                       srows["allocation_share"]):
                src = (("qs_products", str(inp)[8:]) if str(inp).startswith("product:")
                       else ("qs_factors", fid))
                ex.append({"input": src, "amount": float(a * sh), "type": "technosphere"})
            fg[("qs_products", f"{pid}::{s}")] = {"name": f"{pid} {s}", "unit": "functional unit",
                                                  "exchanges": ex}
    bd.Database("qs_products").write(fg)
    bd.Method(METHOD).write([(("qs_bio", g), GWP[g].value) for g in gases])


def brightway(bom: pd.DataFrame, products: pd.DataFrame, fac: pd.DataFrame,
              project_dir: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Footprints of every product with Brightway.

    ``bom``: :data:`BOM_COLUMNS` (``input_id`` ``"product:<id>"`` links another product);
    ``products``: product_id, boundary (``cradle-to-gate`` | ``cradle-to-grave``); ``fac``: the
    factor library. Returns ``{"products", "stages", "inputs"}`` DataFrames in kg CO2e per
    functional unit, with ``gwp_set`` and the weakest factor mark of every figure.
    """
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")         # pypardiso advice
        import bw2calc as bc

    b = _prep(bom, products)
    unknown = sorted(set(b.loc[~b["input_id"].astype(str).str.startswith("product:"),
                               "factor_id"]) - set(fac["factor_id"]))
    if unknown:
        raise ValueError(f"factors not in the library: {unknown}")
    with bw_project(project_dir) as bd:
        _write(bd, b, products, fac)
        ids = {a["code"]: a.id for a in bd.Database("qs_products")}
        ids |= {("f", a["code"]): a.id for a in bd.Database("qs_factors")}
        first = next(iter(b["product_id"]))
        lca = bc.LCA({bd.get_node(database="qs_products", code=str(first)): 1}, METHOD)
        lca.lci()
        lca.lcia()
        direct = np.asarray((lca.characterization_matrix @ lca.biosphere_matrix).sum(axis=0)
                            ).ravel()
        unit_score = spsolve(lca.technosphere_matrix.T.tocsc(), direct)
        col = lca.dicts.activity
        score = {k: float(unit_score[col[v]]) for k, v in ids.items()}
        check = float(lca.score)
    marks = fac.groupby("factor_id")["mark"].agg(lambda s: min(s, key="SUMDV".index))
    b["unit_score"] = [score[str(i)[8:]] if str(i).startswith("product:") else score[("f", f)]
                       for i, f in zip(b["input_id"], b["factor_id"])]
    b["kgco2e"] = b["amount"] * b["allocation_share"] * b["unit_score"]
    b["mark"] = b["factor_id"].map(marks)
    link = b["input_id"].astype(str).str.startswith("product:").to_numpy()
    linked = b["input_id"].astype(str).str[8:]
    for _ in range(len(products)):      # a linked product's mark is that of its own inputs
        pm = b.dropna(subset=["mark"]).groupby("product_id")["mark"].agg(
            lambda s: min(s, key="SUMDV".index))
        b.loc[link, "mark"] = linked[link].map(pm)
        if not b["mark"].isna().any():
            break
    stages = (b.groupby(["product_id", "stage"], sort=False)
              .agg(mark=("mark", lambda s: min(s, key="SUMDV".index))).reset_index())
    stages["kgco2e"] = [score[f"{p}::{s}"] for p, s in zip(stages["product_id"], stages["stage"])]
    prods = products[products["product_id"].isin(b["product_id"])].copy()
    prods["kgco2e"] = prods["product_id"].astype(str).map(score)
    prods["mark"] = prods["product_id"].map(
        stages.groupby("product_id")["mark"].agg(lambda s: min(s, key="SUMDV".index)))
    prods["gwp_set"] = GWP_SET
    prods["rule_version"] = f"GB/T 24067-2024 / ISO 14067:2018; {GWP_SET} [M]"
    prods["engine"] = "brightway"
    if abs(score[str(first)] - check) > 1e-6 * max(1.0, abs(check)):
        raise RuntimeError(f"Brightway score {check} differs from the solved {score[str(first)]}")
    return {"products": prods, "stages": stages, "inputs": b}
