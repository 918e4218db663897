import numpy as np

from index.slots import crowded


def test_every_key_found_that_often_is_among_the_crowded_and_few_others_are():
    rng = np.random.default_rng(7)
    keys = rng.integers(0, 2**40, 100_000, dtype=np.int64)  # small values, as minima of hashes are
    keys[rng.choice(len(keys), 3_000, replace=False)] = rng.integers(0, 2**40, 40)[rng.integers(0, 40, 3_000)]
    values, counts = np.unique(keys, return_counts=True)
    for least in (2, 3, 50):
        found = crowded(keys, least)
        often = np.flatnonzero(np.isin(keys, values[counts >= least]))
        assert np.isin(often, found).all() and len(found) < len(keys) * 0.15 + len(often)
    assert len(crowded(np.zeros(0, np.int64))) == 0 and crowded(np.array([5, 5, 6]), 2).tolist()[:2] == [0, 1]
