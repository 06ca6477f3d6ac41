"""The mutation score of each mutated module, from mutmut's results in mutants/.

Run by ``make mutation`` after ``mutmut run``. Score: killed (a timeout counts as
killed) of the mutants that were checked, skipped ones left out.
"""

import json
import sys
from collections import Counter
from pathlib import Path

# mutmut 3.8.1's exit codes (mutmut.stats.status_by_exit_code), in short.
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests"}
STATUS |= dict.fromkeys((36, -24, 24, 152, 255), "timeout")
STATUS |= {None: "not checked", 34: "skipped", 37: "type check", -11: "segfault", -9: "segfault"}


def main(root: Path = Path("mutants")) -> int:
    metas = sorted(root.glob("**/*.py.meta"))
    if not metas:
        print("No mutation results: run `make mutation` first.")
        return 1
    print(f"{'module':32} {'killed':>7} {'survived':>8} {'other':>6} {'checked':>8}  score")
    for meta in metas:
        codes = json.loads(meta.read_text())["exit_code_by_key"].values()
        counts = Counter(STATUS.get(code, "suspicious") for code in codes)
        checked = sum(counts.values()) - counts["not checked"] - counts["skipped"]
        if not checked:
            continue
        killed = counts["killed"] + counts["timeout"]
        other = checked - killed - counts["survived"]
        module = str(meta.relative_to(root)).removesuffix(".meta")
        score = f"{100 * killed / checked:.1f} %"
        print(f"{module:32} {killed:7} {counts['survived']:8} {other:6} {checked:8}  {score}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
