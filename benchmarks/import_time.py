"""`import tanfeng` against `import pandas, pint`, each in fresh interpreters (median of N runs).

Run: python benchmarks/import_time.py [N]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def _time(stmt: str, n: int) -> float:
    runs = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", stmt], check=True)
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main(n: int = 7) -> dict[str, float]:
    base = _time("pass", n)
    ref = _time("import pandas, pint", n) - base
    ours = _time("import tanfeng", n) - base
    first = _time("import tanfeng; tanfeng.ureg", n) - base
    print(f"import pandas, pint           {ref * 1000:8.1f} ms   1.00x")
    print(f"import tanfeng                {ours * 1000:8.1f} ms   {ours / ref:.2f}x  (goal <= 1.2x)")
    print(f"import tanfeng + unit registry {first * 1000:7.1f} ms   {first / ref:.2f}x  (registry built lazily, disk-cached)")
    return {"reference_s": ref, "tanfeng_s": ours, "ratio": ours / ref}


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
