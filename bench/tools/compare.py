#!/usr/bin/env python3
"""Prints a head-to-head comparison from interleaved results (bench/*/compare_builds.sh).

  compare.py RESULTS_JSONL SUITE IMPL READING

For each scenario of SUITE: IMPL's median of the headline metric, then for every other
implementation its median and the median [min-max] of the per-round ratios IMPL/other.
READING says how to read a ratio (printed in the heading), e.g. "times: <1 = current is faster".
"""
import sys

from results import headline_metric, human, load, suite_view


def main(path, suite, own, reading):
    view = suite_view(load(path), suite)
    print("current/impl, median [min-max] of per-round ratios (%s)" % reading)
    for s in view.scenarios:
        m = headline_metric(view, s)
        print("%-24s current %s" % (s, human(view.median_of(s, m, own), view.units[m])))
        for impl in view.impls_in(s, m):
            if impl == own:
                continue
            r = view.ratio(s, m, impl)
            print("  vs %-16s %8s  %.2fx [%.2f-%.2f]" % (
                impl, human(view.median_of(s, m, impl), view.units[m]), r[0], r[1], r[2]))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit("usage: compare.py RESULTS_JSONL SUITE IMPL READING")
    main(*sys.argv[1:])
