"""Read one table file in this process and say what it cost: ``python -m tests.support.parse_probe FILE``.

Prints one JSON object: the outcome (rows read, or the refusal's code and message in both languages),
the peak resident memory before and after the read (VmHWM of /proc/self/status: this process's own
high-water mark; ru_maxrss would carry the parent's over fork+exec; the imports are the baseline), and
the CPU and wall time of the read. The tests run it in a child process so each file's peak is its own.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def peak_kb() -> int:
    """This process's peak resident memory (kB)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(path: str) -> dict:
    from geo.table import TableError, read_table  # noqa: PLC0415 - imported before the baseline is taken

    base = peak_kb()
    cpu, wall = time.process_time(), time.perf_counter()
    out: dict = {"file": Path(path).name, "bytes": Path(path).stat().st_size}
    try:
        table = read_table(path)
        out.update(
            ok=True, rows=len(table.data), issues=len(table.issues), codes=sorted({i.code for i in table.issues})
        )
    except TableError as exc:
        out.update(ok=False, code=exc.code, id=exc.message("id"), en=exc.message("en"))
    out.update(
        cpu_s=round(time.process_time() - cpu, 2),
        wall_s=round(time.perf_counter() - wall, 2),
        base_mb=round(base / 1024, 1),
        peak_mb=round(peak_kb() / 1024, 1),
    )
    return out


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1]), ensure_ascii=False))
