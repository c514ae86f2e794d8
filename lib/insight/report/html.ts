// The report as a self-contained HTML page: the same charts as the text, drawn as inline SVG.
import { concurrency } from './analysis.ts';
import { formatMs } from './text.ts';
import type { Report, StepKind } from './types.ts';
import { maxOf, minOf } from './util.ts';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const kindColour: Record<StepKind, string> = { compile: '#4e79a7', archive: '#f28e2b', link: '#e15759', link_shared: '#b07aa1', symlink: '#bab0ac', action: '#59a14f', dependency: '#edc948', other: '#9c755f' };

/** Horizontal bars as inline SVG: label, bar, value. */
function svgBars(rows: readonly { label: string; ms: number; colour?: string; title?: string }[]): string {
  const rowH = 20;
  const labelW = 300;
  const barW = 520;
  const max = maxOf(rows.map((r) => r.ms), 1);
  const h = rows.length * rowH + 4;
  const parts = rows.map((r, i) => {
    const y = i * rowH + 2;
    const w = Math.max(1, (r.ms / max) * barW);
    const label = r.label.length > 44 ? `…${r.label.slice(-43)}` : r.label;
    return `<g><title>${esc(r.title ?? `${r.label}: ${formatMs(r.ms)}`)}</title><text x="${labelW - 6}" y="${y + 14}" text-anchor="end">${esc(label)}</text><rect x="${labelW}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${r.colour ?? '#4e79a7'}"/><text x="${(labelW + w + 6).toFixed(1)}" y="${y + 14}">${esc(formatMs(r.ms))}</text></g>`;
  });
  return `<svg class="bars" viewBox="0 0 ${labelW + barW + 90} ${h}" width="${labelW + barW + 90}" height="${h}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}

/** The timeline: one row per lane, each step a rectangle; critical-path steps outlined. */
function svgTimeline(r: Report): string {
  const width = 900;
  const rowH = 16;
  const lanes = maxOf(r.steps.map((s) => s.lane + 1), 1);
  const t0 = minOf(r.steps.map((s) => s.start));
  const scale = r.wallMs > 0 ? width / r.wallMs : 0;
  const critical = new Set(r.criticalPath.steps);
  const h = lanes * rowH + 24;
  const rects = r.steps.map((s, i) => {
    const x = (s.start - t0) * scale;
    const w = Math.max(1, s.ms * scale);
    const stroke = critical.has(i) ? ' stroke="#d00" stroke-width="2"' : '';
    return `<rect x="${x.toFixed(1)}" y="${s.lane * rowH + 2}" width="${w.toFixed(1)}" height="${rowH - 3}" fill="${kindColour[s.kind]}"${stroke}><title>${esc(`${s.outputs.join(' ')} (${s.target}): ${formatMs(s.ms)} from ${formatMs(s.start - t0)}${critical.has(i) ? ', on the critical path' : ''}`)}</title></rect>`;
  });
  const axis = [0, 0.25, 0.5, 0.75, 1].map((f) => `<text x="${(f * width).toFixed(1)}" y="${lanes * rowH + 18}" text-anchor="${f === 0 ? 'start' : f === 1 ? 'end' : 'middle'}">${esc(formatMs(f * r.wallMs))}</text>`);
  return `<svg class="timeline" viewBox="0 0 ${width} ${h}" width="${width}" height="${h}" xmlns="http://www.w3.org/2000/svg"><rect width="${width}" height="${lanes * rowH + 2}" fill="#f4f4f4"/>${rects.join('')}${axis.join('')}</svg>`;
}

/** Busy jobs over time as an area, with the job budget as a dashed line. */
function svgConcurrency(r: Report): string {
  const width = 900;
  const height = 120;
  const n = 300;
  const conc = concurrency(r, n);
  const top = Math.max(r.parallelism.budget, r.parallelism.peak, 1);
  const y = (v: number): number => height - (v / top) * (height - 10);
  const pts = conc.map((c, i) => `${((i + 0.5) * (width / n)).toFixed(1)},${y(c).toFixed(1)}`);
  const budgetY = y(r.parallelism.budget).toFixed(1);
  return `<svg class="conc" viewBox="0 0 ${width} ${height + 18}" width="${width}" height="${height + 18}" xmlns="http://www.w3.org/2000/svg"><polygon points="0,${height} ${pts.join(' ')} ${width},${height}" fill="#4e79a7" fill-opacity="0.7"/><line x1="0" x2="${width}" y1="${budgetY}" y2="${budgetY}" stroke="#d00" stroke-dasharray="6 4"><title>job budget: ${r.parallelism.budget}</title></line><text x="${width - 4}" y="${Number(budgetY) - 4}" text-anchor="end">budget ${r.parallelism.budget}</text><text x="2" y="${height + 15}">0</text><text x="${width - 2}" y="${height + 15}" text-anchor="end">${esc(formatMs(r.wallMs))}</text></svg>`;
}

/** A self-contained page (inline CSS and SVG, no scripts or external resources) with the same charts as the text. */
export function reportHtml(r: Report, comparison?: { readonly with: string; readonly text: string }): string {
  const p = r.parallelism;
  const t0 = minOf(r.steps.map((s) => s.start));
  const legend = (Object.keys(kindColour) as StepKind[]).filter((k) => r.steps.some((s) => s.kind === k)).map((k) => `<span class="key" style="background:${kindColour[k]}"></span>${esc(k)}`).join(' ');
  const sections = [
    `<h1>pogogen build report</h1><p class="meta">${esc(r.log)} · last build: ${r.steps.length} steps${r.earlier > 0 ? ` (${r.earlier} older log entries left out)` : ''}</p>`,
    `<table class="summary"><tr><th>wall time</th><td>${esc(formatMs(r.wallMs))}</td></tr><tr><th>busy (summed)</th><td>${esc(formatMs(r.busyMs))}</td></tr><tr><th>parallelism</th><td>${p.average.toFixed(2)} average, ${p.peak} peak, budget ${p.budget} (${Math.round(p.utilisation * 100)}% used)</td></tr><tr><th>critical path</th><td>${esc(formatMs(r.criticalPath.ms))} in ${r.criticalPath.steps.length} steps</td></tr>${r.ccache === undefined ? '' : `<tr><th>ccache</th><td>${r.ccache.rate === undefined ? 'no cacheable compiles yet' : `${Math.round(r.ccache.rate * 100)}% hits`} (${r.ccache.hits} hits, ${r.ccache.misses} misses; the cache's totals, not this build's alone)</td></tr>`}</table>`,
    `<h2>Jobs busy over time</h2>${svgConcurrency(r)}`,
    `<h2>Timeline</h2><p class="legend">${legend} · <span class="key crit"></span>critical path</p>${svgTimeline(r)}`,
    `<h2>Time per target</h2>${svgBars(r.targets.map((t) => ({ label: t.name, ms: t.ms, title: `${t.name}: ${formatMs(t.ms)} in ${t.steps} steps` })))}`,
    r.dependencies.length === 0 ? '' : `<h2>Time per dependency</h2>${svgBars(r.dependencies.map((d) => ({ label: d.name, ms: d.ms, colour: kindColour.dependency, title: `${d.name}: ${d.phases.map((ph) => `${ph.phase} ${formatMs(ph.ms)}`).join(', ')}` })))}`,
    `<h2>Slowest steps</h2>${svgBars(r.slowest.map((i) => r.steps[i]!).map((s) => ({ label: s.outputs[0]!, ms: s.ms, colour: kindColour[s.kind], title: `${s.outputs.join(' ')} (${s.target}): ${formatMs(s.ms)}` })))}`,
    `<h2>Critical path</h2><p>Each step reads an output of the one before; more jobs cannot make the build faster than ${esc(formatMs(r.criticalPath.ms))}.</p>${svgBars(r.criticalPath.steps.map((i) => r.steps[i]!).map((s) => ({ label: `${formatMs(s.start - t0)} ${s.outputs[0]!}`, ms: s.ms, colour: kindColour[s.kind] })))}`,
    comparison === undefined ? '' : `<h2>Compared with ${esc(comparison.with)}</h2><pre>${esc(comparison.text)}</pre>`,
  ];
  const css = 'body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}.meta{color:#666}table.summary th{text-align:left;padding-right:16px;font-weight:600}svg text{font:12px system-ui,sans-serif;fill:#222}.key{display:inline-block;width:12px;height:12px;margin:0 4px 0 8px;vertical-align:middle}.key.crit{border:2px solid #d00;background:#fff}pre{background:#f4f4f4;padding:8px}';
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>pogogen build report</title><style>${css}</style></head><body>\n${sections.filter((s) => s !== '').join('\n')}\n</body></html>\n`;
}
