// Funnel view: contacted -> replied -> interested -> enrolled, totals with conversion rates and
// a per-day chart, for all outreach or one campaign.
import { api, listAll } from './api.js';
import { clearError, errorSlot, h, replaceChildren, showError } from './dom.js';
import { SERIES, funnelChart } from './funnel_chart.js';

const percent = (rate) => `${(Number(rate || 0) * 100).toFixed(0)}%`;

export function mountFunnel(container) {
  const slot = errorSlot('funnel-error');
  const campaign = h('select', { 'data-testid': 'funnel-campaign' }, h('option', { value: '' }, 'all outreach'));
  const totals = h('div', { class: 'totals', 'data-testid': 'funnel-totals' });
  const range = h('p', { class: 'meta', 'data-testid': 'funnel-range' });
  const chartSlot = h('div', { class: 'chart-box' });

  async function loadCampaigns() {
    const chosen = campaign.value;
    const campaigns = await listAll('/v1/outreach/campaigns', 'campaigns', { limit: 500 });
    replaceChildren(campaign, h('option', { value: '' }, 'all outreach'),
      campaigns.map((c) => h('option', { value: c.id, 'data-name': c.name }, `${c.name} (${c.state.toLowerCase()})`)));
    campaign.value = campaigns.some((c) => c.id === chosen) ? chosen : '';
  }

  async function loadFunnel() {
    clearError(slot);
    try {
      const funnel = await api('GET', '/v1/outreach/funnel', { query: { campaign_id: campaign.value } });
      const counts = funnel.totals || {};
      range.textContent = `${funnel.fromDate} to ${funnel.toDate}` +
        ` · reply rate ${percent(funnel.replyRate)} · interest rate ${percent(funnel.interestRate)}` +
        ` · enrol rate ${percent(funnel.enrolRate)}`;
      replaceChildren(totals, SERIES.map((series) =>
        h('div', { class: `total ${series}` },
          h('span', { class: 'count', 'data-testid': `funnel-total-${series}` }, String(Number(counts[series] || 0))),
          h('span', { class: 'label' }, series))),
        h('div', { class: 'total other' },
          h('span', { class: 'count' }, String(Number(counts.declined || 0) + Number(counts.noResponse || 0) + Number(counts.optedOut || 0))),
          h('span', { class: 'label' }, 'declined / no response / opted out')));
      replaceChildren(chartSlot, funnelChart(funnel.days || []));
    } catch (error) {
      showError(slot, 'Loading the funnel', error);
    }
  }

  async function refresh() {
    clearError(slot);
    try {
      await loadCampaigns();
    } catch (error) {
      showError(slot, 'Loading the campaigns', error);
      return;
    }
    await loadFunnel();
  }

  campaign.addEventListener('change', loadFunnel);
  replaceChildren(container,
    h('div', { class: 'view-head' }, h('h2', {}, 'Funnel'),
      h('label', { class: 'inline' }, 'Campaign ', campaign)),
    range, slot, totals, chartSlot,
    h('ul', { class: 'legend' }, SERIES.map((series) => h('li', { class: series }, series))));
  return { refresh };
}
