"""Mutation scores of the guards, per module: after the runs,
`python -m tests.support.mutation_scores`.

Reads mutmut's results (mutants/**/*.py.meta) and cosmic-ray's session (cosmic-ray.sqlite),
and prints killed/total and the score of each module. A mutant a filter left out (cosmic-ray's
line and operator filters) is no mutant; a mutant not yet run counts as not killed.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

#: What counts as caught: the tests failed, or did not finish (a mutant that loops forever).
CAUGHT = ("killed", "timeout")


def mutmut_scores(mutants: Path) -> dict[str, tuple[int, int]]:
    """module path -> (killed, total) from mutmut's .meta files under `mutants`."""
    scores: dict[str, tuple[int, int]] = {}
    for meta in sorted(mutants.rglob("*.py.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"].values()
        if codes:
            module = str(meta.relative_to(mutants)).removesuffix(".meta")
            caught = sum(status_by_exit_code[c] in CAUGHT for c in codes)
            scores[module] = (caught, len(codes))
    return scores


def cosmic_ray_scores(session: Path) -> dict[str, tuple[int, int]]:
    """module path -> (killed, total) from a cosmic-ray session, filtered mutants left out."""
    with sqlite3.connect(session) as db:
        rows = db.execute(
            "SELECT m.module_path, r.worker_outcome, r.test_outcome FROM mutation_specs m "
            "LEFT JOIN work_results r ON r.job_id = m.job_id"
        ).fetchall()
    killed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for module, worker, test in rows:
        if (worker or "").lower() == "skipped":  # cosmic-ray writes SKIPPED, KILLED
            continue
        total[module] += 1
        killed[module] += (test or "").lower() == "killed"  # its word for both of CAUGHT
    return {module: (killed[module], total[module]) for module in sorted(total)}


def table(title: str, scores: dict[str, tuple[int, int]]) -> list[str]:
    lines = [title]
    for module, (killed, total) in scores.items():
        lines.append(f"  {module:28} {killed:>5}/{total:<5} {100 * killed / total:5.1f}%")
    return lines


def main(root: Path = Path(".")) -> int:
    lines: list[str] = []
    if (root / "mutants").is_dir():
        lines += table("mutmut", mutmut_scores(root / "mutants"))
    if (root / "cosmic-ray.sqlite").is_file():
        lines += table("cosmic-ray", cosmic_ray_scores(root / "cosmic-ray.sqlite"))
    print("\n".join(lines) or "no mutation run found (mutants/, cosmic-ray.sqlite)")
    return 0 if lines else 1


if __name__ == "__main__":
    sys.exit(main())
