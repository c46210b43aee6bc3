import re

from rjua import sites
from rjua.site_tables import CONDITIONS, ORGANS, POINTERS, REGIONS, SITES, TREATED, TREATMENTS


def test_every_pattern_compiles_and_names_a_known_site():
    for pattern in ORGANS.values():
        re.compile(pattern)
    for names, hint in CONDITIONS.values():
        re.compile(names), re.compile(hint)
    for p in POINTERS:
        re.compile(p.pattern)
        assert set(p.sites) <= set(SITES), p.pattern


def test_regions_cover_the_sites_and_treatments_are_rows():
    assert set(REGIONS) == set(SITES)
    assert TREATMENTS <= set(CONDITIONS) and set(TREATED) <= set(CONDITIONS)


def test_the_site_model_reads_the_same_tables():
    assert sites.CONDITIONS is CONDITIONS and sites.ORGANS is ORGANS and sites.POINTERS is POINTERS
