// TokenPulse dashboard: plain JavaScript over the instance's JSON API, no build step. Every piece of data goes
// through the API with the bearer token typed into the sign-in dialog; text from the data is only ever set as
// textContent, never parsed as HTML.
'use strict';

const API = '/api/v1';
const TOKEN_KEY = 'tokenpulse.apiToken';
const main = document.getElementById('main');
let alertTypes = {};          // type -> {severity, action}
let liveFeed = null;          // the AbortController of the open alert stream
let pageSerial = 0;           // a newer navigation makes older async renders stop

class AuthError extends Error {}

// ---- helpers ---------------------------------------------------------------------------------------------------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.substring(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function authHeaders() {
  const t = sessionStorage.getItem(TOKEN_KEY);
  return t ? { Authorization: 'Bearer ' + t } : {};
}

async function api(path) {
  const r = await fetch(path, { headers: authHeaders() });
  if (r.status === 401) { signIn(); throw new AuthError('sign in'); }
  if (r.status === 404) return null;
  if (!r.ok) {
    let reason = r.statusText;
    try { reason = (await r.json()).error || reason; } catch (e) { /* not JSON */ }
    throw new Error(r.status + ': ' + reason);
  }
  return r.json();
}

function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? '?' + s : '';
}

function fmtTime(iso) {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/:\d\dZ$/, 'Z');
}

function fmtDuration(ms) {
  if (ms === null || ms === undefined) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return s + ' s';
  const m = Math.round(s / 60);
  if (m < 120) return m + ' min';
  const hrs = ms / 3600000;
  if (hrs < 48) return hrs.toFixed(1) + ' h';
  return (hrs / 24).toFixed(1) + ' d';
}

function fmtRatio(r) { return r === null || r === undefined ? '—' : (r * 100).toFixed(1) + ' %'; }
function sev(s) { return h('span', { class: 'sev sev-' + s }, s || '?'); }
function tokenLink(id) { return h('a', { class: 'nowrap', href: '#/token/' + encodeURIComponent(id) }, id); }

function table(caption, headers, rows, opts) {
  const t = h('table', opts || {});
  if (caption) t.append(h('caption', { class: 'muted' }, caption));
  t.append(h('thead', {}, h('tr', {}, headers.map(x => h('th', { scope: 'col', class: x.num ? 'num' : null }, x.label || x)))));
  const body = h('tbody');
  rows.forEach(r => body.append(r));
  t.append(body);
  return t;
}

function cell(v, num) { return h('td', { class: num ? 'num' : null }, v); }
function tcell(iso) { return h('td', { class: 'nowrap' }, iso ? h('time', { datetime: iso }, fmtTime(iso)) : '—'); }
function params() { return new URLSearchParams(location.hash.split('?')[1] || ''); }
function setParams(page, p) { location.hash = '#/' + page + qs(p); }

function select(id, label, options, value, onchange) {
  const s = h('select', { id, name: id, onchange });
  options.forEach(o => {
    const [v, text] = Array.isArray(o) ? o : [o, o];
    s.append(h('option', { value: v, selected: v === value }, text));
  });
  return h('label', { for: id }, label, s);
}

async function tenants() {
  const body = await api(API + '/dashboard/tenants');
  (body.alertTypes || []).forEach(t => { alertTypes[t.type] = t; });
  return body.tenants;
}

// ---- sign in ---------------------------------------------------------------------------------------------------

function signIn() {
  const d = document.getElementById('sign-in');
  if (!d.open) {
    document.getElementById('sign-in-error').textContent = sessionStorage.getItem(TOKEN_KEY) ? 'That token was not accepted.' : '';
    d.showModal();
    document.getElementById('api-token').focus();
  }
}

document.getElementById('sign-in-form').addEventListener('submit', () => {
  sessionStorage.setItem(TOKEN_KEY, document.getElementById('api-token').value.trim());
  document.getElementById('api-token').value = '';
  document.getElementById('sign-out').hidden = false;
  route();
});

document.getElementById('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  document.getElementById('sign-out').hidden = true;
  route();
});

document.getElementById('find-token').addEventListener('submit', e => {
  e.preventDefault();
  const id = document.getElementById('find-token-id').value.trim();
  if (id) location.hash = '#/token/' + encodeURIComponent(id);
});

// ---- overview --------------------------------------------------------------------------------------------------

const GAUGES = [
  ['activeTokens', 'Active tokens'], ['unusedTokens', 'Unused'], ['overPrivilegedTokens', 'Over-privileged'],
  ['tokensWithoutExpiry', 'Without expiry'], ['tokensOverMaxLifetime', 'Over max lifetime'],
];

async function overview(serial) {
  const list = await tenants();
  const p = params();
  const tenant = p.get('tenant') || (list[0] && list[0].tenant);
  const owner = p.get('owner') || '';
  const granularity = p.get('granularity') || 'HOURLY';
  main.replaceChildren(h('h1', {}, 'Overview'));
  if (!tenant) {
    main.append(h('p', { class: 'muted' }, 'No tenant has a report or an alert yet.'));
    return;
  }
  const entry = list.find(t => t.tenant === tenant) || { owners: [] };
  main.append(h('form', { class: 'filters', 'aria-label': 'Overview filters', onsubmit: e => e.preventDefault() },
    select('ov-tenant', 'Tenant', list.map(t => t.tenant), tenant, e => setParams('overview', { tenant: e.target.value })),
    select('ov-owner', 'Owner', [['', 'All owners']].concat(entry.owners), owner,
      e => setParams('overview', { tenant, owner: e.target.value, granularity })),
    select('ov-gran', 'Trend windows', [['HOURLY', 'Hourly'], ['DAILY', 'Daily']], granularity,
      e => setParams('overview', { tenant, owner, granularity: e.target.value }))));

  const [posture, history] = await Promise.all([
    api(API + '/tenants/' + encodeURIComponent(tenant) + '/posture'),
    api(API + '/dashboard/reports' + qs({ tenant, owner, granularity })),
  ]);
  if (serial !== pageSerial) return;
  const reports = (history && history.reports) || [];
  const latest = reports[reports.length - 1];
  const gauges = posture ? (owner ? (posture.owners || {})[owner] : posture.gauges) : null;

  main.append(h('h2', {}, 'Posture now', gauges ? h('span', { class: 'muted' }, ' (as of ' + fmtTime(gauges.asOf) + ')') : ''));
  if (!gauges && !latest) {
    main.append(h('p', { class: 'muted' }, 'No report window has closed for this selection yet.'));
  } else {
    const g = gauges || latest;
    const dl = h('dl', { class: 'gauges', id: 'gauges' });
    GAUGES.forEach(([k, label]) => dl.append(h('div', { class: 'gauge' }, h('dt', {}, label), h('dd', { 'data-gauge': k }, g[k] ?? '—'))));
    dl.append(h('div', { class: 'gauge' }, h('dt', {}, 'Least-privilege ratio'), h('dd', { 'data-gauge': 'leastPrivilegeRatio' }, fmtRatio(g.leastPrivilegeRatio))));
    if (latest) {
      // Flows are per window: a window where no token ended or no incident moved has none, so show the latest known.
      [['lifespanP50Ms', 'Lifespan p50'], ['lifespanP95Ms', 'Lifespan p95'], ['timeToDetectP50Ms', 'Time to detect p50'],
        ['timeToRevokeP50Ms', 'Time to revoke p50'], ['timeToReplaceP50Ms', 'Time to replace p50']].forEach(([k, label]) => {
        const known = [...reports].reverse().find(r => r[k] !== null && r[k] !== undefined);
        dl.append(h('div', { class: 'gauge' }, h('dt', {}, label), h('dd', { 'data-gauge': k }, known ? fmtDuration(known[k]) : '—'),
          known ? h('dd', { class: 'when' }, 'window ending ' + fmtTime(known.windowEnd)) : null));
      });
    }
    main.append(dl);
  }

  main.append(h('h2', {}, 'Trend over the report history'));
  if (reports.length === 0) {
    main.append(h('p', { class: 'muted' }, 'No ' + granularity.toLowerCase() + ' report for this selection yet.'));
  } else {
    const charts = h('div', { class: 'charts' });
    main.append(charts);
    const hours = v => v === null || v === undefined ? null : v / 3600000;
    const days = v => v === null || v === undefined ? null : v / 86400000;
    chart(charts, 'Tokens', reports, [['activeTokens', 'Active', '#13233a'], ['unusedTokens', 'Unused', '#8a5a00'],
      ['overPrivilegedTokens', 'Over-privileged', '#b3261e'], ['tokensWithoutExpiry', 'Without expiry', '#1f6f43']], v => v, '');
    chart(charts, 'Least-privilege ratio (%)', reports, [['leastPrivilegeRatio', 'Ratio', '#0b57d0']], v => v === null ? null : v * 100, '%');
    chart(charts, 'Lifespan (days)', reports, [['lifespanP50Ms', 'p50', '#13233a'], ['lifespanP95Ms', 'p95', '#b3261e']], days, 'd');
    chart(charts, 'Incident durations, p50 (hours)', reports, [['timeToDetectP50Ms', 'Detect', '#8a5a00'],
      ['timeToRevokeP50Ms', 'Revoke', '#b3261e'], ['timeToReplaceP50Ms', 'Replace', '#1f6f43']], hours, 'h');
  }

  main.append(h('h2', {}, 'Open conditions by type and severity'));
  const holder = h('div', { id: 'conditions' }, h('p', { class: 'muted' }, 'Counting…'));
  main.append(holder);
  const counts = await openConditions(tenant, owner, serial);
  if (serial !== pageSerial || counts === null) return;
  const rows = Object.entries(counts.byType).sort((a, b) => b[1] - a[1]).map(([type, n]) => {
    const s = (alertTypes[type] || {}).severity;
    return h('tr', {}, cell(type), cell(sev(s)), cell(n, true),
      cell(h('a', { href: '#/alerts' + qs({ tenant, owner, type }) }, 'alerts')));
  });
  const bySev = {};
  Object.entries(counts.byType).forEach(([type, n]) => {
    const s = (alertTypes[type] || {}).severity || '?';
    bySev[s] = (bySev[s] || 0) + n;
  });
  holder.replaceChildren(
    h('p', {}, counts.tokens + ' tokens scanned' + (counts.truncated ? ' (first ' + counts.tokens + ' only)' : '') + '; by severity: ',
      ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'].filter(s => bySev[s]).map(s => h('span', {}, sev(s), ' ' + bySev[s] + '  '))),
    rows.length ? table(null, ['Condition', 'Severity', { label: 'Open on tokens', num: true }, 'Feed'], rows, { id: 'conditions-table' })
      : h('p', { class: 'muted' }, 'No open condition.'));
}

async function openConditions(tenant, owner, serial) {
  const byType = {};
  let tokens = 0;
  let cursor = null;
  for (let page = 0; page < 20; page++) {
    const body = await api(API + '/tokens' + qs({ tenant, owner, limit: 1000, cursor }));
    if (serial !== pageSerial || !body) return null;
    for (const t of body.tokens) {
      tokens++;
      Object.keys(t.openConditions || {}).forEach(c => { byType[c] = (byType[c] || 0) + 1; });
    }
    cursor = body.nextCursor;
    if (!cursor) return { byType, tokens, truncated: false };
  }
  return { byType, tokens, truncated: true };
}

function chart(parent, title, reports, series, scale, unit) {
  const id = 'chart-' + title.toLowerCase().replace(/[^a-z]+/g, '-');
  const fig = h('figure', { class: 'chart', id, 'aria-labelledby': id + '-cap' }, h('figcaption', { id: id + '-cap' }, title));
  parent.append(fig);
  const xs = reports.map(r => Date.parse(r.windowEnd) / 1000);
  const data = [xs].concat(series.map(([k]) => reports.map(r => scale(r[k] ?? null))));
  const plot = h('div', { role: 'img', 'aria-label': title + ' per ' + (reports[0].granularity || '').toLowerCase()
      + ' window; the table below has the figures' });
  fig.append(plot);
  if (window.uPlot) {
    const width = Math.max(300, fig.clientWidth - 20);
    new uPlot({
      width, height: 220,
      series: [{ label: 'Window end' }].concat(series.map(([, label, stroke]) => ({
        label, stroke, width: 2, spanGaps: true, value: (u, v) => v === null ? '—' : (+v.toFixed(2)) + (unit ? ' ' + unit : ''),
      }))),
      axes: [{}, { size: 60 }],
    }, data, plot);
  }
  const rows = reports.slice(-48).reverse().map((r, i) => h('tr', {}, tcell((r.windowEnd)),
    series.map(([k]) => cell(r[k] === null || r[k] === undefined ? '—' : +scale(r[k]).toFixed(2), true))));
  fig.append(h('details', {}, h('summary', {}, 'Figures as a table'),
    table(null, ['Window end'].concat(series.map(([, label]) => ({ label, num: true }))), rows)));
}

// ---- live alerts -----------------------------------------------------------------------------------------------

const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

async function alerts(serial) {
  const list = await tenants();
  const p = params();
  const f = { tenant: p.get('tenant') || '', type: p.get('type') || '', severity: p.get('severity') || '', owner: p.get('owner') || '' };
  const status = h('p', { class: 'status', id: 'feed-status', role: 'status' }, 'Connecting…');
  const ownerInput = h('input', { id: 'al-owner', name: 'owner', value: f.owner, size: 14 });
  main.replaceChildren(h('h1', {}, 'Live alerts'),
    h('form', { class: 'filters', 'aria-label': 'Alert filters', onsubmit: e => {
      e.preventDefault(); setParams('alerts', Object.assign({}, f, { owner: ownerInput.value.trim() }));
    } },
      select('al-tenant', 'Tenant', [['', 'All tenants']].concat(list.map(t => t.tenant)), f.tenant,
        e => setParams('alerts', Object.assign({}, f, { tenant: e.target.value }))),
      select('al-type', 'Type', [['', 'All types']].concat(Object.keys(alertTypes).sort()), f.type,
        e => setParams('alerts', Object.assign({}, f, { type: e.target.value }))),
      select('al-severity', 'Severity', [['', 'All severities']].concat(SEVERITIES), f.severity,
        e => setParams('alerts', Object.assign({}, f, { severity: e.target.value }))),
      h('label', { for: 'al-owner' }, 'Owner', ownerInput),
      h('button', { type: 'submit' }, 'Apply')),
    status);
  const body = h('tbody', { id: 'feed' });
  main.append(h('table', { id: 'feed-table' },
    h('caption', { class: 'muted' }, 'Most recently written first; new alerts appear at the top as the pipeline writes them.'),
    h('thead', {}, h('tr', {}, ['Event time', 'Severity', 'Type', 'Tenant', 'Owner', 'Token', 'Summary', 'Action']
      .map(x => h('th', { scope: 'col' }, x)))), body));
  const first = await api(API + '/dashboard/alerts' + qs(Object.assign({ limit: 200 }, f)));
  if (serial !== pageSerial) return;
  first.alerts.forEach(a => body.append(alertRow(a, false)));
  stream(f, first.lastSeq, body, status, serial);
}

function alertRow(a, fresh) {
  return h('tr', { class: fresh ? 'new' : null, 'data-alert-id': a.alertId, 'data-token-id': a.tokenId },
    tcell((a.eventTime)), cell(sev(a.severity)), cell(a.type), cell(a.tenant), h('td', { class: 'nowrap' }, a.owner || '—'),
    cell(tokenLink(a.tokenId)), cell(a.summary), cell(a.action));
}

// Server-sent events read with fetch, because EventSource cannot send the Authorization header.
async function stream(filters, after, body, status, serial) {
  let lastSeq = after;
  while (serial === pageSerial) {
    const ctl = new AbortController();
    liveFeed = ctl;
    try {
      const r = await fetch(API + '/dashboard/alerts/stream' + qs(Object.assign({ after: lastSeq }, filters)),
        { headers: Object.assign({ Accept: 'text/event-stream' }, authHeaders()), signal: ctl.signal });
      if (r.status === 401) { signIn(); return; }
      if (!r.ok) throw new Error('HTTP ' + r.status);
      status.textContent = 'Live: new alerts appear without reloading.';
      const reader = r.body.getReader();
      const decoder = new TextDecoder();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const event = buf.substring(0, cut);
          buf = buf.substring(cut + 2);
          const data = event.split('\n').filter(l => l.startsWith('data: ')).map(l => l.substring(6)).join('\n');
          if (!data) continue;
          const a = JSON.parse(data);
          lastSeq = Math.max(lastSeq, a.seq);
          body.prepend(alertRow(a, true));
          while (body.rows.length > 500) body.deleteRow(-1);
        }
      }
    } catch (e) {
      if (ctl.signal.aborted) return;
    }
    if (serial !== pageSerial) return;
    status.textContent = 'Disconnected; reconnecting…';
    await new Promise(res => setTimeout(res, 2000));
  }
}

// ---- token page ------------------------------------------------------------------------------------------------

const ACTION_TEXT = {
  REVOKE: 'Revoke the token.', ROTATE: 'Rotate the token: issue a replacement, move callers to it, revoke this one.',
  RENEW: 'Renew or replace the token before it expires.', NARROW_SCOPES: 'Narrow the grant to the scopes in use',
  INVESTIGATE: 'Investigate the use: who called, from where, and whether the token leaked.', NONE: 'No action needed.',
};

async function token(serial, id) {
  await tenants();
  const [t, al] = await Promise.all([
    api(API + '/tokens/' + encodeURIComponent(id)),
    api(API + '/dashboard/alerts' + qs({ tokenId: id, limit: 1000 })),
  ]);
  if (serial !== pageSerial) return;
  if (!t) {
    main.replaceChildren(h('h1', {}, 'Token ' + id), h('p', { class: 'error' }, 'No token ' + id + ' is known.'));
    return;
  }
  const alertsOf = (al && al.alerts) || [];
  const life = t.lifecycle;
  main.replaceChildren(h('h1', {}, 'Token ', h('code', {}, t.tokenId)),
    h('dl', { class: 'facts', id: 'token-facts' },
      h('dt', {}, 'Status'), h('dd', {}, life.status),
      h('dt', {}, 'Tenant / owner'), h('dd', {}, t.tenant + ' / ' + (t.owner || '—')),
      h('dt', {}, 'Principal'), h('dd', {}, (t.principal || '—') + (t.serviceVersion ? ' @ ' + t.serviceVersion : '')),
      h('dt', {}, 'Issuer'), h('dd', {}, t.issuer || '—'),
      h('dt', {}, 'Last use'), h('dd', {}, fmtTime(t.lastUseAt) + ' (allowed: ' + fmtTime(t.lastAllowedUseAt) + ')')));

  // Suggested remediation: the action of each open condition (its latest alert's, which names the scopes to keep).
  const open = Object.entries(t.openConditions || {});
  const remedies = [];
  open.forEach(([c]) => {
    const last = alertsOf.find(a => a.type === c);
    const action = last ? last.action : (alertTypes[c] || {}).action;
    const scopes = last && last.suggestedScopes && last.suggestedScopes.length ? ': ' + last.suggestedScopes.join(', ') : '.';
    remedies.push(h('li', {}, h('strong', {}, c), ' — ', action === 'NARROW_SCOPES' ? ACTION_TEXT[action] + scopes : ACTION_TEXT[action] || action));
  });
  if (t.incident && t.incident.open) {
    remedies.push(h('li', {}, h('strong', {}, 'Open incident'), ' — ',
      !t.incident.revokedAt ? 'revoke this token' : 'issue a replacement (replacesTokenId = this token) and move callers to it',
      ', then check the uses after revocation.'));
  }
  main.append(h('section', { 'aria-labelledby': 'remedy-h' }, h('h2', { id: 'remedy-h' }, 'Suggested remediation'),
    remedies.length ? h('ul', { class: 'remedy', id: 'remedy' }, remedies) : h('p', { id: 'remedy' }, 'Nothing open: no action suggested.')));

  const cols = h('div', { class: 'grid2' });
  main.append(cols);
  // Lifecycle timeline from what the token state holds.
  const events = [
    [life.issuedAt, life.replacesTokenId ? 'Issued, replacing ' : 'Issued', life.replacesTokenId],
    [life.exposedAt, 'Exposure began'], [life.compromisedAt, 'Reported compromised'],
    [life.revokedAt, 'Revoked'], [life.expiredAt, 'Expired'],
  ].filter(e => e[0]);
  // The state keeps the last lifecycle event (a rotation, renewal, scope change) besides the dated milestones above.
  if (life.lastEventAt && !['ISSUED', 'REVOKED', 'EXPIRED', 'COMPROMISED'].includes(life.lastEventType)) {
    events.push([life.lastEventAt, 'Last lifecycle event: ' + life.lastEventType]);
  }
  if (life.expiresAt && !life.expiredAt) events.push([life.expiresAt, 'Expires']);
  if (life.replacedBy) events.push([t.incident && t.incident.replacementFirstUsedAt, 'Replaced by ', life.replacedBy]);
  events.sort((a, b) => String(a[0] || '9').localeCompare(String(b[0] || '9')));
  const now = new Date().toISOString();
  cols.append(h('section', { 'aria-labelledby': 'life-h' }, h('h2', { id: 'life-h' }, 'Lifecycle'),
    h('ol', { class: 'timeline', id: 'timeline' }, events.map(([at, what, link]) =>
      h('li', { class: at && at > now ? 'future' : null }, h('time', { datetime: at || '' }, at ? fmtTime(at) : 'pending'),
        what, link ? tokenLink(link) : '')))));

  const scopes = new Set((t.scopes.granted || []).concat(Object.keys(t.scopes.lastUseByScope || {})));
  const granted = new Set(t.scopes.granted || []);
  const rows = [...scopes].sort().map(s => h('tr', {}, cell(h('code', {}, s)),
    cell(granted.has(s) ? 'granted' : 'not granted'),
    cell(t.scopes.lastUseByScope[s] ? fmtTime(t.scopes.lastUseByScope[s]) : (granted.has(s) ? 'never used' : '—'))));
  cols.append(h('section', { 'aria-labelledby': 'scopes-h' }, h('h2', { id: 'scopes-h' }, 'Scopes granted and used'),
    rows.length ? table(null, ['Scope', 'Grant', 'Last use'], rows, { id: 'scopes' }) : h('p', { class: 'muted' }, 'No scope granted or used.'),
    h('h2', {}, 'Known sources'),
    h('p', { id: 'sources' }, t.knownSources.networks + ' networks (IPv4 /24, IPv6 /64) and ' + t.knownSources.userAgents
      + ' user agents seen; the state keeps them hashed, so they are counted, not shown.')));

  main.append(h('h2', {}, 'Open conditions'),
    open.length ? table(null, ['Condition', 'Severity', 'Since'], open.map(([c, since]) =>
      h('tr', {}, cell(c), cell(sev((alertTypes[c] || {}).severity)), tcell((since)))), { id: 'open-conditions' })
      : h('p', { id: 'open-conditions' }, 'None.'));

  if (t.incident) {
    const i = t.incident;
    main.append(h('section', { 'aria-labelledby': 'inc-h' }, h('h2', { id: 'inc-h' }, 'Incident (' + (i.open ? 'open' : 'closed') + ')'),
      h('dl', { class: 'facts', id: 'incident' },
        h('dt', {}, 'Exposed'), h('dd', {}, fmtTime(i.exposedAt)),
        h('dt', {}, 'Reported'), h('dd', {}, fmtTime(i.reportedAt)),
        h('dt', {}, 'Detected'), h('dd', {}, fmtTime(i.detectedAt)),
        h('dt', {}, 'Revoked'), h('dd', {}, fmtTime(i.revokedAt)),
        h('dt', {}, 'Replaced by'), h('dd', {}, i.replacedBy ? tokenLink(i.replacedBy) : '—'),
        h('dt', {}, 'Replacement first used'), h('dd', {}, fmtTime(i.replacementFirstUsedAt)),
        h('dt', {}, 'Time to detect'), h('dd', { 'data-duration': 'detect' }, fmtDuration(i.timeToDetectMs)),
        h('dt', {}, 'Time to revoke'), h('dd', { 'data-duration': 'revoke' }, fmtDuration(i.timeToRevokeMs)),
        h('dt', {}, 'Time to replace'), h('dd', { 'data-duration': 'replace' }, fmtDuration(i.timeToReplaceMs)),
        h('dt', {}, 'Attempts after revocation'), h('dd', {}, i.attemptsAfterRevocation))));
  }

  main.append(h('h2', {}, 'Alerts'),
    alertsOf.length ? table(null, ['Event time', 'Severity', 'Type', 'Summary', 'Action'], alertsOf.map(a =>
      h('tr', {}, tcell((a.eventTime)), cell(sev(a.severity)), cell(a.type), cell(a.summary),
        cell(a.action + (a.suggestedScopes && a.suggestedScopes.length ? ' (keep ' + a.suggestedScopes.join(', ') + ')' : '')))),
      { id: 'token-alerts' }) : h('p', { id: 'token-alerts' }, 'No alert among the recent ones this instance keeps.'));
}

// ---- incidents -------------------------------------------------------------------------------------------------

async function incidents(serial) {
  const list = await tenants();
  const tenant = params().get('tenant') || '';
  const body = await api(API + '/incidents' + qs({ tenant, limit: 1000 }));
  if (serial !== pageSerial) return;
  main.replaceChildren(h('h1', {}, 'Incidents'),
    h('form', { class: 'filters', 'aria-label': 'Incident filters', onsubmit: e => e.preventDefault() },
      select('in-tenant', 'Tenant', [['', 'All tenants']].concat(list.map(t => t.tenant)), tenant,
        e => setParams('incidents', { tenant: e.target.value }))),
    h('p', {}, body.open + ' open of ' + body.total + '.'),
    body.incidents.length ? table(null, ['Token', 'Tenant', 'State', 'Exposed', 'Detected', 'Revoked', 'Replaced by',
      { label: 'Time to detect', num: true }, { label: 'Time to revoke', num: true }, { label: 'Time to replace', num: true },
      { label: 'Attempts after revocation', num: true }], body.incidents.map(i => h('tr', {},
      cell(tokenLink(i.tokenId)), cell(i.tenant), cell(i.open ? 'open' : 'closed'), tcell((i.exposedAt)),
      tcell((i.detectedAt)), tcell((i.revokedAt)), cell(i.replacedBy ? tokenLink(i.replacedBy) : '—'),
      cell(fmtDuration(i.timeToDetectMs), true), cell(fmtDuration(i.timeToRevokeMs), true),
      cell(fmtDuration(i.timeToReplaceMs), true), cell(i.attemptsAfterRevocation, true))), { id: 'incidents' })
      : h('p', { class: 'muted' }, 'No incident.'));
}

// ---- versions --------------------------------------------------------------------------------------------------

async function versions(serial) {
  const list = await tenants();
  const tenant = params().get('tenant') || '';
  const svc = await api(API + '/dashboard/services' + qs({ tenant }));
  if (serial !== pageSerial) return;
  main.replaceChildren(h('h1', {}, 'Versions'),
    h('p', { class: 'muted' }, 'Per service, the versions deployed and retired, and the active tokens still bound to each: '
      + 'a retired version that still holds tokens is a phase-out not finished.'),
    h('form', { class: 'filters', 'aria-label': 'Version filters', onsubmit: e => e.preventDefault() },
      select('ve-tenant', 'Tenant', [['', 'All tenants']].concat(list.map(t => t.tenant)), tenant,
        e => setParams('versions', { tenant: e.target.value }))));
  const entries = [];
  Object.entries(svc.tenants).forEach(([t, services]) => Object.keys(services).forEach(s => entries.push([t, s])));
  if (!entries.length) main.append(h('p', { class: 'muted' }, 'No deployment seen yet.'));
  const holder = h('div', { id: 'versions' });
  main.append(holder);
  for (const [t, s] of entries) {
    const v = await api(API + '/services/' + encodeURIComponent(s) + '/versions' + qs({ tenant: t }));
    if (serial !== pageSerial) return;
    holder.append(h('section', { 'aria-label': t + ' ' + s }, h('h2', {}, s, h('span', { class: 'muted' }, ' (' + t + ')')),
      table(null, ['Version', 'Status', 'Since', { label: 'Active tokens bound', num: true }, 'Tokens'],
        (v ? v.versions : []).map(x => h('tr', { class: x.status === 'RETIRED' && x.activeBoundTokens > 0 ? 'attention' : null },
          cell(x.version), cell(x.status === 'RETIRED' && x.activeBoundTokens > 0 ? h('strong', {}, 'RETIRED, still in use') : x.status),
          tcell((x.statusAt)), cell(x.activeBoundTokens, true),
          cell(x.tokens.slice(0, 8).map((id, i) => [i ? ', ' : '', tokenLink(id)]).flat()
            .concat(x.tokens.length > 8 ? [' and ' + (x.activeBoundTokens - 8) + ' more'] : [])))))));
  }
}

// ---- routing ---------------------------------------------------------------------------------------------------

async function route() {
  const serial = ++pageSerial;
  if (liveFeed) { liveFeed.abort(); liveFeed = null; }
  const path = (location.hash.replace(/^#\/?/, '').split('?')[0]) || 'overview';
  const [page, ...rest] = path.split('/');
  document.querySelectorAll('.top nav a').forEach(a => {
    if (a.dataset.page === page) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  document.getElementById('sign-out').hidden = !sessionStorage.getItem(TOKEN_KEY);
  const pages = { overview, alerts, incidents, versions, token: s => token(s, decodeURIComponent(rest.join('/'))) };
  const render = pages[page] || overview;
  document.title = 'TokenPulse · ' + (page === 'token' ? decodeURIComponent(rest.join('/')) : page);
  try {
    await render(serial);
  } catch (e) {
    if (e instanceof AuthError || serial !== pageSerial) return;
    main.replaceChildren(h('h1', {}, 'Something went wrong'), h('p', { class: 'error', role: 'alert' }, e.message));
  }
  if (serial === pageSerial) main.setAttribute('data-ready', page);
}

window.addEventListener('hashchange', () => { main.removeAttribute('data-ready'); route().then(() => main.focus({ preventScroll: true })); });
route();
