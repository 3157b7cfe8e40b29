"""Hand-written SVG bar charts of medians: one file per (suite, metric), one panel per scenario,
one bar per implementation, a thin line across each bar's min..max over rounds."""
import html
import os

from results import HIGHER_IS_BETTER, human

PANEL_W = 470
LABEL_W = 150
BAR_AREA = 220
ROW_H = 18
PANEL_PAD = 34
COLUMNS = 2
OURS_COLOUR = "#d9480f"
PEER_COLOUR = "#5c7cfa"


def _panel(view, scenario, metric, x0, y0):
    impls = view.impls_in(scenario, metric)
    medians = {i: view.median_of(scenario, metric, i) for i in impls}
    impls.sort(key=lambda i: medians[i], reverse=metric in HIGHER_IS_BETTER)
    top = max(view.spread(scenario, metric, i)[1] for i in impls) or 1.0
    unit = view.units.get(metric, "")
    parts = ['<text x="%d" y="%d" class="panel">%s</text>' % (x0, y0 + 16, html.escape(scenario))]
    for row, impl in enumerate(impls):
        y = y0 + PANEL_PAD + row * ROW_H
        lo, hi = view.spread(scenario, metric, impl)
        width = BAR_AREA * medians[impl] / top
        colour = OURS_COLOUR if impl == view.ours else PEER_COLOUR
        parts.append('<text x="%d" y="%d" class="label">%s</text>'
                     % (x0 + LABEL_W - 6, y + 12, html.escape(impl)))
        parts.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>'
                     % (x0 + LABEL_W, y + 2, max(width, 1.0), ROW_H - 5, colour))
        parts.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#222" stroke-width="1"/>'
                     % (x0 + LABEL_W + BAR_AREA * lo / top, x0 + LABEL_W + BAR_AREA * hi / top,
                        y + ROW_H // 2, y + ROW_H // 2))
        parts.append('<text x="%.1f" y="%d" class="value">%s</text>'
                     % (x0 + LABEL_W + BAR_AREA * hi / top + 4, y + 12,
                        html.escape(human(medians[impl], unit))))
    return parts, PANEL_PAD + len(impls) * ROW_H + 16


def write_chart(view, metric, out_dir):
    """Writes <out_dir>/<suite>-<metric>.svg; returns its path, or None without data."""
    scenarios = [s for s in view.scenarios if view.impls_in(s, metric)]
    if not scenarios:
        return None
    direction = "higher is better" if metric in HIGHER_IS_BETTER else "lower is better"
    unit = view.units.get(metric, "")
    body = []
    y_col = [50] * COLUMNS
    for k, scenario in enumerate(scenarios):
        col = k % COLUMNS
        parts, height = _panel(view, scenario, metric, 10 + col * PANEL_W, y_col[col])
        body.extend(parts)
        y_col[col] += height
    width, height = COLUMNS * PANEL_W + 20, max(y_col) + 10
    title = "%s: %s (%s, median of rounds; line = min..max; %s)" % (
        view.suite, metric, unit, direction)
    svg = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
        'font-family="sans-serif">' % (width, height),
        '<style>.title{font-size:15px;font-weight:bold}.panel{font-size:13px;font-weight:bold}'
        '.label{font-size:11px;text-anchor:end}.value{font-size:10px;fill:#333}</style>',
        '<rect width="100%" height="100%" fill="white"/>',
        '<text x="10" y="24" class="title">%s</text>' % html.escape(title),
    ] + body + ["</svg>"]
    path = os.path.join(out_dir, "%s-%s.svg" % (view.suite, metric))
    with open(path, "w") as f:
        f.write("\n".join(svg) + "\n")
    return path
