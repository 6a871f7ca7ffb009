"""The labelled set keeps the shape issue 10 asks for: enough sites in enough
repositories, bugs and correct code, every form of section 1 present, references only."""

from __future__ import annotations

import re

from realworld_sites import Form, Label, load_files, load_sites, needed_files

RULE = re.compile(r"BRN0\d\d")
COMMIT = re.compile(r"[0-9a-f]{40}")


def test_the_set_is_large_and_varied_enough() -> None:
    sites = load_sites()
    assert len(sites) >= 70
    assert len({site.repo for site in sites}) >= 30
    bugs = [site for site in sites if site.label is Label.BUG]
    assert 0.35 <= len(bugs) / len(sites) <= 0.65
    assert {site.form for site in sites} == set(Form)


def test_every_row_is_a_reference_with_a_consistent_label() -> None:
    sites = load_sites()
    assert len({site.key for site in sites}) == len(sites)
    for site in sites:
        assert COMMIT.fullmatch(site.commit), site.key
        assert site.line > 0 and not site.path.startswith("/"), site.key
        if site.label is Label.BUG:
            assert site.rule is not None and RULE.fullmatch(site.rule), site.key
        else:
            assert site.rule is None, site.key
    for ref in needed_files(sites, load_files()):
        assert COMMIT.fullmatch(ref.commit) and ref.path.endswith(".py"), ref
