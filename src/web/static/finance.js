// The /finance/ page: signs in with a finance token (kept in sessionStorage), then reads and acts through
// the finance API. Plain browser JavaScript, no library, no inline handlers (the page's CSP forbids them).
// Every text from the server is put in the page with textContent, never as HTML.
'use strict';

(() => {
  const TOKEN_KEY = 'claim-relay.finance.token';
  const LANG_KEY = 'claim-relay.finance.lang';
  const STATUSES = ['pending', 'submitted', 'accepted', 'rejected', 'completed', 'cancelled', 'dead'];
  const PLATFORMS = /*PLATFORM_NAMES*/[]; // filled in from the platform registry when served (src/web/finance-page.ts)
  const FLAGS = ['payment-differs', 'share-uncovered', 'over-claimed', 'claim-failed', 'submitted-stale', 'accepted-differs', 'resent-blind', 'claim-outdated'];
  const SERIES = [
    { key: 'judgedClaimAmount', label: 'judged', color: '#1f5f8b' },
    { key: 'paidAmount', label: 'paid', color: '#7fb3d5' },
    { key: 'claimedAmount', label: 'claimed', color: '#f79009' },
    { key: 'completedAmount', label: 'recovered', color: '#12b76a' },
  ];

  const TEXT = {
    zh: {
      title: '理赔财务对账', signInTitle: '登录', token: '访问令牌', signIn: '登录', signOut: '退出', badToken: '令牌无效',
      from: '开始日期', to: '结束日期', tenantId: '租户', responsibilityParty: '责任方', status: '索赔状态', platform: '平台', flag: '对账标记',
      q: '订单号 / 运单号 / 包裹号', apply: '筛选', reset: '重置', export: '导出 CSV', exporting: '正在导出…', exported: '已导出',
      any: '全部', workOrderId: '工单', externalOrderId: '订单号', ratios: '仓 / 配比例', claimAmount: '判定索赔金额', paymentAmount: '赔付金额',
      receivedAt: '收到时间', claims: '索赔', flags: '标记', open: '详情', more: '加载更多', empty: '没有符合条件的判责', back: '返回列表',
      chartTitle: '每日金额（按收到日期）', judged: '判定', paid: '赔付', claimed: '已索赔', recovered: '已追回', accepted: '已受理',
      judgments: '判责数', claimCount: '索赔数', totalsFor: '当前筛选合计', noData: '无数据',
      judgedClaimAmount: '判定索赔', paidAmount: '已赔付', claimedAmount: '向平台索赔', acceptedAmount: '平台受理', completedAmount: '已追回',
      revisions: '判责版本', revision: '版本', rawPush: '原始推送', routePreview: '路由预览', wouldFile: '按当前路由应提交', filed: '已提交',
      matched: '命中', notMatched: '未命中', matches: '一致', differs: '不一致', nothingFiled: '未提交', fields: '字段', amount: '金额',
      acceptedAmountCol: '平台受理金额', platformClaimId: '平台单号', attempts: '发送记录', lastError: '最近错误', nextAttemptAt: '下次发送',
      events: '状态变更', audit: '操作审计', actions: '操作', retry: '重试', cancel: '取消', confirmCancel: '确认取消？',
      retried: '已重新排队', cancelled: '已取消', share: '分摊', when: '条件', outcome: '结果', httpStatus: 'HTTP', latency: '耗时',
      filedWithoutRoute: '已无对应路由的索赔', currency: '币种', route: '路由', role: { viewer: '查看', operator: '操作员' },
      statuses: { pending: '待发送', submitted: '已提交', accepted: '已受理', rejected: '已驳回', completed: '已完成', cancelled: '已取消', dead: '失败' },
      flagNames: {
        'payment-differs': '赔付≠判定', 'share-uncovered': '比例未覆盖', 'claim-failed': '索赔失败', 'submitted-stale': '提交过久', 'accepted-differs': '受理≠索赔',
        'resent-blind': '可能重复索赔', 'over-claimed': '索赔超判定', 'claim-outdated': '索赔已过时',
      },
    },
    en: {
      title: 'Claim finance review', signInTitle: 'Sign in', token: 'Access token', signIn: 'Sign in', signOut: 'Sign out', badToken: 'That token is not valid',
      from: 'From', to: 'To', tenantId: 'Tenant', responsibilityParty: 'Responsible party', status: 'Claim status', platform: 'Platform', flag: 'Flag',
      q: 'Order / waybill / package no.', apply: 'Filter', reset: 'Reset', export: 'Export CSV', exporting: 'Exporting…', exported: 'Exported',
      any: 'Any', workOrderId: 'Work order', externalOrderId: 'Order no.', ratios: 'Warehouse / delivery', claimAmount: 'Judged claim', paymentAmount: 'Paid',
      receivedAt: 'Received', claims: 'Claims', flags: 'Flags', open: 'Details', more: 'Load more', empty: 'No judgments match', back: 'Back to list',
      chartTitle: 'Amounts per day (by day received)', judged: 'Judged', paid: 'Paid', claimed: 'Claimed', recovered: 'Recovered', accepted: 'Accepted',
      judgments: 'Judgments', claimCount: 'Claims', totalsFor: 'Totals for this filter', noData: 'No data',
      judgedClaimAmount: 'Judged claims', paidAmount: 'Paid', claimedAmount: 'Claimed from platforms', acceptedAmount: 'Accepted', completedAmount: 'Recovered',
      revisions: 'Revisions', revision: 'Revision', rawPush: 'Raw push', routePreview: 'Route preview', wouldFile: 'Routes would file now', filed: 'Filed',
      matched: 'matches', notMatched: 'does not match', matches: 'same', differs: 'differs', nothingFiled: 'nothing filed', fields: 'Fields', amount: 'Amount',
      acceptedAmountCol: 'Accepted by platform', platformClaimId: 'Platform no.', attempts: 'Attempts', lastError: 'Last error', nextAttemptAt: 'Next attempt',
      events: 'Status changes', audit: 'Audit', actions: 'Actions', retry: 'Retry', cancel: 'Cancel', confirmCancel: 'Confirm cancel?',
      retried: 'Queued again', cancelled: 'Cancelled', share: 'Share', when: 'When', outcome: 'Outcome', httpStatus: 'HTTP', latency: 'Latency',
      filedWithoutRoute: 'Claims whose route is gone', currency: 'Currency', route: 'Route', role: { viewer: 'viewer', operator: 'operator' },
      statuses: { pending: 'pending', submitted: 'submitted', accepted: 'accepted', rejected: 'rejected', completed: 'completed', cancelled: 'cancelled', dead: 'dead' },
      flagNames: {
        'payment-differs': 'payment ≠ judged', 'share-uncovered': 'share uncovered', 'claim-failed': 'claim failed', 'submitted-stale': 'submitted too long', 'accepted-differs': 'accepted ≠ claimed',
        'resent-blind': 'maybe filed twice', 'over-claimed': 'claimed > judged', 'claim-outdated': 'claim outdated',
      },
    },
  };

  const state = {
    lang: localStorage.getItem(LANG_KEY) || (navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en'),
    token: sessionStorage.getItem(TOKEN_KEY),
    me: null,
    query: new URLSearchParams(),
    items: [],
    nextCursor: null,
    summary: null,
    daily: null,
    chartCurrency: null,
    detail: null,
    preview: null,
  };

  const $ = (selector) => document.querySelector(selector);
  const t = (key) => TEXT[state.lang][key] ?? key;
  const statusName = (s) => TEXT[state.lang].statuses[s] ?? s;
  const flagName = (f) => TEXT[state.lang].flagNames[f] ?? f;
  const locale = () => (state.lang === 'zh' ? 'zh-CN' : 'en-GB');

  /** An element with attributes (class, data-*, …) and children (strings become text nodes). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'text') el.textContent = value;
      else el.setAttribute(name, value === true ? '' : String(value));
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

  /** "1234567.80" → "1,234,567.80": the decimal string as the server gave it, never through a float. */
  function groupDigits(decimal) {
    const [int, frac] = String(decimal).split('.');
    const sign = int.startsWith('-') ? '-' : '';
    const digits = sign ? int.slice(1) : int;
    return `${sign}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac === undefined ? '' : `.${frac}`}`;
  }
  /** Integer minor units of a decimal string ("89.90" → 8990), for chart heights only. */
  const minorOf = (decimal) => Number(String(decimal).replace('.', ''));
  /** Integer minor units back to a decimal string (8990 → "89.90"), without float arithmetic. */
  const decimalOf = (minor) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

  function money(decimal, currency) {
    if (decimal === null || decimal === undefined) return h('span', { class: 'muted' }, '—');
    return h('span', { class: 'money' }, groupDigits(decimal), h('span', { class: 'cur' }, currency || ''));
  }
  function time(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    return h('time', { datetime: iso, title: iso }, new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'medium' }).format(d));
  }
  const flagBadges = (flags) => (flags || []).map((f) => h('span', { class: 'badge flag', 'data-flag': f, title: f }, flagName(f)));
  const statusBadge = (status) => h('span', { class: `badge ${status}`, 'data-status': status }, statusName(status));
  const pretty = (value) => h('pre', {}, typeof value === 'string' ? value : JSON.stringify(value, null, 2));

  // ---- API ----------------------------------------------------------------------------------------

  class ApiFailure extends Error {}

  async function api(path, options = {}) {
    const res = await fetch(path, { ...options, headers: { authorization: `Bearer ${state.token}`, ...(options.headers || {}) } });
    if (res.status === 401) {
      signOut();
      throw new ApiFailure(t('badToken'));
    }
    if (!res.ok) {
      let message = `HTTP ${res.status}`;
      try {
        message = (await res.json()).message || message;
      } catch (_) {
        // not JSON
      }
      throw new ApiFailure(message);
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
    if (state.me) $('#who').textContent = `${state.me.name} · ${TEXT[state.lang].role[state.me.role] || state.me.role}`;
    $('#tz').textContent = Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  // ---- filters ------------------------------------------------------------------------------------

  function fillSelect(select, values, label) {
    const current = select.value;
    select.replaceChildren(h('option', { value: '' }, t('any')), ...values.map((v) => h('option', { value: v }, label(v))));
    select.value = current;
  }

  /** The local calendar day of an <input type=date> as a UTC instant: the viewer's midnight. */
  function localMidnight(value, plusDays) {
    const [y, m, d] = value.split('-').map(Number);
    return new Date(y, m - 1, d + plusDays).toISOString();
  }

  function readFilter() {
    const form = $('#filters');
    const query = new URLSearchParams();
    const from = form.elements.from.value;
    const to = form.elements.to.value;
    if (from) query.set('from', localMidnight(from, 0));
    if (to) query.set('to', localMidnight(to, 1)); // the whole of the "to" day
    for (const name of ['tenantId', 'responsibilityParty', 'status', 'platform', 'flag', 'q']) {
      const value = form.elements[name].value.trim();
      if (value) query.set(name, value);
    }
    return query;
  }

  async function applyFilter() {
    state.query = readFilter();
    $('#filter-error').textContent = '';
    try {
      await Promise.all([loadList(true), loadSummary(), loadDaily()]);
    } catch (err) {
      $('#filter-error').textContent = err.message;
    }
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
    renderTotals();
  }
  async function loadDaily() {
    const query = new URLSearchParams(state.query);
    query.set('utcOffsetMinutes', String(-new Date().getTimezoneOffset()));
    state.daily = await getJson(`/api/summary/daily?${query}`);
    renderChart();
  }

  // ---- the table ----------------------------------------------------------------------------------

  function renderTable() {
    const rows = state.items.map((j) =>
      h('tr', { 'data-work-order': j.workOrderId, class: j.flags.length ? 'flagged' : null },
        h('td', { class: 'num' }, String(j.workOrderId)),
        h('td', {}, j.externalOrderId || '—'),
        h('td', {}, j.tenantId || '—'),
        h('td', {}, j.responsibilityParty || '—'),
        h('td', { class: 'num' }, `${j.warehouseRatio ?? '—'} / ${j.deliveryRatio ?? '—'}`),
        h('td', { class: 'num', 'data-col': 'claimAmount' }, money(j.claimAmount, j.currency)),
        h('td', { class: 'num', 'data-col': 'paymentAmount' }, money(j.paymentAmount, j.currency)),
        h('td', {}, time(j.receivedAt)),
        h('td', {}, j.claims.map((c) => h('span', { title: `${c.route} · ${c.platform}` }, statusBadge(c.status)))),
        h('td', {}, flagBadges(j.flags)),
        h('td', {}, h('button', { type: 'button', 'data-open': j.workOrderId }, t('open'))),
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
    const blocks = currencies.map((c) =>
      h('div', { class: 'currency-totals', 'data-currency': c.currency },
        h('h3', {}, `${t('totalsFor')} · ${c.currency}`),
        h('div', { class: 'totals' },
          ...['judgedClaimAmount', 'paidAmount', 'claimedAmount', 'acceptedAmount', 'completedAmount'].map((key) =>
            h('div', { class: 'total', 'data-total': key }, h('div', { class: 'label' }, t(key)), h('div', { class: 'value num' }, money(c[key], c.currency)))),
          h('div', { class: 'total' }, h('div', { class: 'label' }, t('judgments')), h('div', { class: 'value num', 'data-total': 'judgments' }, String(c.judgments))),
          h('div', { class: 'total' }, h('div', { class: 'label' }, t('claimCount')), h('div', { class: 'value num', 'data-total': 'claims' }, String(c.claims))),
        ),
        h('div', { class: 'flags-line' },
          FLAGS.filter((f) => c.flags[f] > 0).map((f) =>
            h('button', { type: 'button', class: 'badge flag', 'data-flag-filter': f, title: f }, `${flagName(f)}: ${c.flags[f]}`))),
      ),
    );
    box.replaceChildren(...(blocks.length ? blocks : [h('p', { class: 'muted' }, t('noData'))]));
  }

  // ---- the chart ----------------------------------------------------------------------------------

  function renderChart() {
    const body = $('#chart-body');
    const currencies = state.daily ? state.daily.currencies : [];
    const select = $('#chart-currency');
    if (!currencies.some((c) => c.currency === state.chartCurrency)) state.chartCurrency = currencies.length ? currencies[0].currency : null;
    select.replaceChildren(...currencies.map((c) => h('option', { value: c.currency }, c.currency)));
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
    const chart = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('chartTitle'), 'data-currency': data.currency, 'data-days': data.days.length });
    chart.append(
      s('line', { class: 'axis', x1: pad.left, y1: pad.top + plotH, x2: W - pad.right, y2: pad.top + plotH }),
      s('line', { class: 'axis', x1: pad.left, y1: pad.top, x2: pad.left, y2: pad.top + plotH }),
      s('text', { x: pad.left - 4, y: pad.top + 8, 'text-anchor': 'end' }, groupDigits(decimalOf(max))),
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
        rect.append(s('title', {}, `${day.day} ${t(sr.label)} ${groupDigits(value)} ${data.currency}`));
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
      $('#filter-error').textContent = '';
    } catch (err) {
      $('#filter-error').textContent = err.message;
    } finally {
      button.disabled = false;
      button.textContent = t('export');
    }
  }

  // ---- the detail view ----------------------------------------------------------------------------

  async function openDetail(workOrderId, message) {
    const [detail, preview] = await Promise.all([getJson(`/api/judgments/${workOrderId}`), getJson(`/api/judgments/${workOrderId}/route-preview`)]);
    state.detail = detail;
    state.preview = preview;
    $('#app').hidden = true;
    $('#detail').hidden = false;
    $('#detail-message').textContent = message || '';
    renderDetail();
    window.scrollTo(0, 0);
  }

  function closeDetail() {
    state.detail = null;
    $('#detail').hidden = true;
    $('#app').hidden = false;
  }

  const kv = (pairs) => h('dl', { class: 'kv' }, pairs.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));

  function renderDetail() {
    const d = state.detail;
    if (!d) return;
    $('#detail-title').textContent = `${t('workOrderId')} #${d.workOrderId} · ${d.externalOrderId || ''}`;
    const operator = state.me && state.me.role === 'operator';
    $('#detail-body').replaceChildren(
      h('div', {}, flagBadges(d.flags)),
      kv([
        [t('tenantId'), d.tenantId || '—'], [t('responsibilityParty'), d.responsibilityParty || '—'],
        [t('ratios'), `${d.warehouseRatio ?? '—'} / ${d.deliveryRatio ?? '—'}`],
        [t('claimAmount'), money(d.claimAmount, d.currency)], [t('paymentAmount'), money(d.paymentAmount, d.currency)],
        [t('receivedAt'), time(d.receivedAt)], [t('revision'), String(d.revision)],
      ]),
      h('h3', {}, t('routePreview')),
      renderPreview(state.preview),
      h('h3', {}, t('claims')),
      renderClaims(d.claims, operator),
      h('h3', {}, t('revisions')),
      ...d.revisions.map(renderRevision),
    );
  }

  function renderPreview(preview) {
    const blocks = preview.routes.map((r) => {
      const verdict = r.matchesFiled === null ? h('span', { class: 'badge' }, '—')
        : h('span', { class: `badge ${r.matchesFiled ? 'ok' : 'differs'}` }, r.matchesFiled ? t('matches') : t('differs'));
      return h('div', { class: 'preview', 'data-route': r.route, 'data-matches': String(r.matchesFiled) },
        h('div', {},
          h('strong', {}, `${r.route} → ${r.platform}`), ' ', verdict,
          h('div', {}, `${t('wouldFile')}: `, r.matched ? h('span', { class: 'reason-yes' }, `✓ ${t('matched')}`) : h('span', { class: 'reason-no' }, `✗ ${t('notMatched')}`)),
          h('ul', {}, r.reasons.map((reason) => h('li', { class: / does not match/.test(reason) ? 'reason-no' : 'reason-yes' }, reason))),
          r.share ? h('div', {}, `${t('share')}: ${r.share}`) : null,
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

  function renderClaims(claims, operator) {
    if (!claims.length) return h('p', { class: 'muted' }, '—');
    const head = h('tr', {}, ['#', t('route'), t('platform'), t('status'), t('amount'), t('acceptedAmountCol'), t('platformClaimId'), t('lastError'), t('nextAttemptAt'), t('flags'), operator ? t('actions') : '']
      .map((label, i) => h('th', { class: i === 4 || i === 5 ? 'num' : null }, label)));
    const rows = claims.flatMap((c) => {
      const actions = [];
      if (operator && ['dead', 'rejected'].includes(c.status)) actions.push(h('button', { type: 'button', class: 'primary', 'data-claim-action': 'retry', 'data-claim': c.id }, t('retry')));
      if (operator && ['pending', 'dead', 'rejected'].includes(c.status)) actions.push(h('button', { type: 'button', class: 'danger', 'data-claim-action': 'cancel', 'data-claim': c.id }, t('cancel')));
      return [
        h('tr', { 'data-claim-row': c.id, class: c.flags.length ? 'flagged' : null },
          h('td', { class: 'num' }, String(c.id)), h('td', {}, c.route), h('td', {}, c.platform), h('td', {}, statusBadge(c.status)),
          h('td', { class: 'num' }, money(c.amount, c.currency)), h('td', { class: 'num' }, money(c.acceptedAmount, c.currency)),
          h('td', {}, c.platformClaimId || '—'), h('td', {}, c.lastError || '—'), h('td', {}, time(c.nextAttemptAt)), h('td', {}, flagBadges(c.flags)),
          h('td', {}, actions)),
        h('tr', {}, h('td', { colspan: 11 },
          h('details', {}, h('summary', {}, `${t('attempts')} (${c.attempts.length})`), renderAttempts(c.attempts)),
          h('details', {}, h('summary', {}, `${t('events')} (${c.events.length})`),
            h('ul', {}, c.events.map((e) => h('li', {}, time(e.at), ` ${e.from || '∅'} → ${e.to} · ${e.source} · ${e.reason}`)))),
          h('details', {}, h('summary', {}, `${t('audit')} (${c.audit.length})`),
            h('ul', {}, c.audit.map((a) => h('li', { 'data-audit': a.action }, time(a.at), ` ${a.actor} (${a.actorRole}) ${a.action}: ${a.before ? a.before.status : '∅'} → ${a.after ? a.after.status : '∅'}`)))),
        )),
      ];
    });
    return h('table', { id: 'claims' }, h('thead', {}, head), h('tbody', {}, rows));
  }

  function renderAttempts(attempts) {
    if (!attempts.length) return h('p', { class: 'muted' }, '—');
    return h('table', {},
      h('thead', {}, h('tr', {}, ['#', t('outcome'), t('httpStatus'), t('latency'), t('lastError'), ''].map((x) => h('th', {}, x)))),
      h('tbody', {}, attempts.map((a) => h('tr', {},
        h('td', {}, String(a.attemptNo)), h('td', {}, a.outcome), h('td', {}, a.httpStatus ?? '—'), h('td', { class: 'num' }, a.latencyMs === null ? '—' : `${a.latencyMs} ms`),
        h('td', {}, [a.errorCode, a.errorMessage].filter(Boolean).join(' ') || '—'),
        h('td', {}, h('details', {}, h('summary', {}, 'request / response'), pretty(a.request), pretty(a.response || '')))))));
  }

  function renderRevision(r) {
    let body = r.rawPush.body;
    try {
      body = JSON.parse(body);
    } catch (_) {
      // shown as received
    }
    return h('div', { class: 'revision', 'data-revision': r.revision },
      kv([
        [t('revision'), String(r.revision)], [t('receivedAt'), time(r.receivedAt)], [t('responsibilityParty'), r.responsibilityParty || '—'],
        [t('claimAmount'), money(r.claimAmount, r.currency)], [t('paymentAmount'), money(r.paymentAmount, r.currency)],
      ]),
      h('details', {}, h('summary', {}, t('rawPush')), pretty({ receivedAt: r.rawPush.receivedAt, method: r.rawPush.method, query: r.rawPush.query, headers: r.rawPush.headers }), pretty(body)),
    );
  }

  async function claimAction(button) {
    const action = button.dataset.claimAction;
    if (action === 'cancel' && button.dataset.confirm !== 'yes') {
      button.dataset.confirm = 'yes';
      button.textContent = t('confirmCancel');
      return;
    }
    button.disabled = true;
    try {
      await api(`/api/claims/${button.dataset.claim}/${action}`, { method: 'POST' });
      await openDetail(state.detail.workOrderId, action === 'retry' ? t('retried') : t('cancelled'));
      loadList(true).catch(() => undefined);
      loadSummary().catch(() => undefined);
    } catch (err) {
      $('#detail-message').textContent = err.message;
      button.disabled = false;
    }
  }

  // ---- language -----------------------------------------------------------------------------------

  function renderTexts() {
    document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
    document.title = t('title');
    for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
    $('#lang').textContent = state.lang === 'zh' ? 'English' : '中文';
    const form = $('#filters');
    fillSelect(form.elements.status, STATUSES, statusName);
    fillSelect(form.elements.platform, PLATFORMS, (p) => p);
    fillSelect(form.elements.flag, FLAGS, flagName);
  }

  function switchLanguage() {
    state.lang = state.lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem(LANG_KEY, state.lang);
    renderTexts();
    renderWho();
    renderTable();
    renderTotals();
    renderChart();
    renderDetail();
  }

  // ---- wiring -------------------------------------------------------------------------------------

  function wire() {
    $('#signin-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      $('#signin-error').textContent = '';
      try {
        await signIn($('#token').value.trim());
      } catch (err) {
        $('#signin-error').textContent = err.message;
      }
    });
    $('#signout').addEventListener('click', signOut);
    $('#lang').addEventListener('click', switchLanguage);
    $('#filters').addEventListener('submit', (event) => {
      event.preventDefault();
      applyFilter();
    });
    $('#reset').addEventListener('click', () => {
      $('#filters').reset();
      applyFilter();
    });
    $('#export').addEventListener('click', exportCsv);
    $('#more').addEventListener('click', () => loadList(false).catch((err) => ($('#filter-error').textContent = err.message)));
    $('#judgments').addEventListener('click', (event) => {
      const button = event.target.closest('button[data-open]');
      if (button) openDetail(button.dataset.open).catch((err) => ($('#filter-error').textContent = err.message));
    });
    $('#totals').addEventListener('click', (event) => {
      const button = event.target.closest('button[data-flag-filter]');
      if (!button) return;
      $('#filters').elements.flag.value = button.dataset.flagFilter;
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
