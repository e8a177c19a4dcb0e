"""VQD accuracy: precision, recall and F1 per diagnosis check on a labelled clip set.

    .venv/bin/python bench/vqd_accuracy.py [--workers 4] [--cache DIR] [--split tune]
                                           [--checks clarity,freeze]

The set (``bench/vqd_dataset.py``) is rendered from photographs bundled with scikit-image, cached
under the temp dir by version. Every clip goes through the same code path as
``easysight-worker diagnose FILE``: :func:`worker_node.analysis.run_diagnosis` with
``DiagnosisParams(checks=[] (all), frames=5, window_s=2.0, reference_jpeg=…)``, called in a thread
pool as the CLI does (the function, not a subprocess, so that no per-process start-up is
measured). ``reference_jpeg`` is the clip's stored reference view, sent as a worker gets it.

A clip is positive for check X when it carries a fault of X; X fires when its status is warning or
worse (a check dropped by suppression did not fire). Checks listed as excused for a fault (the
fault really is that symptom too) are left out of that check's figures on those clips. Faults
whose check is not registered are reported "not implemented". Figures are printed for the
``tune`` and ``test`` photos; the RESULT line is on ``test`` only, over implemented checks.
``--split tune`` diagnoses and prints the tune half only (no RESULT line): use it while setting
thresholds. ``--checks`` runs and scores only the named checks (plus the suppressing
``signal_loss`` and ``blue_screen``), for quick iterations on a few checks.
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("OPENCV_LOG_LEVEL", "SILENT")

import vqd_dataset
from vqd_dataset import FAULTS, Clip

FIRES = {"warning", "error", "critical"}
SUPPRESSING = ("signal_loss", "blue_screen")


def diagnose(
    clips: list[Clip], workers: int, checks: tuple[str, ...] = ()
) -> dict[str, dict[str, str]]:
    """clip path -> {check: status} from run_diagnosis, as ``easysight-worker diagnose``."""
    from worker_node.analysis import run_diagnosis
    from worker_node.protocol.messages import DiagnosisParams

    failures: list[str] = []

    def one(clip: Clip) -> tuple[str, dict[str, str]]:
        reference = None
        if clip.reference:
            reference = base64.b64encode(Path(clip.reference).read_bytes()).decode("ascii")
        params = DiagnosisParams(
            checks=list(checks), frames=5, window_s=2.0, reference_jpeg=reference
        )
        try:
            result = run_diagnosis(clip.path, params, source_timeout=10.0)
        except Exception as exc:  # a check under development may raise: count it, go on
            failures.append(f"{Path(clip.path).name}: {type(exc).__name__}: {exc}")
            return clip.path, {}
        return clip.path, {c.type: c.status for c in result.checks}

    with ThreadPoolExecutor(max_workers=workers) as pool:
        statuses = dict(pool.map(one, clips))
    if failures:
        print(f"WARNING: diagnosis raised on {len(failures)} clips (counted as nothing firing),")
        print(f"  e.g. {failures[0]}")
    return statuses


def score(
    clips: list[Clip], statuses: dict[str, dict[str, str]], checks: tuple[str, ...]
) -> dict[str, dict[str, float]]:
    """Per check: tp, fp, fn, tn, precision, recall, f1, positives."""
    table: dict[str, dict[str, float]] = {}
    for check in checks:
        tp = fp = fn = tn = 0
        for clip in clips:
            if check in clip.excused and check not in clip.positives:
                continue
            fired = statuses[clip.path].get(check, "normal") in FIRES
            positive = check in clip.positives
            tp += fired and positive
            fp += fired and not positive
            fn += positive and not fired
            tn += not positive and not fired
        precision = tp / (tp + fp) if tp + fp else (1.0 if tp + fn else float("nan"))
        recall = tp / (tp + fn) if tp + fn else float("nan")
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[check] = {
            "tp": tp, "fp": fp, "fn": fn, "tn": tn, "positives": tp + fn,
            "precision": precision, "recall": recall, "f1": f1 if tp + fn else float("nan"),
        }  # fmt: skip
    return table


def report(name: str, clips: list[Clip], statuses: dict[str, dict[str, str]], checks) -> dict:
    table = score(clips, statuses, checks)
    healthy = [c for c in clips if c.fault == "healthy"]
    alarms = Counter()
    alarmed = 0
    for clip in healthy:
        fired = [k for k, s in statuses[clip.path].items() if s in FIRES]
        alarms.update(fired)
        alarmed += bool(fired)
    photos = sorted({c.photo for c in clips})
    print(f"\n== {name}: {len(clips)} clips from {', '.join(photos)} ({len(healthy)} healthy)")
    print(f"{'check':<14}{'prec':>7}{'recall':>8}{'F1':>7}{'TP':>5}{'FP':>5}{'FN':>5}")
    for check, row in table.items():
        if row["positives"] == 0:
            print(f"{check:<14}{'—':>7}{'—':>8}{'—':>7}{0:>5}{row['fp']:>5}{0:>5}  (no fault)")
            continue
        p, r, f = row["precision"], row["recall"], row["f1"]
        print(f"{check:<14}{p:7.3f}{r:8.3f}{f:7.3f}{row['tp']:>5}{row['fp']:>5}{row['fn']:>5}")
    missing = sorted({k for ks in FAULTS.values() for k in ks} - set(checks))
    for check in missing:
        print(f"{check:<14}  not implemented")
    rate = alarmed / len(healthy) if healthy else 0.0
    print(f"healthy clips with any alarm: {alarmed}/{len(healthy)} = {rate:.1%}", end="")
    print(f"  ({', '.join(f'{k}×{n}' for k, n in alarms.most_common()) or 'none'})")
    # detection per fault and severity: which checks fired
    print(f"{'fault/severity':<26}{'detected':>9}  checks firing (share of clips)")
    groups: dict[tuple[str, str], list[Clip]] = defaultdict(list)
    for clip in clips:
        if clip.fault != "healthy":
            groups[(clip.fault, clip.severity)].append(clip)
    for (fault, severity), members in groups.items():
        wanted = [k for k in FAULTS[fault] if k in checks]
        hits = sum(any(statuses[c.path].get(k, "normal") in FIRES for k in wanted) for c in members)
        detected = f"{hits}/{len(members)}" if wanted else "n/i"
        fired = Counter(k for c in members for k, s in statuses[c.path].items() if s in FIRES)
        shown = ", ".join(f"{k} {n / len(members):.0%}" for k, n in fired.most_common())
        print(f"{fault + '/' + severity:<26}{detected:>9}  {shown or '—'}")
    f1s = [row["f1"] for row in table.values() if row["positives"]]
    return {
        "min_f1": min(f1s) if f1s else float("nan"),
        "mean_f1": sum(f1s) / len(f1s) if f1s else float("nan"),
        "clean_false_alarm": rate,
        "table": table,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--cache", type=Path, default=None, help="dataset cache root")
    parser.add_argument("--split", choices=("tune", "all"), default="all")
    parser.add_argument("--checks", default="", help="comma-separated checks (default: all)")
    args = parser.parse_args()

    import cv2

    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    from worker_node.analysis import known_checks

    began = time.monotonic()
    clips = vqd_dataset.build(args.cache, workers=2)
    if args.split == "tune":
        clips = [c for c in clips if c.split == "tune"]
    built = time.monotonic()
    chosen = tuple(c.strip() for c in args.checks.split(",") if c.strip())
    run = (*SUPPRESSING, *(c for c in chosen if c not in SUPPRESSING)) if chosen else ()
    statuses = diagnose(clips, args.workers, run)
    done = time.monotonic()
    checks = chosen or known_checks()
    print(
        f"dataset {vqd_dataset.VERSION}: {len(clips)} clips, built/loaded in {built - began:.1f} s;"
    )
    print(
        f"diagnosed in {done - built:.1f} s ({args.workers} threads); checks: {', '.join(checks)}"
    )
    report("tune (thresholds may be set on these)", [c for c in clips if c.split == "tune"],
           statuses, checks)  # fmt: skip
    if args.split == "tune":
        return 0
    test = report("test (held out: never tune on these)", [c for c in clips if c.split == "test"],
                  statuses, checks)  # fmt: skip
    print(
        f"RESULT min_f1={test['min_f1']:.3f} mean_f1={test['mean_f1']:.3f} "
        f"clean_false_alarm={test['clean_false_alarm']:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
