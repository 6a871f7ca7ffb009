"""Every label in sites.tsv is checked on real torch (torch 2.13): the site's expression,
rewritten as an idiom of our own (realworld_proofs.py) and run on a layer configured
like the site's (proofs.tsv), differs from the truth for a bug and equals it for correct
code."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from realworld_proofs import IDIOMS, Setup, run, same
from realworld_sites import Label, Site, load_sites

PROOFS_TSV = Path(__file__).resolve().parent / "proofs.tsv"


def load_proofs() -> dict[str, tuple[str, Setup]]:
    """site key -> (idiom, the layer as the site configures it)."""
    proofs = {}
    with PROOFS_TSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            options = (
                {}
                if row["decoder_layers"] == "-"
                else {"decoder_layers": int(row["decoder_layers"])}
            )
            setup = Setup(
                kind=row["kind"],
                layers=int(row["layers"]),
                bidirectional=row["bidirectional"] == "true",
                batch_first=row["batch_first"] == "true",
                packed=row["packed"] == "true",
                batch=int(row["batch"]),
                options=options,
            )
            proofs[row["site"]] = (row["idiom"], setup)
    return proofs


PROOFS = load_proofs()
SITES = load_sites()


def test_every_site_has_a_proof_and_every_proof_a_site() -> None:
    assert sorted(PROOFS) == sorted(site.key for site in SITES)
    assert {name for name, _ in PROOFS.values()} <= set(IDIOMS)


@pytest.mark.parametrize("site", SITES, ids=lambda site: site.key)
def test_label_holds_on_torch(site: Site) -> None:
    name, setup = PROOFS[site.key]
    value, truth = IDIOMS[name](run(setup))
    if site.label is Label.BUG:
        assert not same(value, truth), f"{name} equals the truth: not a misreading"
    else:
        assert same(value, truth), f"{name} differs from the truth"
