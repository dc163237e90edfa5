"""Loaded only in the hostile suite's child processes (this folder is on their PYTHONPATH):
at exit, write the process's own peak resident memory (VmHWM) to the file named by
BEA_TRACKER_TEST_HWM_FILE.

Why not the child's rusage: Linux carries the peak of the address space a process leaves
at exec into its ru_maxrss, and a child forked (or vforked) from pytest leaves pytest's,
so after a few hundred tests every child "peaked" at pytest's size (325 MB measured).
"""

import atexit
import os


def _report_peak() -> None:
    path = os.environ.get("BEA_TRACKER_TEST_HWM_FILE")
    if not path:
        return
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                with open(path, "w", encoding="ascii") as out:
                    out.write(line.split()[1])  # kB
                return


atexit.register(_report_peak)
