"""What no cover plan can achieve, found before solving: MDTs that cannot be quorate and demand
that nobody and no locum can cover, in planners' words."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.common.words import count
from models.cover.index import EPS, CoverIndex
from models.cover.input import WEEKDAYS, CoverInstance


def diagnose(inst: CoverInstance, idx: CoverIndex) -> list[str]:
    """What no plan can achieve, in planners' words: MDTs short of specialists, uncoverable demand."""
    names = dict(zip(inst.tumour_sites["tumour_site_id"], inst.tumour_sites["name"], strict=True))
    trusts = dict(zip(inst.trusts["trust_id"], inst.trusts["name"], strict=True))
    out: list[str] = []
    mw = idx.mw
    can = np.bincount(idx.a["mw"].to_numpy(), minlength=len(mw))
    m, k, u, w, day, q = (mw[c].to_numpy() for c in ("m", "k", "u", "w", "day", "quorum"))
    for r in np.flatnonzero(can < q):
        tum = idx.tumour_ids[u[r]]
        date = pd.Timestamp(mw["date"].iat[r])
        out.append(
            f"MDT {idx.mdt_ids[m[r]]} ({names[tum]}, {trusts[idx.trust_ids[k[r]]]}, {WEEKDAYS[day[r]]}) "
            f"in week {w[r] + 1} ({date:%Y-%m-%d}) cannot be quorate: "
            f"it needs {count(q[r], f'{names[tum]} oncologist')} "
            f"and at most {can[r]} can attend; missing specialism: {names[tum]} ({tum})"
        )
    dem = idx.dem
    offered = np.bincount(
        idx.x["dr"].to_numpy(), weights=idx.x["ub"].to_numpy() * idx.pa_step, minlength=len(dem)
    )
    pas = dem["pas"].to_numpy()
    gap = pas - offered - dem["locum_ub"].to_numpy()
    k, u, w = (dem[c].to_numpy() for c in ("k", "u", "w"))
    for r in np.flatnonzero(gap > EPS):
        out.append(
            f"{trusts[idx.trust_ids[k[r]]]}, {names[idx.tumour_ids[u[r]]]}, week {w[r] + 1}: at least "
            f"{gap[r]:g} of {count(pas[r], 'PA', spec='g')} "
            f"cannot be covered by any available oncologist or locum"
        )
    return out
