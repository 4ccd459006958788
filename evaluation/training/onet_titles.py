"""Build the jobs service's title → occupation index from O*NET 27.0 (CC BY 4.0).

`python -m evaluation.training.onet_titles` writes
services/jobs/jobtrail/jobs/data/onet_titles.json.gz: every occupation title, alternate
title and short title, normalised as `jobtrail.jobs.occupations.words` does, mapped to its
O*NET-SOC code. A title O*NET gives to several occupations is kept for the one that holds
it most often (ties: the first code), so every key has one answer.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter, defaultdict
from pathlib import Path

from jobtrail.jobs import occupations

ONET = Path(__file__).resolve().parents[1] / "data" / "onet"


# Titles common in software postings that O*NET lacks or gives to another trade ("Full
# Stack Engineer" is filed under engineers, all others); ours, by the occupation's tasks.
SUPPLEMENT = {
    "Back End Developer": "15-1252.00", "Back End Engineer": "15-1252.00",
    "Full Stack Developer": "15-1252.00", "Full Stack Engineer": "15-1252.00",
    "Front End Engineer": "15-1254.00", "Dev Ops Engineer": "15-1244.00",
    "Site Reliability Engineer": "15-1244.00", "Machine Learning Engineer": "15-2051.00",
    "Data Engineer": "15-1243.00", "Mobile Developer": "15-1252.00",
    "Platform Engineer": "15-1252.00", "Cloud Engineer": "15-1241.00",
}  # fmt: skip


def _rows(name: str) -> list[dict[str, str]]:
    with (ONET / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def build() -> dict[str, object]:
    names = {r["O*NET-SOC Code"]: r["Title"] for r in _rows("Occupation Data.txt")}
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for code, title in names.items():
        votes[" ".join(occupations.words(title))][code] += 3  # the occupation's own name
    for row in _rows("Alternate Titles.txt"):
        for title in (row["Alternate Title"], row["Short Title"]):
            if title and title != "n/a":
                votes[" ".join(occupations.words(title))][row["O*NET-SOC Code"]] += 1
    for title, code in SUPPLEMENT.items():
        votes[" ".join(occupations.words(title))][code] += 10
    codes = sorted(names)
    position = {c: i for i, c in enumerate(codes)}
    titles = {key: position[counter.most_common(1)[0][0]]
              for key, counter in sorted(votes.items()) if key}  # fmt: skip
    return {"source": "O*NET 27.0 Database (CC BY 4.0)", "codes": codes, "names": names,
            "titles": titles}  # fmt: skip


def main() -> None:
    data = build()
    text = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    with (
        occupations.INDEX.open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as handle,
    ):  # mtime 0: the same data gives the same bytes
        handle.write(text)
    print(
        f"{occupations.INDEX}: {len(data['titles'])} titles, "  # type: ignore[arg-type]
        f"{occupations.INDEX.stat().st_size / 1e6:.2f} MB"
    )


if __name__ == "__main__":
    main()
