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
  const CLAIM_FLAGS = ['claim-failed', 'submitted-stale', 'accepted-differs', 'resent-blind', 'claim-outdated', 'settled-differs', 'unsettled-stale'];
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
    reconciliation: null,
    daily: null,
    chartCurrency: null,
    currencies: new Set(['CNY']),
    parties: new Set(PARTIES),
    detail: null,
    preview: null,
    refreshing: null,
    rejected: [],
    rejectedCursor: null,
    /** The last statement checked or imported: the file, whether it was a dry run, the report, which lines are shown. */
    imported: null,
    settlements: { settlements: { items: [], cursor: null }, unmatched: { items: [], cursor: null } },
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
    state.imported = null;
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
  /** The totals (the summary) and the reconciliation view (its own, faster query), each shown when it arrives. */
  async function loadSummary() {
    await Promise.all([
      getJson(`/api/summary?${state.query}`).then((summary) => {
        state.summary = summary;
        learnChoices(state.summary);
        renderTotals();
      }),
      getJson(`/api/reconciliation?${state.query}`).then((reconciliation) => {
        state.reconciliation = reconciliation;
        renderReconciliation();
      }),
    ]);
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

  /** Each export's path and the filter it takes: the judgments filter (claims: the part /api/claims knows), or the settlement list's. */
  const EXPORTS = {
    csv: { path: '/api/judgments.csv', label: 'export', query: () => new URLSearchParams(state.query) },
    judgments: { path: '/api/judgments.xlsx', label: 'exportJudgmentsXlsx', query: () => new URLSearchParams(state.query) },
    claims: {
      path: '/api/claims.xlsx',
      label: 'exportClaimsXlsx',
      query: () => new URLSearchParams([...state.query].filter(([k, v]) => ['platform', 'status'].includes(k) || (k === 'flag' && CLAIM_FLAGS.includes(v)))),
    },
    settlements: { path: '/api/settlements.xlsx', label: 'exportSettlementsXlsx', query: () => settlementQuery('settlements') },
  };

  /** Downloads an export of the current filter, its times in the page's time zone (`tz`). */
  async function exportFile(kind, button) {
    const { path, label, query: queryOf } = EXPORTS[kind];
    const query = queryOf();
    query.set('tz', state.tz);
    button.disabled = true;
    button.textContent = t('exporting');
    try {
      const res = await api(`${path}?${query}`);
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') || '')?.[1] || path.split('/').pop();
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
      button.textContent = t(label);
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
    $('#settlements-view').hidden = view !== 'settlements';
    if (view === 'settlements') showSettlements();
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

  /** A refused field worded by its problem id; a refusal without one shows the server's English as recorded. */
  function rejectedDetail(p) {
    const problem = p.problemId ? catalogue().fieldProblems[p.problemId] : null;
    if (!problem) return h('div', { class: 'note' }, `${t('serverMessage')}: `, h('span', { lang: 'en' }, p.message));
    const params = p.problemParams || {};
    const item = params.index === undefined ? '' : t('listItem', { index: params.index });
    return h('div', { class: 'note', 'data-problem-id': p.problemId },
      p.field ? t('refusedField', { field: p.field, item }) : t('refusedBody'), fill(problem, params));
  }

  function renderRejected() {
    $('#rejected tbody').replaceChildren(...state.rejected.map((p) =>
      h('tr', { 'data-rejected': p.id },
        cell(null, { class: 'num' }, `#${p.id}`),
        cell('receivedAt', {}, time(p.receivedAt)),
        cell('rejectedLast', {}, time(p.lastReceivedAt)),
        cell('rejectedAttempts', { class: 'num' }, String(p.attempts)),
        cell('rejectedReason', { class: 'full', 'data-error-id': p.errorId },
          h('div', {}, h('strong', {}, word('qimenErrors', p.errorId)), rejectedDetail(p))),
        cell('method', {}, p.method || '—'),
        cell('appKey', {}, p.appKey || '—'),
        cell('bodyBytes', { class: 'num' }, t('bytes', { n: new Intl.NumberFormat(locale()).format(p.bodyBytes) })),
      )));
    $('#rejected-empty').hidden = state.rejected.length > 0;
    $('#rejected-more').hidden = !state.rejectedCursor;
  }

  // ---- settlements --------------------------------------------------------------------------------

  /** The columns a statement's header row names (docs/http-contract.md). */
  const STATEMENT_COLUMNS = ['platform', 'platformClaimId', 'amount', 'currency', 'settledAt', 'reference'];
  const STATEMENT_TYPES = { csv: 'text/csv', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
  const LINE_OUTCOMES = ['differing', 'unmatched', 'duplicate', 'invalid', 'matched'];
  /** How many lines of an import's report are drawn at a time (a statement may hold 100,000). */
  const LINES_PER_PAGE = 100;

  /** The Content-Type of a statement file, by its name (browsers disagree on a CSV's own type). */
  function statementType(file) {
    const extension = (/\.([a-z]+)$/i.exec(file.name) || [])[1];
    if (extension && STATEMENT_TYPES[extension.toLowerCase()]) return STATEMENT_TYPES[extension.toLowerCase()];
    return Object.values(STATEMENT_TYPES).includes(file.type) ? file.type : null;
  }

  /** A report line's outcome as the page shows it: a matched line whose claim is settled differently is `differing`. */
  const lineKind = (line) => (line.outcome === 'matched' && line.messageId === 'settled-differs' ? 'differing' : line.outcome);

  function showSettlements() {
    const operator = state.me && state.me.role === 'operator';
    $('#import-card').hidden = !operator;
    $('#import-viewer-note').hidden = operator;
    renderReconciliation();
    loadSettlements('settlements', true).catch((err) => showError('#settlements-error', err));
    loadSettlements('unmatched', true).catch((err) => showError('#unmatched-error', err));
  }

  /** Checks the chosen file with `dryRun=1` (stores nothing) or, confirmed, imports it. */
  async function importStatement(dryRun) {
    const file = dryRun ? $('#statement').files[0] : state.imported && state.imported.file;
    showError('#import-error', null);
    if (!file) {
      showError('#import-error', new ApiFailure('choose-file'));
      return;
    }
    const type = statementType(file);
    if (!type) {
      showError('#import-error', new ApiFailure('unsupported-media-type'));
      return;
    }
    const button = dryRun ? $('#dry-run') : $('#confirm-import');
    button.disabled = true;
    button.textContent = t(dryRun ? 'checking' : 'importing');
    try {
      const res = await api(`/api/settlements/import${dryRun ? '?dryRun=1' : ''}`, { method: 'POST', headers: { 'content-type': type }, body: file });
      state.imported = { file, dryRun, report: await res.json(), show: '', shown: LINES_PER_PAGE };
      renderImport();
      if (!dryRun) {
        loadSummary().catch(() => undefined);
        loadSettlements('settlements', true).catch((err) => showError('#settlements-error', err));
        loadSettlements('unmatched', true).catch((err) => showError('#unmatched-error', err));
      }
      $('#import-result h3').focus();
    } catch (err) {
      showError('#import-error', err);
    } finally {
      button.disabled = false;
      button.textContent = t(dryRun ? 'checkStatement' : 'confirmImport');
    }
  }

  function discardImport() {
    state.imported = null;
    $('#import-form').reset();
    renderImport();
    $('#statement').focus();
  }

  function renderImport() {
    const box = $('#import-result');
    const run = state.imported;
    if (!run) {
      box.replaceChildren();
      return;
    }
    const r = run.report;
    const counts = [['countRows', r.rows, 'rows'], ['countMatched', r.matched, 'matched'], ['countDiffering', r.differing, 'differing'],
      ['countUnmatched', r.unmatched, 'unmatched'], ['countDuplicates', r.duplicates, 'duplicates'], ['countInvalid', r.invalid, 'invalid']];
    const lines = run.show ? r.lines.filter((l) => lineKind(l) === run.show) : r.lines;
    const visible = lines.slice(0, run.shown);
    const show = h('select', { id: 'line-outcome' }, h('option', { value: '' }, t('allLines')),
      LINE_OUTCOMES.map((o) => h('option', { value: o }, word('lineOutcomes', o))));
    show.value = run.show;
    box.replaceChildren(...[
      h('h3', { tabindex: '-1', 'data-dry-run': String(run.dryRun) }, t(run.dryRun ? 'dryRunResult' : 'importedResult', { name: run.file.name })),
      h('div', { class: 'totals', role: 'group', 'aria-label': t('importCounts') }, counts.map(([label, value, key]) =>
        h('div', { class: 'total' }, h('div', { class: 'label' }, t(label)), h('div', { class: 'value num', 'data-count': key }, String(value ?? 0))))),
      r.differing ? flagNotes(['settled-differs']) : null,
      run.dryRun ? h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'confirm-import', class: 'primary' }, t('confirmImport')),
        h('button', { type: 'button', id: 'discard-import' }, t('discardImport'))) : null,
      h('label', { class: 'inline-label' }, h('span', {}, t('showLines')), show),
      h('table', { id: 'import-lines', class: 'cards-on-phone' },
        h('caption', { class: 'visually-hidden' }, t('importCounts')),
        h('thead', {}, h('tr', {}, ['lineNo', 'lineOutcome', 'lineClaim', 'lineDetail'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, visible.map(reportLine))),
      h('p', { class: 'muted small', 'data-lines-shown': visible.length }, t('linesShown', { shown: visible.length, total: lines.length })),
      visible.length < lines.length ? h('button', { type: 'button', id: 'import-lines-more' }, t('more')) : null,
    ].filter(Boolean));
  }

  function reportLine(line) {
    const kind = lineKind(line);
    let detail;
    const p = line.params || {};
    // The note in the page's language by its id; a note the page has no words for shows the server's English.
    const noteText = (vars) => (catalogue().lineNotes[line.messageId] ? fill(catalogue().lineNotes[line.messageId], vars) : h('span', { lang: 'en' }, line.message));
    if (kind === 'differing') {
      detail = h('span', { 'data-settled': p.settled, 'data-claimed': p.claimed },
        noteText({ settled: moneyText(p.settled, p.currency), claimed: moneyText(p.claimed, p.currency) }), ' ',
        h('span', { class: 'badge flag', title: word('flagMeanings', 'settled-differs') }, word('flagNames', 'settled-differs')));
    } else if (kind === 'invalid') {
      detail = h('div', { 'data-note-id': line.messageId || '' }, p.column ? h('strong', {}, t('invalidColumn', { column: p.column })) : null,
        h('div', { class: 'note' }, noteText({ ...p, currency: p.currency ? currencyName(p.currency) : '' })));
    } else if (kind === 'matched') {
      detail = t('matchedLine');
    } else {
      detail = noteText(p);
    }
    return h('tr', { 'data-line': line.line, 'data-outcome': kind },
      cell('lineNo', { class: 'num' }, String(line.line)),
      cell('lineOutcome', {}, h('span', { class: `badge ${kind === 'matched' ? 'ok' : kind === 'differing' ? 'differs' : ''}` }, word('lineOutcomes', kind))),
      cell('lineClaim', {}, line.claimId === null ? '—' : `#${line.claimId}`),
      cell('lineDetail', { class: 'full' }, detail));
  }

  /** Claimed, accepted, settled and outstanding per platform, a table per currency (GET /api/reconciliation). */
  function renderReconciliation() {
    const body = $('#reconciliation-body');
    const currencies = state.reconciliation ? state.reconciliation.currencies.filter((c) => c.byPlatform.length) : [];
    const keys = ['claimedAmount', 'acceptedAmount', 'settledAmount', 'outstandingAmount'];
    body.replaceChildren(...(currencies.length ? currencies.map((c) => h('div', { class: 'scroll-x', 'data-currency': c.currency },
      h('h3', {}, currencyName(c.currency)),
      h('table', { class: 'reconciliation cards-on-phone' },
        h('caption', { class: 'visually-hidden' }, t('reconciliationTable', { currency: c.currency })),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('platform')), h('th', { scope: 'col', class: 'num' }, t('claimCount')),
          keys.map((k) => h('th', { scope: 'col', class: 'num' }, t(k))))),
        h('tbody', {}, c.byPlatform.map((p) => h('tr', { 'data-platform': p.platform },
          cell('platform', { class: 'platform-name' }, word('platforms', p.platform)),
          cell('claimCount', { class: 'num' }, String(p.claims)),
          keys.map((k) => cell(k, { class: 'num', 'data-col': k }, money(p[k], c.currency))))))))) : [h('p', { class: 'muted' }, t('noData'))]),
      // The figures may be up to finance.viewCacheSeconds old: say when they were read, in the page's time zone.
      ...(state.reconciliation && state.reconciliation.asOf ? [h('p', { class: 'muted', id: 'reconciliation-as-of' }, t('figuresAsOf', { time: timeText(state.reconciliation.asOf) }))] : []));
  }

  const SETTLEMENT_COLUMNS = ['settledAt', 'platform', 'reference', 'platformClaimId', 'lineClaim', 'amount', 'importedAt', 'importedBy'];
  /** The settlement list's filter (platform, matched or not) as query parameters; the unmatched list always `unmatched=1`. */
  function settlementQuery(list) {
    const form = $('#settlement-filters');
    const query = new URLSearchParams();
    if (form.elements.platform.value) query.set('platform', form.elements.platform.value);
    if (list === 'unmatched') query.set('unmatched', '1');
    else if (form.elements.unmatched.value) query.set('unmatched', form.elements.unmatched.value);
    return query;
  }

  async function loadSettlements(list, reset) {
    const query = settlementQuery(list);
    query.set('limit', '50');
    const current = state.settlements[list];
    if (!reset && current.cursor) query.set('cursor', current.cursor);
    const page = await getJson(`/api/settlements?${query}`);
    state.settlements[list] = { items: reset ? page.items : [...current.items, ...page.items], cursor: page.nextCursor };
    showError(`#${list}-error`, null);
    renderSettlements(list);
  }

  function renderSettlements(list) {
    const { items, cursor } = state.settlements[list];
    $(`#${list} thead tr`).replaceChildren(...SETTLEMENT_COLUMNS.map((k) => h('th', { scope: 'col', class: k === 'amount' ? 'num' : null }, t(k))));
    $(`#${list} tbody`).replaceChildren(...items.map((s) => h('tr', { 'data-settlement': s.id },
      cell('settledAt', {}, time(s.settledAt)),
      cell('platform', {}, word('platforms', s.platform)),
      cell('reference', {}, s.reference),
      cell('platformClaimId', {}, s.platformClaimId),
      cell('lineClaim', {}, s.claimId === null ? h('span', { class: 'badge differs' }, t('unmatchedBadge')) : `#${s.claimId}`),
      cell('amount', { class: 'num' }, money(s.amount, s.currency)),
      cell('importedAt', {}, time(s.importedAt)),
      cell('importedBy', {}, s.importedBy))));
    $(`#${list}`).hidden = items.length === 0;
    $(`#${list}-empty`).hidden = items.length > 0;
    $(`#${list}-more`).hidden = !cursor;
  }

  function fillSettlementFilters() {
    const form = $('#settlement-filters');
    fillSelect(form.elements.platform, PLATFORMS, (v) => word('platforms', v));
    fillSelect(form.elements.unmatched, ['0', '1'], (v) => t(v === '1' ? 'unmatchedOnly' : 'matchedOnly'));
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
  /** A route's `when` check in words (wanted, got, matches). */
  function checkText(c) {
    const key = word('whenKeys', c.key);
    const asWords = (v) => (c.key === 'responsibilityParty' ? (Array.isArray(v) ? v.map((x) => word('parties', x)).join(' / ') : v === null ? t('absent') : word('parties', v)) : shown(v));
    return t(c.matches ? 'checkMatches' : 'checkFails', { key, wanted: asWords(c.wanted), got: asWords(c.got) });
  }
  const checkLine = (c) => h('li', { class: c.matches ? 'reason-yes' : 'reason-no', 'data-check': c.key }, checkText(c));

  // ---- the service's sentences: claim event reasons and lastError, worded by id ----------------------

  /** A catalogue text with `{name}` filled from vars, which may be elements (the platform's words stay marked). */
  function fillNodes(text, vars) {
    const parts = [];
    let last = 0;
    for (const m of text.matchAll(/\{(\w+)\}/g)) {
      const value = vars[m[1]];
      parts.push(text.slice(last, m.index));
      if (Array.isArray(value)) parts.push(...value);
      else parts.push(value === undefined || value === null ? m[0] : value);
      last = m.index + m[0].length;
    }
    parts.push(text.slice(last));
    return parts.filter((p) => p !== '');
  }
  /** Text as a platform wrote it: kept as written and marked as the platform's words. */
  const platformWords = (value) => h('span', { class: 'platform-words', title: t('platformWords') }, value === null || value === undefined || value === '' ? '—' : String(value));
  /** A system's own error detail (a socket error's code and text), kept in English. */
  const systemDetail = (value) => h('span', { class: 'system-detail', lang: 'en', title: t('technicalDetail') }, String(value ?? ''));
  const note = (key, vars) => fill(catalogue().reasonNotes[key], vars);
  const platformNo = (id) => (id ? note('platformNo', { id }) : '');
  const amountText = (decimal, currency) => (decimal === null || decimal === undefined ? t('absent') : moneyText(decimal, currency));
  const listed = (items) => items.join(note('listSeparator'));
  /** Params that are a platform's own text, shown as written. */
  const PLATFORM_TEXT_PARAMS = ['code', 'message', 'answer', 'res', 'errMsg', 'platformStatus', 'tradeStatus', 'state', 'answered'];

  /** A sentence's params as the page shows them: money formatted, statuses and platforms in words, the platform's text marked. */
  function sentenceVars(p) {
    const vars = {};
    for (const [name, value] of Object.entries(p)) {
      if (PLATFORM_TEXT_PARAMS.includes(name)) vars[name] = platformWords(value);
      else if (name === 'detail') vars[name] = systemDetail(value);
      else if (name === 'platform' || name === 'resentBlindOn') vars[name] = word('platforms', value);
      else if (name === 'status' && typeof value === 'string') vars[name] = word('statuses', value);
      else if (value === null && (name === 'min' || name === 'max')) vars[name] = name === 'min' ? '-∞' : '∞';
      else if (Array.isArray(value)) vars[name] = value.join(' / ');
      else vars[name] = value === null || value === undefined ? t('absent') : String(value);
    }
    if ('amount' in p) vars.amount = amountText(p.amount, p.currency);
    if ('fromAmount' in p) vars.fromAmount = amountText(p.fromAmount, p.fromCurrency);
    return vars;
  }

  /** A lastError (or an attempt's error inside a reason) in the page's language, or null for an id it does not know. */
  function lastErrorWords(id, p) {
    const text = catalogue().lastErrors[id];
    if (!text || !p) return null;
    const vars = sentenceVars(p);
    if (id === 'precheck') vars.rule = fill(catalogue().precheckRules[p.rule] ?? String(p.rule), sentenceVars(p));
    if (id === 'unreadable-answer') vars.problem = fillNodes(catalogue().answerProblems[p.problem] ?? String(p.problem), sentenceVars(p));
    return h('span', { 'data-last-error-id': id }, fillNodes(text, vars));
  }

  /** A claim event's reason in the page's language, or null for an id it does not know. */
  function reasonWords(id, p) {
    const text = catalogue().reasons[id];
    if (!text || !p) return null;
    const vars = sentenceVars(p);
    // Shop platforms named in the reason's id.
    if (id.startsWith('shopex-')) vars.platform = word('platforms', 'shopex');
    if (id === 'duobaoyu-push') vars.platform = word('platforms', 'duobaoyu');
    vars.platformNo = platformNo(p.platformClaimId);
    if (p.error) vars.error = lastErrorWords(p.error.id, p.error.params) ?? '—';
    if (p.checks) {
      const lines = p.checks.map(checkText);
      if (p.zeroShare) lines.push(note('zeroShare', { share: fieldLabel(p.zeroShare) }));
      vars.checks = lines.length ? listed(lines) : note('noConditions');
    }
    const extra = [];
    if (p.fieldsTooLargeBytes) extra.push(note('fieldsTooLarge', { bytes: p.fieldsTooLargeBytes }));
    if (p.fieldsChanged) extra.push(note('fieldsChanged'));
    if (p.resentBlindOn) extra.push(note('resentBlind', { platform: word('platforms', p.resentBlindOn) }));
    return h('span', { 'data-reason-id': id }, fillNodes(text, vars), extra.map((x) => `${note('listSeparator')}${x}`));
  }

  /** What the service recorded, in words by its id; a row from before ids shows its English text as recorded. */
  const asRecorded = (text) => h('span', { lang: 'en', title: t('asRecorded') }, text);
  /** A worded sentence, with a note saying that its quoted parts are the platform's own words when it has any. */
  const withQuoteNote = (el) => [el, el.querySelector('.platform-words') ? h('span', { class: 'muted quote-note' }, ` ${t('quotedPlatformWords')}`) : null];
  const lastErrorOf = (c) => {
    const worded = c.lastError && c.lastErrorId && lastErrorWords(c.lastErrorId, c.lastErrorParams);
    return worded ? withQuoteNote(worded) : c.lastError ? asRecorded(c.lastError) : '—';
  };
  function attemptError(a) {
    const worded = a.errorId && lastErrorWords(a.errorId, a.errorParams);
    if (worded) return withQuoteNote(worded);
    const text = [a.errorCode, a.errorMessage].filter(Boolean).join(' ');
    return text ? asRecorded(text) : '—';
  }
  function eventNote(e) {
    const worded = e.reasonId && reasonWords(e.reasonId, e.reasonParams);
    if (worded) return h('div', { class: 'note', 'data-event-reason': e.reasonId }, `${t('eventNote')}: `, withQuoteNote(worded));
    return e.reason ? h('div', { class: 'note' }, `${t('eventReason')}: `, asRecorded(e.reason)) : null;
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

  /** The field a precheck failure names: such a claim fails again at once when retried. Before ids, its code said it (`precheck:created: …`). */
  const precheckField = (c) => (c.lastErrorId === 'precheck' && c.lastErrorParams ? c.lastErrorParams.field
    : !c.lastErrorId && c.lastError && c.lastError.startsWith('precheck:') ? c.lastError.slice('precheck:'.length).split(':')[0] : null);

  function renderClaims(claims, operator) {
    if (!claims.length) return h('p', { class: 'muted' }, '—');
    const head = h('tr', {}, ['#', t('route'), t('platform'), t('status'), t('amount'), t('acceptedAmountCol'), t('settledAmount'), t('platformClaimId'), t('lastError'), t('nextAttemptAt'), t('flags'), t('actions')]
      .map((label, i) => h('th', { scope: 'col', class: i >= 4 && i <= 6 ? 'num' : null }, label)));
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
          cell('settledAmount', { class: 'num', 'data-col': 'settledAmount' }, money(c.settledAmount, c.currency), c.settledAt ? h('div', { class: 'note' }, time(c.settledAt)) : null),
          cell('platformClaimId', {}, c.platformClaimId || '—'), cell('lastError', { 'data-last-error': c.lastErrorId || null }, lastErrorOf(c)),
          cell('nextAttemptAt', {}, time(c.nextAttemptAt)), cell('flags', { class: 'full' }, flagNotes(c.flags) || '—'),
          cell(null, { class: 'full' }, h('div', {}, actions))),
        h('tr', { class: 'claim-more' }, h('td', { colspan: 12, class: 'full' },
          h('details', {}, h('summary', {}, `${t('attempts')} (${c.attempts.length})`), renderAttempts(c.attempts)),
          h('details', {}, h('summary', {}, `${t('events')} (${c.events.length})`),
            h('ul', {}, c.events.map((e) => h('li', { 'data-event-source': e.source }, time(e.at),
              ` ${e.from ? word('statuses', e.from) : '∅'} → ${word('statuses', e.to)} · ${word('sources', e.source)}`,
              eventNote(e))))),
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
        cell('lastError', { 'data-attempt-error': a.errorId || null }, attemptError(a)),
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
    fillSettlementFilters();
    $('#csv-note').textContent = t('exportTimes', { tz: state.tz });
    $('#import-help').textContent = t('importHelp', { columns: STATEMENT_COLUMNS.join(', ') });
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
    renderImport();
    renderReconciliation();
    renderSettlements('settlements');
    renderSettlements('unmatched');
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
    $('#export').addEventListener('click', (event) => exportFile('csv', event.currentTarget));
    for (const button of document.querySelectorAll('button[data-export]')) button.addEventListener('click', () => exportFile(button.dataset.export, button));
    $('#import-form').addEventListener('submit', (event) => {
      event.preventDefault();
      importStatement(true);
    });
    $('#statement').addEventListener('change', () => {
      state.imported = null;
      renderImport();
    });
    $('#import-result').addEventListener('click', (event) => {
      const button = event.target.closest('button');
      if (!button) return;
      if (button.id === 'confirm-import') importStatement(false);
      if (button.id === 'discard-import') discardImport();
      if (button.id === 'import-lines-more') {
        state.imported.shown += LINES_PER_PAGE;
        renderImport();
        $('#import-lines-more')?.focus();
      }
    });
    $('#import-result').addEventListener('change', (event) => {
      if (event.target.id !== 'line-outcome') return;
      state.imported.show = event.target.value;
      state.imported.shown = LINES_PER_PAGE;
      renderImport();
      $('#line-outcome').focus();
    });
    $('#settlement-filters').addEventListener('change', () => {
      loadSettlements('settlements', true).catch((err) => showError('#settlements-error', err));
      loadSettlements('unmatched', true).catch((err) => showError('#unmatched-error', err));
    });
    $('#settlement-filters').addEventListener('submit', (event) => event.preventDefault());
    for (const list of ['settlements', 'unmatched']) {
      $(`#${list}-more`).addEventListener('click', () => loadSettlements(list, false).catch((err) => showError(`#${list}-error`, err)));
    }
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
