"""Writes build/bench/report.md and the SVG charts from results.jsonl; generic over suites.

Usage: report.py OUT_DIR                      (report.md + charts)
       report.py OUT_DIR --summary SUITE      (a plain-text headline table on stdout)

Per-suite options come from bench/<suite>/report.json (all optional):
  scenario_order, headline_metrics, headline_peers (peers every scenario is compared with),
  peer_groups ({"label": [impls]}: compared with the best member per scenario),
  ratio_metrics (metrics compared with the peers in every scenario that has them, besides the
  one the scenario is judged by), chart_metrics, resource_metrics (extra columns),
  floor_impls (runtime-free baselines: every row gets its ratio to the best of them),
  notes (a markdown file beside it).
"""
import json
import os
import sys

import svg_charts
from results import (headline_metric, human, load, load_failures, load_suite_config,
                     ordered_unique, suite_view)

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
WIDE = 1.5  # max/min of the pairwise ratios above this is called out as a wide spread


def fmt_ratio(r):
    if r is None:
        return "-"
    med, lo, hi, _ = r
    flag = " (wide)" if lo > 0 and hi / lo > WIDE else ""
    return "%.2fx [%.2f-%.2f]%s" % (med, lo, hi, flag)


def comparisons_for(view, scenario, metric):
    """(label, peer, ratio) for each headline peer and the best member of each peer group."""
    comparisons = []
    for peer in view.config.get("headline_peers", []):
        comparisons.append(("vs " + peer, peer, view.ratio(scenario, metric, peer)))
    for label, members in view.config.get("peer_groups", {}).items():
        best = view.best_peer(scenario, metric, among=members)
        comparisons.append(("vs " + label, best, view.ratio(scenario, metric, best) if best else None))
    return comparisons


def compared_metrics(view, scenario):
    """The metric a scenario is judged by, then the suite's ratio_metrics that it has."""
    metric = headline_metric(view, scenario)
    if metric is None:
        return []
    present = view.metrics(scenario)
    return ordered_unique([metric] + [m for m in view.config.get("ratio_metrics", [])
                                      if m in present])


def headline_rows(view):
    """Per scenario and compared metric: our median, then (label, peer, ratio) per comparison."""
    rows = []
    for scenario in view.scenarios:
        for metric in compared_metrics(view, scenario):
            if view.median_of(scenario, metric, view.ours) is None:
                continue
            comparisons = comparisons_for(view, scenario, metric)
            rows.append((scenario, metric, view.median_of(scenario, metric, view.ours),
                         comparisons))
    # Extra [scenario, metric] pairs the suite wants in the headline (e.g. peak RSS of one run).
    for scenario, metric in view.config.get("headline_extra", []):
        if view.median_of(scenario, metric, view.ours) is None:
            continue
        comparisons = comparisons_for(view, scenario, metric)
        rows.append((scenario, metric, view.median_of(scenario, metric, view.ours), comparisons))
    return rows


def markdown_suite(view, out):
    out.append("## Suite `%s`\n" % view.suite)
    out.append("Ratios are ours (`%s`) / peer, as the median of the per-round pairwise ratios "
               "with [min-max]. For throughput and req/s above 1 means ours is faster; for latency, "
               "time and memory below 1 means ours is smaller. \"(wide)\" marks max/min > %.1f.\n"
               % (view.ours, WIDE))
    headline = headline_rows(view)
    if headline:
        labels = [c[0] for c in headline[0][3]]
        out.append("### Headline\n")
        out.append("| scenario | metric | %s | %s |" % (view.ours, " | ".join(labels)))
        out.append("|---|---|---|%s" % ("---|" * len(labels)))
        for scenario, metric, ours, comparisons in headline:
            cells = []
            for _, peer, ratio in comparisons:
                cells.append("%s (%s)" % (fmt_ratio(ratio), peer) if peer else "-")
            out.append("| %s | %s | %s | %s |" % (scenario, metric,
                                                  human(ours, view.units.get(metric)),
                                                  " | ".join(cells)))
        out.append("")
    elif view.ours not in view.impls or not any(
            view.by_round(s, m, view.ours) for s in view.scenarios for m in view.metrics(s)):
        out.append("**No `%s` results in this run: peers only, no ratios.**\n" % view.ours)

    extra = view.config.get("resource_metrics", ["cpu_time", "peak_rss"])
    for scenario in view.scenarios:
        metric = headline_metric(view, scenario)
        ratio_metrics = compared_metrics(view, scenario)
        metrics = ordered_unique([m for m in view.config.get("headline_metrics", [])
                                  if m in view.metrics(scenario)] or [metric])
        columns = metrics + [m for m in extra if m in view.metrics(scenario) and m not in metrics]
        sizes = sorted({r["n"] for r in view.rows if r["scenario"] == scenario and "n" in r})
        size_note = " (n = %s)" % ", ".join("{:,}".format(n) for n in sizes) if sizes else ""
        out.append("### %s%s\n" % (scenario, size_note))
        head = ["impl"] + ["%s (%s)" % (m, view.units.get(m, "")) for m in columns]
        floor = view.best_peer(scenario, metric, among=view.config["floor_impls"]) \
            if view.config.get("floor_impls") else None
        head += ["ours/impl %s" % m for m in ratio_metrics]
        head += ["impl/%s %s" % (floor, metric)] if floor else []
        head += ["rounds"]
        out.append("| " + " | ".join(head) + " |")
        out.append("|" + "---|" * len(head))
        for impl in view.impls_in(scenario, metric):
            cells = [("**%s**" % impl) if impl == view.ours else impl]
            for m in columns:
                cells.append(human(view.median_of(scenario, m, impl), view.units.get(m)))
            for m in ratio_metrics:
                cells.append("" if impl == view.ours else fmt_ratio(view.ratio(scenario, m, impl)))
            if floor:
                cells.append(_floor_ratio(view, scenario, metric, impl, floor))
            cells.append(str(len(view.by_round(scenario, metric, impl))))
            out.append("| " + " | ".join(cells) + " |")
        wide = [impl for impl in view.impls_in(scenario, metric)
                if _spread_is_wide(view, scenario, metric, impl)]
        if wide:
            out.append("\nWide run-to-run spread (max/min > %.1f) of %s for: %s."
                       % (WIDE, metric, ", ".join(wide)))
        out.append("")


def _floor_ratio(view, scenario, metric, impl, floor):
    """impl's median over the floor's: how far a server is from what the kernel alone costs."""
    ours, base = view.median_of(scenario, metric, impl), view.median_of(scenario, metric, floor)
    return "%.2fx" % (ours / base) if ours is not None and base else "-"


def _spread_is_wide(view, scenario, metric, impl):
    lo, hi = view.spread(scenario, metric, impl)
    return lo is not None and lo > 0 and hi / lo > WIDE


def write_report(out_dir):
    rows = load(os.path.join(out_dir, "results.jsonl"))
    failures = load_failures(os.path.join(out_dir, "failures.jsonl"))
    meta_path = os.path.join(out_dir, "meta.json")
    meta = json.load(open(meta_path)) if os.path.exists(meta_path) else {}
    out = ["# Benchmark report\n"]
    if meta:
        out.append("Run: %s. %s rounds, interleaved (every implementation once per round, order "
                   "reversed on odd rounds); %s. Machine: %s, %s CPUs, load average at start %s."
                   " No CPU pinning unless a suite's notes say so. Source: %s. Compilers: %s.\n"
                   % (meta.get("date"), meta.get("rounds"),
                      "quick mode" if meta.get("quick") else "full mode",
                      meta.get("cpu"), meta.get("cpus"), meta.get("load"),
                      meta.get("revision", "unknown"), meta.get("compilers", "not recorded")))
    if failures:
        out.append("## FAILED runs (no numbers recorded for these)\n")
        for f in failures:
            out.append("- **%s %s %s round %s**: %s" % (f["suite"], f["scenario"], f["impl"],
                                                         f["round"], f["error"]))
        out.append("")
    charts = []
    for suite in ordered_unique(r["suite"] for r in rows):
        view = suite_view(rows, suite, load_suite_config(REPO, suite))
        markdown_suite(view, out)
        for metric in view.config.get("chart_metrics", ["throughput"]):
            path = svg_charts.write_chart(view, metric, out_dir)
            if path:
                charts.append(os.path.basename(path))
        notes = view.config.get("notes")
        if notes:
            with open(os.path.join(REPO, "bench", suite, notes)) as f:
                out.append(f.read().strip() + "\n")
    if charts:
        out.append("## Charts\n")
        out.extend("- [%s](%s)" % (c, c) for c in charts)
        out.append("")
    with open(os.path.join(out_dir, "report.md"), "w") as f:
        f.write("\n".join(out))
    return failures


def print_summary(out_dir, suite):
    rows = load(os.path.join(out_dir, "results.jsonl"))
    view = suite_view(rows, suite, load_suite_config(REPO, suite))
    headline = headline_rows(view)
    if not headline:
        print("no %s results to compare" % suite)
        return
    labels = [c[0] for c in headline[0][3]]
    widths = [max([20] + [len(r[0]) for r in headline]), 16, 11] + [34] * len(labels)
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths))
    print(line(["scenario", "metric", suite] + labels))
    for scenario, metric, ours, comparisons in headline:
        cells = [scenario, metric, human(ours, view.units.get(metric))]
        for _, peer, ratio in comparisons:
            cells.append("%s %s" % (("%.2fx [%.2f-%.2f]" % ratio[:3]) if ratio else "-", peer or ""))
        print(line(cells))
    print("ratio = %s / peer, median [min-max] of the per-round ratios. throughput, req/s: >1 is "
          "faster; latency and peak_rss: <1 is lower.\n\"best\" peer of a group = the one with "
          "the best median in that row (fastest, or smallest for memory)." % suite)


def main():
    out_dir = sys.argv[1]
    if len(sys.argv) > 3 and sys.argv[2] == "--summary":
        print_summary(out_dir, sys.argv[3])
        return 0
    failures = write_report(out_dir)
    print("bench: wrote %s" % os.path.join(out_dir, "report.md"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
