// The /finance/ page: signs in with a finance token (kept in sessionStorage), then reads and acts through
// the finance API. Plain browser JavaScript, no library, no inline handlers (the page's CSP forbids them).
// Every text from the server is put in the page with textContent, never as HTML. Every text the page
// itself says comes from the message catalogue (finance-messages.js), in 中文 or English.
'use strict';

(() => {
  const TOKEN_KEY = 'claim-relay.finance.token';
  const LANG_KEY = 'claim-relay.finance.lang';
  const TZ_KEY = 'claim-relay.finance.tz';
  const MESSAGES = window.FINANCE_MESSAGES;
  const STATUSES = ['pending', 'submitted', 'accepted', 'rejected', 'completed', 'cancelled', 'dead'];
  const PLATFORMS = /*PLATFORM_NAMES*/[]; // filled in from the platform registry when served (src/web/finance-page.ts)
  const PARTIES = ['WAREHOUSE', 'DELIVERY'];
  const FLAGS = ['payment-differs', 'share-uncovered', 'over-claimed', 'out-of-order', 'sub-fen-amount', 'claim-failed', 'submitted-stale', 'accepted-differs', 'resent-blind', 'claim-outdated', 'settled-differs', 'unsettled-stale'];
  const SERIES = [
    { key: 'judgedClaimAmount', label: 'judged', color: '#1f5f8b' },
    { key: 'paidAmount', label: 'paid', color: '#7fb3d5' },
    { key: 'claimedAmount', label: 'claimed', color: '#f79009' },
    { key: 'completedAmount', label: 'recovered', color: '#12b76a' },
  ];
  const DEVICE_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const ZONES = [...new Set([DEVICE_ZONE, 'Asia/Shanghai', 'UTC'])];
  /** After a retry, how often and how long the page asks for the claim again until it has left `pending`. */
  const REFRESH_EVERY_MS = 1000;
  const REFRESH_TIMES = 30;

  const state = {
    lang: localStorage.getItem(LANG_KEY) || (navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en'),
    tz: ZONES.includes(localStorage.getItem(TZ_KEY)) ? localStorage.getItem(TZ_KEY) : DEVICE_ZONE,
    token: sessionStorage.getItem(TOKEN_KEY),
    me: null,
    view: 'judgments',
    query: new URLSearchParams(),
    items: [],
    nextCursor: null,
    summary: null,
    daily: null,
    chartCurrency: null,
    currencies: new Set(['CNY']),
    parties: new Set(PARTIES),
    detail: null,
    preview: null,
    refreshing: null,
    rejected: [],
    rejectedCursor: null,
    errors: new Map(),
  };

  const $ = (selector) => document.querySelector(selector);
  const catalogue = () => MESSAGES[state.lang];
  /** A catalogue text, `{name}` filled from vars. */
  const t = (key, vars) => fill(catalogue()[key] ?? key, vars);
  /** A word of an enum group (statuses, parties…); an unknown value is shown as it is. */
  const word = (group, value) => (value === null || value === undefined || value === '' ? '—' : catalogue()[group][value] ?? String(value));
  const fill = (text, vars) => (vars ? text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m)) : text);
  const locale = () => (state.lang === 'zh' ? 'zh-CN' : 'en-GB');

  /** An element with attributes (class, data-*, …) and children (strings become text nodes). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      el.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) if (child !== null && child !== undefined) el.append(child instanceof Node ? child : String(child));
    return el;
  }
  const SVG_NS = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attrs || {})) el.setAttribute(name, String(value));
    for (const child of children) el.append(child instanceof Node ? child : String(child));
    return el;
  }

  // ---- numbers, money, times ----------------------------------------------------------------------

  /** Integer minor units of a decimal string ("89.90" → 8990), for chart heights only. */
  const minorOf = (decimal) => Number(String(decimal).replace('.', ''));
  /** Integer minor units back to a decimal string (8990 → "89.90"), without float arithmetic. */
  const decimalOf = (minor) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

  /**
   * A decimal string as money in the page's language, with the currency's own minor units (JPY none,
   * CNY two). The string goes to Intl.NumberFormat as it is: never through a float.
   */
  function moneyText(decimal, currency) {
    try {
      return new Intl.NumberFormat(locale(), { style: 'currency', currency, currencyDisplay: 'code' }).format(decimal);
    } catch (_) {
      return `${new Intl.NumberFormat(locale(), { minimumFractionDigits: 2 }).format(decimal)} ${currency || ''}`.trim();
    }
  }
  function money(decimal, currency) {
    if (decimal === null || decimal === undefined) return h('span', { class: 'muted' }, '—');
    return h('span', { class: 'money', 'data-amount': decimal, 'data-currency': currency || '' }, moneyText(decimal, currency));
  }
  const numberText = (decimal) => new Intl.NumberFormat(locale()).format(decimal);
  const currencyName = (code) => {
    try {
      return `${code} · ${new Intl.DisplayNames([locale()], { type: 'currency' }).of(code)}`;
    } catch (_) {
      return code;
    }
  };

  /** Minutes the zone is ahead of UTC at an instant (Asia/Shanghai: 480). */
  function zoneOffsetMinutes(zone, at) {
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    }).formatToParts(at).map((p) => [p.type, p.value]));
    const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
    return Math.round((asUtc - Math.floor(at / 1000) * 1000) / 60000);
  }
  /** The start of a calendar day (an <input type=date> value, plus some days) in the page's zone, as an ISO instant. */
  function zoneMidnight(value, plusDays) {
    const [y, m, d] = value.split('-').map(Number);
    const guess = Date.UTC(y, m - 1, d + plusDays);
    let at = guess - zoneOffsetMinutes(state.tz, guess) * 60000;
    at = guess - zoneOffsetMinutes(state.tz, at) * 60000; // the offset at that instant, across a DST change
    return new Date(at).toISOString();
  }
  function time(iso) {
    if (!iso) return '—';
    const text = new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'medium', timeZone: state.tz }).format(new Date(iso));
    return h('time', { datetime: iso, title: `${iso} (UTC)` }, text);
  }

  const flagBadges = (flags) => (flags || []).map((f) => h('span', { class: 'badge flag', 'data-flag': f, title: word('flagMeanings', f) }, word('flagNames', f)));
  /** Each flag with what it means, in words: where a judgment or claim shows its flags. */
  const flagNotes = (flags) => (flags && flags.length
    ? h('ul', { class: 'flag-notes' }, flags.map((f) => h('li', { 'data-flag-note': f }, h('span', { class: 'badge flag' }, word('flagNames', f)), ' ', word('flagMeanings', f))))
    : null);
  const statusBadge = (status) => h('span', { class: `badge ${status}`, 'data-status': status }, word('statuses', status));
  const pretty = (value) => h('pre', { tabindex: '0' }, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  const yesNo = (value) => (value === null || value === undefined ? '—' : value ? t('yes') : t('no'));

  // ---- API and its errors -------------------------------------------------------------------------

  /** A failed call: the server's stable error id (and refused field), translated only when shown. */
  class ApiFailure extends Error {
    constructor(id, vars) {
      super(id);
      this.id = id;
      this.vars = vars || {};
    }
  }
  function errorText(err) {
    if (!(err instanceof ApiFailure)) return catalogue().errors.network;
    const vars = { ...err.vars };
    if (vars.field) vars.field = fieldLabel(vars.field);
    return fill(catalogue().errors[err.id] ?? catalogue().errors.http, vars);
  }
  const fieldLabel = (field) => (typeof catalogue()[field] === 'string' ? catalogue()[field] : field);
  /** Shows an error in an element and keeps it, so that a change of language says it again. */
  function showError(selector, err) {
    state.errors.set(selector, err);
    $(selector).textContent = err ? errorText(err) : '';
  }

  async function api(path, options = {}) {
    let res;
    try {
      res = await fetch(path, { ...options, headers: { authorization: `Bearer ${state.token}`, ...(options.headers || {}) } });
    } catch (_) {
      throw new ApiFailure('network');
    }
    if (res.status === 401) {
      signOut();
      throw new ApiFailure('unauthorized');
    }
    if (!res.ok) {
      let body = {};
      try {
        body = await res.json();
      } catch (_) {
        // not JSON
      }
      throw new ApiFailure(typeof body.error === 'string' ? body.error : 'http', { field: body.field, status: res.status });
    }
    return res;
  }
  const getJson = async (path) => (await api(path)).json();

  // ---- sign-in ------------------------------------------------------------------------------------

  async function signIn(token) {
    state.token = token;
    try {
      state.me = await getJson('/api/me');
    } catch (err) {
      state.token = null;
      throw err;
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    showApp();
  }

  function signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    state.me = null;
    stopRefreshing();
    $('#app').hidden = true;
    $('#detail').hidden = true;
    $('#signout').hidden = true;
    $('#who').textContent = '';
    $('#signin').hidden = false;
    $('#token').value = '';
  }

  function showApp() {
    $('#signin').hidden = true;
    $('#app').hidden = false;
    $('#signout').hidden = false;
    renderWho();
    applyFilter();
  }

  function renderWho() {
    $('#who').textContent = state.me ? `${state.me.name} · ${word('role', state.me.role)}` : '';
  }

  // ---- filters ------------------------------------------------------------------------------------

  function fillSelect(select, values, label) {
    const current = select.value;
    select.replaceChildren(h('option', { value: '' }, t('any')), ...values.map((v) => h('option', { value: v }, label(v))));
    select.value = values.includes(current) ? current : '';
  }
  function fillFilterSelects() {
    const form = $('#filters');
    fillSelect(form.elements.responsibilityParty, [...state.parties], (p) => word('parties', p));
    fillSelect(form.elements.currency, [...state.currencies].sort(), currencyName);
    fillSelect(form.elements.status, STATUSES, (v) => word('statuses', v));
    fillSelect(form.elements.platform, PLATFORMS, (v) => word('platforms', v));
    fillSelect(form.elements.flag, FLAGS, (v) => word('flagNames', v));
  }
  /** Currencies and parties seen in answers join the filter's choices. */
  function learnChoices(summary) {
    const before = state.currencies.size + state.parties.size;
    for (const c of summary.currencies) {
      state.currencies.add(c.currency);
      for (const p of c.byResponsibilityParty || []) if (p.responsibilityParty) state.parties.add(p.responsibilityParty);
    }
    if (state.currencies.size + state.parties.size !== before) fillFilterSelects();
  }

  function readFilter() {
    const form = $('#filters');
    const query = new URLSearchParams();
    const from = form.elements.from.value;
    const to = form.elements.to.value;
    if (from && to && to < from) throw new ApiFailure('to-before-from');
    if (from) query.set('from', zoneMidnight(from, 0));
    if (to) query.set('to', zoneMidnight(to, 1)); // the whole of the "to" day
    for (const name of ['tenantId', 'responsibilityParty', 'currency', 'status', 'platform', 'flag', 'q']) {
      const value = form.elements[name].value.trim();
      if (value) query.set(name, value);
    }
    return query;
  }

  async function applyFilter() {
    showError('#filter-error', null);
    try {
      state.query = readFilter();
      await Promise.all([loadList(true), loadSummary(), loadDaily()]);
    } catch (err) {
      showError('#filter-error', err);
    }
  }

  /** Reset: every filter back to empty (the form's own reset, then the list again). */
  function clearFilters() {
    $('#filters').reset();
    applyFilter();
  }

  async function loadList(reset) {
    const query = new URLSearchParams(state.query);
    query.set('limit', '50');
    if (!reset && state.nextCursor) query.set('cursor', state.nextCursor);
    const page = await getJson(`/api/judgments?${query}`);
    state.items = reset ? page.items : [...state.items, ...page.items];
    state.nextCursor = page.nextCursor;
    renderTable();
  }
  async function loadSummary() {
    state.summary = await getJson(`/api/summary?${state.query}`);
    learnChoices(state.summary);
    renderTotals();
  }
  async function loadDaily() {
    const query = new URLSearchParams(state.query);
    query.set('utcOffsetMinutes', String(zoneOffsetMinutes(state.tz, Date.now())));
    state.daily = await getJson(`/api/summary/daily?${query}`);
    renderChart();
  }

  // ---- the table ----------------------------------------------------------------------------------

  /** A table cell labelled for the phone's card layout. */
  const cell = (labelKey, attrs, ...children) => h('td', { ...attrs, 'data-label': labelKey ? t(labelKey) : null }, ...children);

  function renderTable() {
    const rows = state.items.map((j) =>
      h('tr', { 'data-work-order': j.workOrderId, class: j.flags.length ? 'flagged' : null },
        cell('workOrderId', { class: 'num' }, String(j.workOrderId)),
        cell('externalOrderId', {}, j.externalOrderId || '—'),
        cell('tenantId', {}, j.tenantId || '—'),
        cell('responsibilityParty', { 'data-party': j.responsibilityParty || '' }, word('parties', j.responsibilityParty)),
        cell('ratios', { class: 'num' }, `${j.warehouseRatio ?? '—'} / ${j.deliveryRatio ?? '—'}`),
        cell('claimAmount', { class: 'num', 'data-col': 'claimAmount' }, money(j.claimAmount, j.currency)),
        cell('paymentAmount', { class: 'num', 'data-col': 'paymentAmount' }, money(j.paymentAmount, j.currency)),
        cell('receivedAt', {}, time(j.receivedAt)),
        cell('claims', {}, h('span', {}, j.claims.map((c) => h('span', { title: `${c.route} · ${word('platforms', c.platform)}` }, statusBadge(c.status))))),
        cell('flags', {}, h('span', {}, flagBadges(j.flags))),
        cell(null, { class: 'full' }, h('button', { type: 'button', 'data-open': j.workOrderId, 'aria-label': t('openWorkOrder', { id: j.workOrderId }) }, t('open'))),
      ),
    );
    $('#judgments tbody').replaceChildren(...rows);
    $('#empty').hidden = state.items.length > 0;
    $('#more').hidden = !state.nextCursor;
  }

  // ---- totals -------------------------------------------------------------------------------------

  function renderTotals() {
    const box = $('#totals');
    if (!state.summary) return;
    const currencies = state.summary.currencies;
    const blocks = currencies.map((c) => {
      const present = FLAGS.filter((f) => c.flags[f] > 0);
      return h('div', { class: 'currency-totals', 'data-currency': c.currency },
        h('h3', {}, `${t('totalsFor')} · ${currencyName(c.currency)}`),
        h('div', { class: 'totals' },
          ...['judgedClaimAmount', 'paidAmount', 'claimedAmount', 'acceptedAmount', 'completedAmount'].map((key) =>
            h('div', { class: 'total', 'data-total': key }, h('div', { class: 'label' }, t(key)), h('div', { class: 'value num' }, money(c[key], c.currency)))),
          h('div', { class: 'total' }, h('div', { class: 'label' }, t('judgments')), h('div', { class: 'value num', 'data-total': 'judgments' }, String(c.judgments))),
          h('div', { class: 'total' }, h('div', { class: 'label' }, t('claimCount')), h('div', { class: 'value num', 'data-total': 'claims' }, String(c.claims))),
        ),
        h('div', { class: 'flags-line' },
          present.map((f) => h('button', {
            type: 'button', class: 'badge flag', 'data-flag-filter': f, 'data-currency': c.currency,
            title: t('flagFilterButton', { currency: c.currency, flag: word('flagNames', f), count: c.flags[f] }),
          }, `${word('flagNames', f)}: ${c.flags[f]}`, h('span', { class: 'visually-hidden' }, ` · ${c.currency}`)))),
        present.length ? h('details', { class: 'flag-legend' }, h('summary', {}, t('flagsExplained')), flagNotes(present)) : null,
      );
    });
    box.replaceChildren(...(blocks.length ? blocks : [h('p', { class: 'muted' }, t('noData'))]));
  }

  // ---- the chart ----------------------------------------------------------------------------------

  function renderChart() {
    const body = $('#chart-body');
    const currencies = state.daily ? state.daily.currencies : [];
    const select = $('#chart-currency');
    if (!currencies.some((c) => c.currency === state.chartCurrency)) state.chartCurrency = currencies.length ? currencies[0].currency : null;
    select.replaceChildren(...currencies.map((c) => h('option', { value: c.currency }, currencyName(c.currency))));
    select.value = state.chartCurrency || '';
    select.hidden = currencies.length < 2;
    const data = currencies.find((c) => c.currency === state.chartCurrency);
    if (!data || data.days.length === 0) {
      body.replaceChildren(h('p', { class: 'muted' }, t('noData')));
      return;
    }
    const W = 800;
    const H = 220;
    const pad = { left: 64, right: 8, top: 10, bottom: 28 };
    const plotW = W - pad.left - pad.right;
    const plotH = H - pad.top - pad.bottom;
    const max = Math.max(1, ...data.days.flatMap((d) => SERIES.map((sr) => minorOf(d[sr.key]))));
    const slot = plotW / data.days.length;
    const bar = Math.max(1, (slot * 0.8) / SERIES.length);
    const chart = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${t('chartTitle')} · ${data.currency}`, 'data-currency': data.currency, 'data-days': data.days.length });
    chart.append(
      s('line', { class: 'axis', x1: pad.left, y1: pad.top + plotH, x2: W - pad.right, y2: pad.top + plotH }),
      s('line', { class: 'axis', x1: pad.left, y1: pad.top, x2: pad.left, y2: pad.top + plotH }),
      s('text', { x: pad.left - 4, y: pad.top + 8, 'text-anchor': 'end' }, numberText(decimalOf(max))),
      s('text', { x: pad.left - 4, y: pad.top + plotH, 'text-anchor': 'end' }, '0'),
    );
    const labelEvery = Math.ceil(data.days.length / 10);
    data.days.forEach((day, i) => {
      const x0 = pad.left + i * slot + slot * 0.1;
      SERIES.forEach((sr, k) => {
        const value = day[sr.key];
        const height = (minorOf(value) / max) * plotH;
        const rect = s('rect', {
          x: (x0 + k * bar).toFixed(2), y: (pad.top + plotH - height).toFixed(2), width: bar.toFixed(2), height: height.toFixed(2), fill: sr.color,
          'data-day': day.day, 'data-series': sr.label, 'data-amount': value,
        });
        rect.append(s('title', {}, `${day.day} ${t(sr.label)} ${moneyText(value, data.currency)}`));
        chart.append(rect);
      });
      if (i % labelEvery === 0) chart.append(s('text', { x: (x0 + (bar * SERIES.length) / 2).toFixed(2), y: H - 10, 'text-anchor': 'middle' }, day.day.slice(5)));
    });
    const legend = h('div', { class: 'legend' },
      SERIES.map((sr) => h('span', {}, h('span', { class: `swatch s-${sr.label === 'recovered' ? 'completed' : sr.label}` }), t(sr.label))));
    body.replaceChildren(chart, legend);
  }

  // ---- export -------------------------------------------------------------------------------------

  async function exportCsv() {
    const button = $('#export');
    button.disabled = true;
    button.textContent = t('exporting');
    try {
      const res = await api(`/api/judgments.csv?${state.query}`);
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') || '')?.[1] || 'judgments.csv';
      const url = URL.createObjectURL(await res.blob());
      const link = h('a', { href: url, download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      showError('#filter-error', null);
    } catch (err) {
      showError('#filter-error', err);
    } finally {
      button.disabled = false;
      button.textContent = t('export');
    }
  }

  // ---- rejected pushes ----------------------------------------------------------------------------

  function showView(view) {
    state.view = view;
    for (const tab of document.querySelectorAll('[data-tab]')) {
      if (tab.dataset.tab === view) tab.setAttribute('aria-current', 'page');
      else tab.removeAttribute('aria-current');
    }
    $('#judgments-view').hidden = view !== 'judgments';
    $('#rejected-view').hidden = view !== 'rejected';
    if (view === 'rejected') loadRejected(true).catch((err) => showError('#rejected-error', err));
  }

  async function loadRejected(reset) {
    const query = new URLSearchParams({ limit: '50' });
    if (!reset && state.rejectedCursor) query.set('cursor', state.rejectedCursor);
    const page = await getJson(`/api/rejected-pushes?${query}`);
    state.rejected = reset ? page.items : [...state.rejected, ...page.items];
    state.rejectedCursor = page.nextCursor;
    showError('#rejected-error', null);
    renderRejected();
  }

  function renderRejected() {
    $('#rejected tbody').replaceChildren(...state.rejected.map((p) =>
      h('tr', { 'data-rejected': p.id },
        cell(null, { class: 'num' }, `#${p.id}`),
        cell('receivedAt', {}, time(p.receivedAt)),
        cell('rejectedLast', {}, time(p.lastReceivedAt)),
        cell('rejectedAttempts', { class: 'num' }, String(p.attempts)),
        cell('rejectedReason', { class: 'full', 'data-error-id': p.errorId },
          h('div', {}, h('strong', {}, word('qimenErrors', p.errorId)),
            h('div', { class: 'note' }, `${t('serverMessage')}: `, h('span', { lang: 'en' }, p.message)))),
        cell('method', {}, p.method || '—'),
        cell('appKey', {}, p.appKey || '—'),
        cell('bodyBytes', { class: 'num' }, t('bytes', { n: new Intl.NumberFormat(locale()).format(p.bodyBytes) })),
      )));
    $('#rejected-empty').hidden = state.rejected.length > 0;
    $('#rejected-more').hidden = !state.rejectedCursor;
  }

  // ---- the detail view ----------------------------------------------------------------------------

  async function loadDetail(workOrderId) {
    const [detail, preview] = await Promise.all([getJson(`/api/judgments/${workOrderId}`), getJson(`/api/judgments/${workOrderId}/route-preview`)]);
    state.detail = detail;
    state.preview = preview;
    renderDetail();
  }

  async function openDetail(workOrderId, message) {
    stopRefreshing();
    await loadDetail(workOrderId);
    $('#app').hidden = true;
    $('#detail').hidden = false;
    $('#detail-message').textContent = message || '';
    window.scrollTo(0, 0);
    $('#detail-close').focus();
  }

  function closeDetail() {
    stopRefreshing();
    const id = state.detail && state.detail.workOrderId;
    state.detail = null;
    $('#detail').hidden = true;
    $('#app').hidden = false;
    const opener = id && document.querySelector(`button[data-open="${id}"]`);
    if (opener) opener.focus();
  }

  const kv = (pairs) => h('dl', { class: 'kv' }, pairs.flatMap(([k, v, attrs]) => [h('dt', {}, k), h('dd', attrs || {}, v)]));
  const text = (value) => (value === null || value === undefined || value === '' ? '—' : String(value));

  /**
   * The judgment's fields a reviewer reads, by section: each a label key and how a revision shows it (as
   * a string, so that two revisions compare), the same list for the latest revision and the side-by-side.
   */
  const REVISION_FIELDS = {
    judgment: [
      ['established', (r) => yesNo(r.established)], ['responsibilityParty', (r) => word('parties', r.responsibilityParty)],
      ['warehouseRatio', (r) => text(r.warehouseRatio)], ['deliveryRatio', (r) => text(r.deliveryRatio)],
      ['claimAmount', (r) => (r.claimAmount === null ? '—' : moneyText(r.claimAmount, r.currency))], ['judgeReason', (r) => text(r.judgeReason)],
      ['compensationType', (r) => word('compensationTypes', r.compensationType)], ['bizType', (r) => word('bizTypes', r.bizType)],
      ['description', (r) => text(r.description)], ['tenantId', (r) => text(r.tenantId)], ['externalOrderId', (r) => text(r.externalOrderId)],
      ['logisticsOrderNo', (r) => text(r.logisticsOrderNo)], ['waybillNo', (r) => text(r.waybillNo)], ['responsibilityWaybillNo', (r) => text(r.responsibilityWaybillNo)],
    ],
    goods: [
      ['goodsId', (r) => text(r.claimInfoGoodsId)], ['goodsName', (r) => text(r.claimInfoGoodsName)],
      ['totalQty', (r) => text(r.claimInfoTotalQty)], ['complaintQty', (r) => text(r.claimInfoComplaintQty)],
      ['unitPrice', (r) => minorMoney(r.claimInfoUnitPriceMinor, r.claimInfoUnitPriceCurrency)],
      ['claimUnitPrice', (r) => minorMoney(r.claimInfoClaimUnitPriceMinor, r.claimInfoUnitPriceCurrency)],
      ['goodsClaimAmount', (r) => minorMoney(r.claimInfoClaimAmountFen, r.claimInfoClaimAmountCurrency)],
      ['exceedsMaxCompensation', (r) => yesNo(r.claimInfoExceedsMaxCompensation)],
    ],
    payment: [
      ['paymentAmount', (r) => (r.paymentAmount === null ? '—' : moneyText(r.paymentAmount, r.currency))], ['paymentStatus', (r) => word('paymentStatuses', r.paymentStatus)],
      ['payee', (r) => text(r.payee)], ['paymentFlowNo', (r) => text(r.paymentFlowNo)],
      ['paymentChargeTime', (r) => timeText(r.paymentChargeTime)], ['paymentCreateTime', (r) => timeText(r.paymentCreateTime)],
    ],
  };
  /** Minor units of a stored column as money (the columns of claimInfo are kept in minor units). */
  function minorMoney(minor, currency) {
    if (minor === null || minor === undefined) return '—';
    const sign = minor < 0 ? '-' : '';
    const abs = Math.abs(minor);
    return moneyText(`${sign}${decimalOf(abs)}`, currency || 'CNY');
  }
  const timeText = (iso) => (iso ? new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'medium', timeZone: state.tz }).format(new Date(iso)) : '—');

  function renderDetail() {
    const d = state.detail;
    if (!d) return;
    $('#detail-title').textContent = `${t('workOrderId')} #${d.workOrderId} · ${d.externalOrderId || ''}`;
    const operator = state.me && state.me.role === 'operator';
    const latest = d.revisions[d.revisions.length - 1];
    const section = (key) => h('section', { class: 'fields', 'data-section': key },
      h('h3', {}, t(key)),
      kv(REVISION_FIELDS[key].map(([label, show]) => [t(label), show(latest), { 'data-field': label }])));
    $('#detail-body').replaceChildren(
      h('div', { class: 'detail-flags' }, flagNotes(d.flags)),
      kv([[t('receivedAt'), time(d.receivedAt)], [t('revision'), String(d.revision)]]),
      h('div', { class: 'sections' }, section('judgment'), section('goods'), section('payment')),
      h('h3', {}, t('routePreview')),
      renderPreview(state.preview),
      h('h3', {}, t('claims')),
      renderClaims(d.claims, operator),
      h('h3', {}, t('revisions')),
      renderRevisions(d.revisions),
    );
  }

  const shown = (value) => (value === null || value === undefined ? t('absent') : typeof value === 'boolean' ? yesNo(value) : Array.isArray(value) ? value.join(' / ') : String(value));
  function checkLine(c) {
    const key = word('whenKeys', c.key);
    const asWords = (v) => (c.key === 'responsibilityParty' ? (Array.isArray(v) ? v.map((x) => word('parties', x)).join(' / ') : v === null ? t('absent') : word('parties', v)) : shown(v));
    return h('li', { class: c.matches ? 'reason-yes' : 'reason-no', 'data-check': c.key },
      t(c.matches ? 'checkMatches' : 'checkFails', { key, wanted: asWords(c.wanted), got: asWords(c.got) }));
  }

  function renderPreview(preview) {
    const blocks = preview.routes.map((r) => {
      const verdict = r.matchesFiled === null ? h('span', { class: 'badge' }, '—')
        : h('span', { class: `badge ${r.matchesFiled ? 'ok' : 'differs'}` }, r.matchesFiled ? t('matches') : t('differs'));
      return h('div', { class: 'preview', 'data-route': r.route, 'data-matches': String(r.matchesFiled) },
        h('div', {},
          h('strong', {}, `${r.route} → ${word('platforms', r.platform)}`), ' ', verdict,
          h('div', {}, `${t('wouldFile')}: `, r.matched ? h('span', { class: 'reason-yes' }, `✓ ${t('matched')}`) : h('span', { class: 'reason-no' }, `✗ ${t('notMatched')}`)),
          h('ul', {}, (r.checks || []).map(checkLine)),
          r.share ? h('div', {}, t('shareOf', { share: fieldLabel(r.share) })) : null,
          h('div', {}, `${t('amount')}: `, h('span', { class: 'num', 'data-preview-amount': r.amount ?? '' }, money(r.amount, r.currency))),
          r.matched ? h('details', {}, h('summary', {}, t('fields')), pretty(r.fields)) : null,
        ),
        h('div', {},
          h('strong', {}, t('filed')),
          r.filed
            ? h('div', {},
              h('div', {}, `#${r.filed.claimId} `, statusBadge(r.filed.status), ` ${t('revision')} ${r.filed.revision}`),
              h('div', {}, `${t('amount')}: `, h('span', { class: 'num', 'data-filed-amount': r.filed.amount ?? '' }, money(r.filed.amount, r.filed.currency))),
              h('details', {}, h('summary', {}, t('fields')), pretty(r.filed.fields)))
            : h('div', { class: 'muted' }, t('nothingFiled')),
        ),
      );
    });
    if (preview.filedWithoutRoute.length) {
      blocks.push(h('div', {}, h('strong', {}, t('filedWithoutRoute')),
        h('ul', {}, preview.filedWithoutRoute.map((c) => h('li', {}, `#${c.claimId} ${c.route} `, statusBadge(c.status), ' ', money(c.amount, ''))))));
    }
    return h('div', { id: 'route-preview' }, blocks);
  }

  /** The field a precheck failure names (`precheck:created: …`): such a claim fails again at once when retried. */
  const precheckField = (c) => (c.lastError && c.lastError.startsWith('precheck:') ? c.lastError.slice('precheck:'.length).split(':')[0] : null);

  function renderClaims(claims, operator) {
    if (!claims.length) return h('p', { class: 'muted' }, '—');
    const head = h('tr', {}, ['#', t('route'), t('platform'), t('status'), t('amount'), t('acceptedAmountCol'), t('platformClaimId'), t('lastError'), t('nextAttemptAt'), t('flags'), t('actions')]
      .map((label, i) => h('th', { scope: 'col', class: i === 4 || i === 5 ? 'num' : null }, label)));
    const rows = claims.flatMap((c) => {
      const actions = [];
      const precheck = precheckField(c);
      if (operator && ['dead', 'rejected'].includes(c.status) && !precheck) {
        actions.push(h('button', { type: 'button', class: 'primary', 'data-claim-action': 'retry', 'data-claim': c.id }, t('retry')));
      }
      if (operator && ['pending', 'dead', 'rejected'].includes(c.status)) actions.push(h('button', { type: 'button', class: 'danger', 'data-claim-action': 'cancel', 'data-claim': c.id }, t('cancel')));
      if (operator && precheck && ['dead', 'rejected'].includes(c.status)) actions.push(h('p', { class: 'note', 'data-no-retry': c.id }, t('precheckNoRetry', { field: precheck })));
      return [
        h('tr', { 'data-claim-row': c.id, class: c.flags.length ? 'flagged' : null },
          cell(null, { class: 'num' }, `#${c.id}`), cell('route', {}, c.route), cell('platform', {}, word('platforms', c.platform)), cell('status', {}, statusBadge(c.status)),
          cell('amount', { class: 'num' }, money(c.amount, c.currency)), cell('acceptedAmountCol', { class: 'num' }, money(c.acceptedAmount, c.currency)),
          cell('platformClaimId', {}, c.platformClaimId || '—'), cell('lastError', {}, c.lastError ? h('span', { lang: 'en' }, c.lastError) : '—'),
          cell('nextAttemptAt', {}, time(c.nextAttemptAt)), cell('flags', { class: 'full' }, flagNotes(c.flags) || '—'),
          cell(null, { class: 'full' }, h('div', {}, actions))),
        h('tr', { class: 'claim-more' }, h('td', { colspan: 11, class: 'full' },
          h('details', {}, h('summary', {}, `${t('attempts')} (${c.attempts.length})`), renderAttempts(c.attempts)),
          h('details', {}, h('summary', {}, `${t('events')} (${c.events.length})`),
            h('ul', {}, c.events.map((e) => h('li', { 'data-event-source': e.source }, time(e.at),
              ` ${e.from ? word('statuses', e.from) : '∅'} → ${word('statuses', e.to)} · ${word('sources', e.source)}`,
              e.reason ? h('div', { class: 'note' }, `${t('eventReason')}: `, h('span', { lang: 'en' }, e.reason)) : null)))),
          h('details', {}, h('summary', {}, `${t('audit')} (${c.audit.length})`),
            h('ul', {}, c.audit.map((a) => h('li', { 'data-audit': a.action }, time(a.at),
              ` ${a.actor} (${word('role', a.actorRole)}) ${word('auditActions', a.action)}: ${a.before ? word('statuses', a.before.status) : '∅'} → ${a.after ? word('statuses', a.after.status) : '∅'}`)))),
        )),
      ];
    });
    return h('table', { id: 'claims', class: 'cards-on-phone' }, h('caption', { class: 'visually-hidden' }, t('claimTable')), h('thead', {}, head), h('tbody', {}, rows));
  }

  function renderAttempts(attempts) {
    if (!attempts.length) return h('p', { class: 'muted' }, '—');
    return h('table', { class: 'attempts cards-on-phone' },
      h('caption', { class: 'visually-hidden' }, t('attemptTable')),
      h('thead', {}, h('tr', {}, ['#', t('outcome'), t('httpStatus'), t('latency'), t('lastError'), t('requestResponse')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, attempts.map((a) => h('tr', { 'data-attempt': a.attemptNo },
        cell(null, {}, `#${a.attemptNo}`), cell('outcome', { 'data-outcome': a.outcome }, word('outcomes', a.outcome)), cell('httpStatus', {}, a.httpStatus ?? '—'),
        cell('latency', { class: 'num' }, a.latencyMs === null ? '—' : `${a.latencyMs} ms`),
        cell('lastError', {}, [a.errorCode, a.errorMessage].filter(Boolean).join(' ') || '—'),
        cell(null, { class: 'full' }, h('details', { class: 'exchange' }, h('summary', {}, t('requestResponse')),
          h('div', {}, t('request')), pretty(a.request ?? ''), h('div', {}, t('response')), pretty(a.response || '')))))));
  }

  /** Every revision side by side, field by field; a value that differs from the revision before is marked. */
  function renderRevisions(revisions) {
    const rows = [];
    const changedIn = revisions.map(() => 0);
    for (const key of Object.keys(REVISION_FIELDS)) {
      for (const [label, show] of REVISION_FIELDS[key]) {
        const values = revisions.map(show);
        rows.push(h('tr', { 'data-field': label },
          h('th', { scope: 'row' }, t(label)),
          values.map((v, i) => {
            const changed = i > 0 && v !== values[i - 1];
            if (changed) changedIn[i] += 1;
            return h('td', { class: changed ? 'changed' : null, 'data-revision': revisions[i].revision, 'data-changed': changed ? 'true' : null },
              v, changed ? h('span', { class: 'mark' }, `(${t('changed')})`) : null);
          })));
      }
    }
    const head = h('tr', {}, h('th', { scope: 'col' }, t('field')), revisions.map((r, i) => h('th', { scope: 'col' },
      `${t('revision')} ${r.revision}`, h('div', { class: 'note' }, time(r.receivedAt)), i > 0 ? h('div', { class: 'note', 'data-changed-count': changedIn[i] }, t('changedFields', { count: changedIn[i] })) : null)));
    return h('div', {},
      h('div', { class: 'scroll-x', tabindex: '0', role: 'region', 'aria-label': t('revisions') },
        h('table', { class: 'revisions' }, h('thead', {}, head), h('tbody', {}, rows))),
      revisions.map((r) => h('details', { class: 'revision', 'data-revision': r.revision }, h('summary', {}, `${t('rawPush')} · ${t('revision')} ${r.revision}`),
        pretty({ receivedAt: r.rawPush.receivedAt, method: r.rawPush.method, query: r.rawPush.query, headers: r.rawPush.headers }), pretty(parsed(r.rawPush.body)))));
  }
  function parsed(body) {
    try {
      return JSON.parse(body);
    } catch (_) {
      return body; // shown as received
    }
  }

  async function claimAction(button) {
    const action = button.dataset.claimAction;
    if (action === 'cancel' && button.dataset.confirm !== 'yes') {
      button.dataset.confirm = 'yes';
      button.textContent = t('confirmCancel');
      return;
    }
    button.disabled = true;
    const claimId = Number(button.dataset.claim);
    try {
      await api(`/api/claims/${claimId}/${action}`, { method: 'POST' });
      await openDetail(state.detail.workOrderId, action === 'retry' ? t('retried') : t('cancelled'));
      if (action === 'retry') refreshAfterRetry(claimId);
      loadList(true).catch(() => undefined);
      loadSummary().catch(() => undefined);
    } catch (err) {
      $('#detail-message').textContent = errorText(err);
      button.disabled = false;
    }
  }

  /**
   * A retried claim is `pending` only until a worker sends it, which may take a moment: the page asks for
   * the work order again until the claim has left `pending` (or it stops trying), so that it never shows a
   * `pending` the claim has already left.
   */
  function refreshAfterRetry(claimId) {
    stopRefreshing();
    const workOrderId = state.detail.workOrderId;
    let left = REFRESH_TIMES;
    const tick = async () => {
      state.refreshing = null;
      if (!state.detail || state.detail.workOrderId !== workOrderId) return;
      try {
        await loadDetail(workOrderId);
      } catch (_) {
        // asked again on the next tick
      }
      const claim = state.detail && state.detail.claims.find((c) => c.id === claimId);
      if (claim && claim.status !== 'pending') {
        $('#detail-message').textContent = t('claimNow', { id: claimId, status: word('statuses', claim.status) });
        loadList(true).catch(() => undefined);
        loadSummary().catch(() => undefined);
        return;
      }
      left -= 1;
      if (left > 0) state.refreshing = setTimeout(tick, REFRESH_EVERY_MS);
    };
    state.refreshing = setTimeout(tick, REFRESH_EVERY_MS);
  }
  function stopRefreshing() {
    if (state.refreshing) clearTimeout(state.refreshing);
    state.refreshing = null;
  }

  // ---- language and time zone ---------------------------------------------------------------------

  function renderTexts() {
    document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
    document.title = t('title');
    for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
    for (const el of document.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
    const lang = $('#lang');
    lang.textContent = state.lang === 'zh' ? 'English' : '中文';
    lang.lang = state.lang === 'zh' ? 'en' : 'zh-CN';
    $('#received-head').textContent = `${t('receivedAt')} (${state.tz})`;
    const tz = $('#tz');
    tz.replaceChildren(...ZONES.map((z) => h('option', { value: z }, z === DEVICE_ZONE ? `${z} (${t('timeZoneLocal')})` : z)));
    tz.value = state.tz;
    fillFilterSelects();
    for (const [selector, err] of state.errors) $(selector).textContent = err ? errorText(err) : '';
  }

  /** Everything drawn from data again, in the current language and time zone. */
  function renderAll() {
    renderTexts();
    renderWho();
    renderTable();
    renderTotals();
    renderChart();
    renderRejected();
    renderDetail();
  }

  function switchLanguage() {
    state.lang = state.lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem(LANG_KEY, state.lang);
    renderAll();
  }

  function switchZone(zone) {
    state.tz = zone;
    localStorage.setItem(TZ_KEY, zone);
    renderAll();
    // Date filters and the chart's days are calendar days of the zone: ask again.
    if (state.me) applyFilter();
  }

  // ---- wiring -------------------------------------------------------------------------------------

  function wire() {
    $('#signin-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      showError('#signin-error', null);
      try {
        await signIn($('#token').value.trim());
      } catch (err) {
        showError('#signin-error', err);
      }
    });
    $('#signout').addEventListener('click', signOut);
    $('#lang').addEventListener('click', switchLanguage);
    $('#tz').addEventListener('change', (event) => switchZone(event.target.value));
    $('#tabs').addEventListener('click', (event) => {
      const tab = event.target.closest('button[data-tab]');
      if (tab) showView(tab.dataset.tab);
    });
    $('#filters').addEventListener('submit', (event) => {
      event.preventDefault();
      applyFilter();
    });
    $('#clear-filters').addEventListener('click', clearFilters);
    $('#export').addEventListener('click', exportCsv);
    $('#more').addEventListener('click', () => loadList(false).catch((err) => showError('#filter-error', err)));
    $('#rejected-more').addEventListener('click', () => loadRejected(false).catch((err) => showError('#rejected-error', err)));
    $('#judgments').addEventListener('click', (event) => {
      const button = event.target.closest('button[data-open]');
      if (button) openDetail(button.dataset.open).catch((err) => showError('#filter-error', err));
    });
    $('#totals').addEventListener('click', (event) => {
      const button = event.target.closest('button[data-flag-filter]');
      if (!button) return;
      const form = $('#filters');
      form.elements.flag.value = button.dataset.flagFilter;
      form.elements.currency.value = button.dataset.currency;
      applyFilter();
    });
    $('#chart-currency').addEventListener('change', (event) => {
      state.chartCurrency = event.target.value;
      renderChart();
    });
    $('#detail-close').addEventListener('click', closeDetail);
    $('#detail-body').addEventListener('click', (event) => {
      const button = event.target.closest('button[data-claim-action]');
      if (button) claimAction(button);
    });
  }

  async function start() {
    renderTexts();
    renderWho();
    wire();
    if (!state.token) {
      signOut();
      return;
    }
    try {
      state.me = await getJson('/api/me');
      showApp();
    } catch (_) {
      signOut();
    }
  }

  start();
})();
