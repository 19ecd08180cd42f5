// The funnel as an SVG chart drawn by hand (no chart library): for every day of the range a group
// of four bars, contacted, replied, interested and enrolled, side by side.
const SVG = 'http://www.w3.org/2000/svg';
export const SERIES = ['contacted', 'replied', 'interested', 'enrolled'];

function svg(tag, attributes, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

// A round upper bound for the y axis (2, 4, 10, 20, 40, 100...), even so its half is a whole count.
function niceCeiling(value) {
  if (value <= 2) return 2;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 4, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

export function funnelChart(days) {
  const width = 760;
  const height = 280;
  const margin = { top: 16, right: 16, bottom: 36, left: 40 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const count = (day, series) => Number((day.counts || {})[series] || 0);
  const top = niceCeiling(Math.max(0, ...days.flatMap((day) => SERIES.map((s) => count(day, s)))));
  const slot = plotWidth / Math.max(1, days.length);
  const barWidth = Math.max(1, (slot * 0.8) / SERIES.length);
  const y = (value) => margin.top + plotHeight - (value / top) * plotHeight;

  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'data-testid': 'funnel-chart',
    'aria-label': 'contacted, replied, interested and enrolled per day',
  });
  for (const tick of [0, top / 2, top]) {
    chart.append(svg('line', { x1: margin.left, x2: width - margin.right, y1: y(tick), y2: y(tick), class: 'grid' }));
    chart.append(svg('text', { x: margin.left - 6, y: y(tick) + 4, class: 'axis', 'text-anchor': 'end' }, tick));
  }
  const last = days.length - 1;
  days.forEach((day, index) => {
    const left = margin.left + index * slot + slot * 0.1;
    if (index === 0 || index === last || index === Math.floor(last / 2)) {
      const anchor = index === 0 ? 'start' : index === last ? 'end' : 'middle';
      const x = anchor === 'start' ? left : anchor === 'end' ? left + slot * 0.8 : left + slot * 0.4;
      chart.append(svg('text', { x, y: height - 12, class: 'axis', 'text-anchor': anchor }, day.date));
    }
    SERIES.forEach((series, position) => {
      const value = count(day, series);
      if (!value) return;
      const bar = svg('rect', {
        x: left + position * barWidth, y: y(value), width: barWidth, height: y(0) - y(value),
        class: `bar ${series}`, 'data-date': day.date, 'data-series': series,
      });
      bar.append(svg('title', {}, `${day.date}: ${value} ${series}`));
      chart.append(bar);
    });
  });
  return chart;
}
