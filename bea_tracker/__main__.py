"""``python -m bea_tracker``: the same command line as the ``bea-tracker`` script (the demo
runs the tracker this way, with the interpreter it runs under)."""

from bea_tracker.cli import main

if __name__ == "__main__":
    main(prog_name="bea-tracker")
