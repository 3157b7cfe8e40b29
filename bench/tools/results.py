"""Loading and summarising contract result lines (build/bench/results.jsonl).

Generic over suites: "ours" in a suite is the implementation named like the suite
(flume-lock, kov, esp-blink); every other implementation is a peer.
"""
import json
import os
import statistics

REQUIRED = ("suite", "scenario", "impl", "metric", "unit", "value", "round")

# Metrics where a larger value is better; every other metric is a cost (smaller is better).
HIGHER_IS_BETTER = {"throughput", "req_per_s"}


def load(path):
    """Result rows from a JSONL file; lines missing contract fields are skipped."""
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            row = json.loads(line)
            if all(k in row for k in REQUIRED) and isinstance(row["value"], (int, float)):
                rows.append(row)
    return rows


def load_failures(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def ordered_unique(values):
    seen = []
    for v in values:
        if v not in seen:
            seen.append(v)
    return seen


def median(values):
    return statistics.median(values) if values else None


class suite_view:
    """Values of one suite indexed as (scenario, metric, impl) -> {round: value}."""

    def __init__(self, rows, suite, config=None):
        self.suite = suite
        self.config = config or {}
        self.rows = [r for r in rows if r["suite"] == suite]
        self.scenarios = self._ordered_scenarios()
        self.impls = ordered_unique([suite] + [r["impl"] for r in self.rows])
        self.values = {}
        self.units = {}
        for r in self.rows:
            key = (r["scenario"], r["metric"], r["impl"])
            self.values.setdefault(key, {})[r["round"]] = float(r["value"])
            self.units[r["metric"]] = r["unit"]

    def _ordered_scenarios(self):
        listed = self.config.get("scenario_order", [])
        present = ordered_unique(r["scenario"] for r in self.rows)
        return [s for s in listed if s in present] + [s for s in present if s not in listed]

    @property
    def ours(self):
        return self.suite

    def metrics(self, scenario):
        return ordered_unique(r["metric"] for r in self.rows if r["scenario"] == scenario)

    def impls_in(self, scenario, metric):
        return [i for i in self.impls if (scenario, metric, i) in self.values]

    def by_round(self, scenario, metric, impl):
        return self.values.get((scenario, metric, impl), {})

    def median_of(self, scenario, metric, impl):
        return median(list(self.by_round(scenario, metric, impl).values()))

    def spread(self, scenario, metric, impl):
        v = list(self.by_round(scenario, metric, impl).values())
        return (min(v), max(v)) if v else (None, None)

    def ratio(self, scenario, metric, peer):
        """Median, min and max of ours/peer over rounds both have, or None."""
        ours = self.by_round(scenario, metric, self.ours)
        theirs = self.by_round(scenario, metric, peer)
        ratios = [ours[k] / theirs[k] for k in ours if k in theirs and theirs[k] != 0]
        if not ratios:
            return None
        return median(ratios), min(ratios), max(ratios), len(ratios)

    def best_peer(self, scenario, metric, among=None):
        """The peer with the best median in this scenario (optionally among a given set)."""
        best = None
        own = self.config.get("own_flavours", [])  # ours too, under another name: not peers
        for impl in self.impls_in(scenario, metric):
            if impl == self.ours or impl in own or (among is not None and impl not in among):
                continue
            m = self.median_of(scenario, metric, impl)
            if best is None or is_better(metric, m, best[1]):
                best = (impl, m)
        return best[0] if best else None


def is_better(metric, a, b):
    return a > b if metric in HIGHER_IS_BETTER else a < b


def load_suite_config(repo_root, suite):
    """Optional bench/<suite>/report.json: scenario order, headline metric, peer groups, notes."""
    path = os.path.join(repo_root, "bench", suite, "report.json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return json.load(f)


def headline_metric(view, scenario):
    """The metric a scenario is judged by: the configured one if present, else the first."""
    for m in view.config.get("headline_metrics", ["throughput", "req_per_s", "ns_per_op",
                                                   "latency_p50"]):
        if m in view.metrics(scenario):
            return m
    metrics = view.metrics(scenario)
    return metrics[0] if metrics else None


def human(value, unit):
    """A short human form of a value in its unit."""
    if value is None:
        return "-"
    if unit == "msg/s" or unit == "req/s":
        return "%.2f M" % (value / 1e6) if value >= 1e6 else "%.1f k" % (value / 1e3)
    if unit == "bytes":
        if value < 10240:
            return "%d B" % value
        return "%.1f KiB" % (value / 1024) if value < 2**20 else "%.1f MiB" % (value / 2**20)
    if unit == "ns":
        return "%.2f us" % (value / 1e3) if value >= 1e4 else "%.0f ns" % value
    if unit == "us":
        return "%.2f ms" % (value / 1e3) if value >= 1e4 else "%.1f us" % value
    if unit == "s":
        return "%.3f s" % value
    return "%.4g" % value
