"""workload.csv's spare PAs (issue 11 item 8): the home trust's MDTs are outside direct clinical care.

spare_pas = capacity - clinical - travel - PAs of other trusts' MDTs, and never negative.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_oncologist_cover_fixtures import PARAMS, oncologist, tiny

from instances.generators.cover import generate
from models.cover import check, solve


def test_home_mdt_takes_no_spare_pa_and_another_trusts_takes_half() -> None:
    """O1 (A1, 6 PAs) covers A's 6 PAs; O2 (B1, 6 PAs) covers B's 4.

    Both attend their own trust's lung MDT (Mon, in the job plan: 0 PA) and O2 also A's remote
    breast MDT (Tue, another trust's: 0.5 PA).  O1 spare = 6 - 6 = 0 (it was -0.5 when every
    MDT was subtracted); O2 spare = 6 - 4 - 0.5 = 1.5.
    """
    mdts = [
        {"mdt_id": "LA", "trust_id": "TA", "tumour_site_id": "lung", "weekday": "Mon", "quorum": 1,
         "remote_counts": True},
        {"mdt_id": "LB", "trust_id": "TB", "tumour_site_id": "lung", "weekday": "Mon", "quorum": 1,
         "remote_counts": True},
        {"mdt_id": "BA", "trust_id": "TA", "tumour_site_id": "breast", "weekday": "Tue", "quorum": 1,
         "remote_counts": True},
    ]  # fmt: skip
    inst = tiny(
        [oncologist("O1", "A1"), oncologist("O2", "B1")],
        [("TA", 1, 6.0), ("TB", 1, 4.0)],
        mdts=mdts,
        specialisms=[("O1", "lung"), ("O2", "lung"), ("O2", "breast")],
    )
    plan = solve(inst, PARAMS)
    assert check(inst, plan).passed
    work = plan.workload.set_index("oncologist_id")
    assert work.loc["O1", ["clinical_pas", "mdt_meetings", "mdt_pas", "spare_pas"]].tolist() == [
        6.0,
        1,
        0.0,
        0.0,
    ]
    assert work.loc["O2", ["clinical_pas", "mdt_meetings", "mdt_pas", "spare_pas"]].tolist() == [
        4.0,
        2,
        0.5,
        1.5,
    ]
    assert plan.mdts["quorate"].all()


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.slow
def test_spare_is_never_negative_and_adds_up(seed: int) -> None:
    """Every oncologist-week of a generated plan: spare = capacity - clinical - travel - other MDT PAs."""
    inst = generate(10, 3, 3, 3, seed=seed)
    plan = solve(inst, PARAMS)
    work = plan.workload
    attendance = plan.mdt_attendance.merge(inst.mdts[["mdt_id", "trust_id"]], on="mdt_id")
    home = inst.oncologists.merge(
        inst.sites[["site_id", "trust_id"]], left_on="home_site", right_on="site_id"
    )
    home_trust = dict(zip(home["oncologist_id"], home["trust_id"], strict=True))
    other = attendance[attendance["trust_id"] != attendance["oncologist_id"].map(home_trust)]
    other_pas = other.groupby(["oncologist_id", "week"]).size() * PARAMS.mdt_pas
    key = pd.MultiIndex.from_arrays([work["oncologist_id"], work["week"]])
    expected = (
        work["capacity_pas"] - work["clinical_pas"] - work["travel_pas"]
        - other_pas.reindex(key, fill_value=0.0).to_numpy()
    )  # fmt: skip
    assert np.allclose(work["spare_pas"], expected, atol=1e-6)
    assert (work["spare_pas"] >= -1e-9).all()
    assert len(other) > 0 and (work["mdt_meetings"] > 0).any()
