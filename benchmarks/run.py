"""Run every tanfeng benchmark and print ratios against the baselines measured in the same run.

Run:  python benchmarks/run.py            (full sizes: minutes, several GB of memory)
      python benchmarks/run.py --quick    (small sizes, well under a minute)
      python benchmarks/run.py accounting swap   (only these)

Each ``bench_<topic>.py`` exposes ``main(quick) -> list[dict]``; results are also written to
``benchmarks/results/latest.json``. Benchmarks are measurements, not tests: nothing here fails
on a slow machine.
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    only = [a for a in argv if not a.startswith("-")]
    sys.path.insert(0, str(HERE))
    topics = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    if only:
        topics = [t for t in topics if t in only]
    results: dict[str, object] = {"python": platform.python_version(), "machine": platform.machine(),
                                  "quick": quick, "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    for topic in topics:
        print(f"\n=== {topic} ===")
        mod = importlib.import_module(f"bench_{topic}")
        results[topic] = mod.main(quick=quick)
    print("\n=== import time ===")
    import import_time

    results["import_time"] = import_time.main(5 if quick else 9)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    print(f"\nwritten {out / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
