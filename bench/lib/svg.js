// A line chart as hand-written SVG (no dependency): log-scale x (fleet size), linear y (seconds).
'use strict';

const W = 640;
const H = 380;
const M = { top: 44, right: 24, bottom: 56, left: 64 };
const COLORS = ['#1f6feb', '#8b949e', '#2da44e', '#cf222e'];

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A "nice" upper bound and tick step for values up to `max`. */
function niceScale(max) {
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw);
  return { top: Math.ceil(max / step) * step, step };
}

/**
 * series: [{ name, points: [[x, y], ...] }]; xs: the x values to tick (fleet sizes).
 * Returns the SVG text.
 */
function lineChart({ title, xLabel, yLabel, xs, series, yFormat = (v) => String(v) }) {
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const [lo, hi] = [Math.log10(Math.min(...xs)), Math.log10(Math.max(...xs))];
  const x = (v) => M.left + ((Math.log10(v) - lo) / (hi - lo || 1)) * plotW;
  const yMax = Math.max(...series.flatMap((s) => s.points.map((p) => p[1])));
  const { top, step } = niceScale(yMax || 1);
  const y = (v) => M.top + plotH - (v / top) * plotH;
  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="-apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="15" font-weight="600" fill="#24292f">${esc(title)}</text>`);
  for (let v = 0; v <= top + step / 2; v += step) {
    out.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#d0d7de" stroke-width="1"/>`,
    );
    out.push(
      `<text x="${M.left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#57606a">${esc(yFormat(Number(v.toPrecision(6))))}</text>`,
    );
  }
  for (const v of xs) {
    out.push(`<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${M.top + plotH}" y2="${M.top + plotH + 5}" stroke="#57606a"/>`);
    out.push(
      `<text x="${x(v).toFixed(1)}" y="${M.top + plotH + 19}" text-anchor="middle" fill="#57606a">${esc(v.toLocaleString('en-US'))}</text>`,
    );
  }
  out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${M.top + plotH}" y2="${M.top + plotH}" stroke="#57606a"/>`);
  out.push(`<text x="${M.left + plotW / 2}" y="${H - 14}" text-anchor="middle" fill="#24292f">${esc(xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#24292f">${esc(yLabel)}</text>`);
  series.forEach((s, i) => {
    const color = s.color ?? COLORS[i % COLORS.length];
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    const pts = s.points.map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    for (const [px, py] of s.points)
      out.push(
        `<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="3.5" fill="${color}"><title>${esc(`${s.name}: ${px} -> ${yFormat(py)}`)}</title></circle>`,
      );
    const ly = M.top + 8 + i * 18;
    out.push(`<line x1="${M.left + 12}" x2="${M.left + 36}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${M.left + 42}" y="${ly + 4}" fill="#24292f">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

module.exports = { lineChart };
