/** The report's stylesheet, inlined in report.html (no external fonts or files). */
export const REPORT_CSS = `
:root {
  --bg: #f5f6f8; --card: #fff; --text: #1d2330; --muted: #667085; --line: #e4e7ec;
  --accent: #2563eb; --good: #16a34a; --bad: #dc2626; --warn: #d97706;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--text); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; max-width: 1280px; margin-inline: auto; line-height: 1.4; }
header.top { display: flex; justify-content: space-between; align-items: flex-end; gap: 16px; flex-wrap: wrap;
  border-bottom: 1px solid var(--line); padding-bottom: 16px; margin-bottom: 20px; }
header.top h1 { margin: 0 0 4px; font-size: 26px; }
header.top .sub { color: var(--muted); font-size: 14px; }
header.top .times { display: grid; grid-template-columns: auto auto; gap: 2px 12px; font-size: 14px; }
header.top .times dt { color: var(--muted); }
header.top .times dd { margin: 0; font-variant-numeric: tabular-nums; }
.banner { background: #eff6ff; border: 1px solid #bfdbfe; color: #1e3a8a; border-radius: 8px; padding: 10px 14px;
  margin-bottom: 16px; font-size: 14px; }
.banner.attention { background: #fff7ed; border-color: #fed7aa; color: #7c2d12; }
.banner button { margin-left: 8px; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-bottom: 20px; }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
.kpi .label { color: var(--muted); font-size: 13px; text-transform: uppercase; letter-spacing: .04em; }
.kpi .value { font-size: 28px; font-weight: 650; margin: 4px 0 2px; font-variant-numeric: tabular-nums; }
.kpi .hint { color: var(--muted); font-size: 13px; }
.kpi.good .value { color: var(--good); } .kpi.bad .value { color: var(--bad); } .kpi.warn .value { color: var(--warn); }
.charts { display: grid; grid-template-columns: 1fr 1.2fr; gap: 12px; margin-bottom: 20px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
.card h2 { font-size: 15px; margin: 0 0 10px; }
.chart-box { position: relative; height: 260px; }
.chart-box.short { height: 110px; }
.charts .wide { grid-column: 1 / -1; }
.donut { display: grid; grid-template-columns: 220px 1fr; gap: 16px; align-items: center; }
.donut .chart-box { height: 220px; }
.legend { list-style: none; margin: 0; padding: 0; font-size: 13px; display: grid; gap: 3px; }
.legend li { display: grid; grid-template-columns: 12px 1fr auto auto; gap: 8px; align-items: center; }
.legend .swatch { width: 12px; height: 12px; border-radius: 3px; }
.legend .n { font-variant-numeric: tabular-nums; font-weight: 600; text-align: right; }
.legend .pct { color: var(--muted); font-variant-numeric: tabular-nums; min-width: 3.5em; text-align: right; }
.empty { color: var(--muted); font-size: 14px; padding: 24px 0; text-align: center; }
.controls { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; margin-bottom: 10px; }
.controls input[type=search] { flex: 1 1 260px; padding: 8px 10px; border: 1px solid var(--line); border-radius: 8px; font: inherit; }
.controls select, button { padding: 7px 10px; border: 1px solid var(--line); border-radius: 8px; background: #fff; font: inherit; cursor: pointer; }
button:disabled { opacity: .5; cursor: default; }
.controls .full-text { font-size: 14px; color: var(--muted); display: flex; gap: 4px; align-items: center; }
.scan { color: var(--muted); font-size: 13px; margin-top: 8px; }
.controls .count { color: var(--muted); font-size: 14px; margin-left: auto; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr.row { cursor: pointer; }
tbody tr.row:hover, tbody tr.row:focus { background: #f8fafc; outline: none; }
tbody tr.row.open { background: #eef2ff; }
td.excerpt { max-width: 320px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; color: var(--muted); }
.phone { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.badge { display: inline-block; padding: 2px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; color: #fff; white-space: nowrap; }
.goal-yes { color: var(--good); font-weight: 700; } .goal-no { color: var(--bad); } .dim { color: var(--muted); }
.pager { display: flex; gap: 8px; justify-content: flex-end; align-items: center; margin-top: 10px; font-size: 14px; }
tr.detail > td { background: #fafbff; padding: 16px 18px; }
.detail-grid { display: grid; grid-template-columns: minmax(220px, 320px) 1fr; gap: 20px; }
.detail-grid h3 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 6px; }
.detail-grid .facts { display: grid; grid-template-columns: auto 1fr; gap: 4px 10px; margin: 0 0 12px; }
.detail-grid .facts dt { color: var(--muted); } .detail-grid .facts dd { margin: 0; word-break: break-word; }
.detail-grid audio { width: 100%; margin: 4px 0 12px; }
.error-text { color: var(--bad); }
.transcript { display: flex; flex-direction: column; gap: 6px; max-height: 420px; overflow: auto; }
.turn { max-width: 80%; padding: 8px 12px; border-radius: 12px; white-space: pre-wrap; word-break: break-word; }
.turn.assistant { background: #e0e7ff; align-self: flex-start; }
.turn.user { background: #dcfce7; align-self: flex-end; }
.turn .who { display: block; font-size: 11px; color: var(--muted); text-transform: uppercase; margin-bottom: 2px; }
#dispositions, #review-queue { margin-bottom: 20px; }
.disposition-list { list-style: none; margin: 0; padding: 0; display: grid; gap: 2px 20px; font-size: 14px;
  grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); }
.disposition-list li { display: grid; grid-template-columns: 1fr auto auto auto; gap: 8px; align-items: center;
  padding: 4px 0; border-bottom: 1px solid var(--line); }
.disposition-list li.zero { color: var(--muted); }
.disposition-list .n { font-weight: 600; font-variant-numeric: tabular-nums; text-align: right; }
.disposition-list .pct { color: var(--muted); font-variant-numeric: tabular-nums; min-width: 3.5em; text-align: right; }
.tag { font-size: 11px; color: #9a3412; border: 1px solid #fed7aa; border-radius: 999px; padding: 0 6px; }
.disposition { display: inline-block; padding: 2px 8px; border-radius: 999px; font-size: 12px; font-weight: 600;
  background: #e2e8f0; color: var(--text); white-space: nowrap; }
.disposition.review { background: #ffedd5; color: #9a3412; }
#review-queue .hint { color: var(--muted); font-size: 14px; margin: 0 0 10px; }
.review-scroll { max-height: 640px; overflow: auto; }
.review-table td { vertical-align: top; }
.review-table td.phone { white-space: nowrap; }
.review-table .rule { color: var(--muted); font-size: 13px; min-width: 120px; max-width: 200px; word-break: break-word; }
.review-table .captured { min-width: 120px; max-width: 220px; word-break: break-word; }
.review-table .turns { min-width: 260px; max-width: 440px; }
.review-table .key { color: var(--muted); font-size: 12px; }
.review-table audio { width: 180px; display: block; margin-bottom: 2px; }
.review-turn { font-size: 13px; margin-bottom: 3px; word-break: break-word; }
.review-turn .who { color: var(--muted); font-size: 11px; text-transform: uppercase; margin-right: 4px; }
footer { margin-top: 28px; color: var(--muted); font-size: 12px; }
@media (max-width: 860px) { .charts, .detail-grid, .donut { grid-template-columns: 1fr; } body { padding: 16px; } }
@media print { .controls, .pager { display: none; } .review-scroll { max-height: none; } body { background: #fff; } }
`;
