"""Cold start and peak memory: tui-pos against a bare Textual app, in a pty at 80×24.

    python benchmarks/bench_start.py [--runs 7]

Each run starts a new process in a pseudo-terminal (pexpect) and reads what it
writes until every marker of its first full screen has been drawn, Footer
included; the time is from just before the process is started to then. The
peak memory is the process's RSS high-water mark (``VmHWM`` in
/proc/PID/status) once that screen is up (after a short settle).

* tui-pos, ``python -m tui_pos --db FILE`` on a small store with one cashier:
  (a) to the **sign-in screen** (store name, "Who are you?", the cashier, the
  Footer's "Sign in") — the first screen a cashier sees; (b) typing the PIN
  and Enter, to the **main menu** (its entries and the Footer's
  "palette"): the time is from start, the PIN typed as soon as (a) is up.
* the bare app, in the same run and alternating with it: a Textual app with
  Header, Input, a DataTable of ten rows and a Footer with one binding
  (SPEC §5's "bare Textual app"), to its Footer, its rows and the Input's
  placeholder.

Peak memory at the menu includes the PIN check: scrypt takes 16 MiB for
the moment it runs (``services/staff.py``, slow and memory-hard on purpose).
For diagnosis the resident memory once the menu is up (``VmRSS``, after that
peak is freed) is recorded too.

One warm-up run of each is not counted (the OS's file cache); the median of
``--runs`` is reported. SPEC §5 target: within 1.25× of the bare app, both.
"""

from __future__ import annotations

import argparse
import os
import re
import select
import statistics
import sys
import tempfile
import time

import pexpect
from _common import ROOT, save_result

TARGET = 1.25
ESCAPE = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]"  # CSI
                    r"|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)")  # OSC, DCS, ESC x

BARE_APP = r"""
from textual.app import App
from textual.widgets import DataTable, Footer, Header, Input


class Bare(App):
    BINDINGS = [("f4", "bell", "Pay")]

    def compose(self):
        yield Header()
        yield Input(placeholder="Search customers")
        yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self):
        table = self.query_one(DataTable)
        for label in ("#", "Item", "Qty", "Price", "Total"):
            table.add_column(label)
        for n in range(1, 11):
            table.add_row(str(n), f"Bench item {n}", "1", f"{n}.25", f"{n}.25")


Bare().run()
"""
SIGN_IN = ("Who are you", "Bench  (cashier)", "Sign in")
MENU = ("Sales Bill", "Customers", "Reports", "palette")
BARE = ("Search customers", "Bench item 10", "Pay")


def env() -> dict:
    values = dict(os.environ, TERM="xterm-256color", COLUMNS="80", LINES="24")
    values.pop("NO_COLOR", None)
    return values


def wait_for(child, markers: tuple[str, ...], seen: list[str], timeout: float = 60) -> None:
    """Read until every marker is on screen (escape sequences taken out)."""
    deadline = time.monotonic() + timeout
    while True:
        text = ESCAPE.sub("", "".join(seen))
        if all(m in text for m in markers):
            return
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"not all of {markers} shown; last: {text[-300:]!r}")
        ready, _, _ = select.select([child.child_fd], [], [], left)
        if ready:
            try:
                seen.append(os.read(child.child_fd, 65536).decode("utf-8", "replace"))
            except OSError as exc:
                raise TimeoutError(f"the program ended: {ESCAPE.sub('', ''.join(seen))[-300:]!r}") \
                    from exc


def peak_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def spawn(args: list[str]):
    return pexpect.spawn(sys.executable, args, env=env(), dimensions=(24, 80), timeout=60,
                         cwd=ROOT)


def resident_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def run_tui_pos(db: str, pin: str, settle: float) -> dict:
    start = time.perf_counter()
    child = spawn(["-m", "tui_pos", "--db", db])
    seen: list[str] = []
    try:
        wait_for(child, SIGN_IN, seen)
        sign_in = time.perf_counter() - start
        sign_in_mib = peak_mib(child.pid)
        seen.clear()
        child.send(pin + "\r")
        wait_for(child, MENU, seen)
        menu = time.perf_counter() - start
        time.sleep(settle)
        return {"sign_in_s": sign_in, "menu_s": menu, "sign_in_mib": sign_in_mib,
                "menu_mib": peak_mib(child.pid), "menu_rss_mib": resident_mib(child.pid)}
    finally:
        child.close(force=True)


def run_bare(settle: float) -> dict:
    start = time.perf_counter()
    child = spawn(["-c", BARE_APP])
    try:
        wait_for(child, BARE, [])
        took = time.perf_counter() - start
        time.sleep(settle)
        return {"start_s": took, "mib": peak_mib(child.pid)}
    finally:
        child.close(force=True)


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--settle", type=float, default=0.5, help="seconds before reading memory")
    args = ap.parse_args(argv)
    from bench_bytes import PIN, make_shop  # the same small store with one cashier

    load_before = os.getloadavg()
    ours, bare = [], []
    with tempfile.TemporaryDirectory() as folder:
        db = make_shop(folder)
        run_tui_pos(db, PIN, args.settle), run_bare(args.settle)  # warm-up, not counted
        for n in range(args.runs):
            if n % 2:
                ours.append(run_tui_pos(db, PIN, args.settle))
                bare.append(run_bare(args.settle))
            else:
                bare.append(run_bare(args.settle))
                ours.append(run_tui_pos(db, PIN, args.settle))
    res = {"runs": args.runs, "tui_pos": ours, "bare": bare,
           "sign_in_s": median(ours, "sign_in_s"), "menu_s": median(ours, "menu_s"),
           "sign_in_mib": median(ours, "sign_in_mib"), "menu_mib": median(ours, "menu_mib"),
           "bare_s": median(bare, "start_s"), "bare_mib": median(bare, "mib"),
           "menu_rss_mib": median(ours, "menu_rss_mib"),
           "target": TARGET, "loadavg_before": load_before, "loadavg_after": os.getloadavg()}
    for what in ("sign_in", "menu"):
        res[f"{what}_ratio_s"] = res[f"{what}_s"] / res["bare_s"]
        res[f"{what}_ratio_mib"] = res[f"{what}_mib"] / res["bare_mib"]
    print(f"cold start in a pty at 80x24, median of {args.runs} runs each:")
    print(f"  bare Textual app (Header, Input, DataTable, Footer) {res['bare_s']:6.3f} s "
          f"{res['bare_mib']:6.1f} MiB")
    for what, label in (("sign_in", "tui-pos to the sign-in screen"),
                        ("menu", "tui-pos to the main menu (PIN)")):
        print(f"  {label:51s} {res[what + '_s']:6.3f} s {res[what + '_mib']:6.1f} MiB   "
              f"{res[what + '_ratio_s']:.2f}x / {res[what + '_ratio_mib']:.2f}x")
    print(f"  (diagnosis) resident at the menu, the PIN check's 16 MiB freed: "
          f"{res['menu_rss_mib']:.1f} MiB ({res['menu_rss_mib'] / res['bare_mib']:.2f}x)")
    print(f"  target <= {TARGET}x time and memory; load average {load_before} -> "
          f"{res['loadavg_after']}")
    print("saved", save_result("start", res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
