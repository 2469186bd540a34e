// The todo app's front end: plain JavaScript against pgrest's REST API on the same origin.
// The API root is wherever the page was served from (/rpc/homepage stripped), so the page works
// at http://host/rpc/homepage as well as behind a CGI prefix such as /cgi-bin/pgrest/rpc/homepage.
'use strict';
(function () {
  const API = location.pathname.replace(/\/rpc\/homepage\/?$/, '');
  const TOKEN_KEY = 'pgrest-todo.jwt';
  const $ = (id) => document.getElementById(id);

  function token() { return localStorage.getItem(TOKEN_KEY) || ''; }

  // The role a token names (shown only; pgrest verifies the signature).
  function roleOf(jwt) {
    try {
      const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(atob(part)).role || '(no role claim)';
    } catch (e) {
      return '(unreadable token)';
    }
  }

  // One API call. Resolves to {ok, status, data}; a PostgREST error body becomes data = {code, message, ...}.
  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (token()) headers.Authorization = 'Bearer ' + token();
    if (method !== 'GET') headers.Prefer = 'return=representation';
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      return { ok: false, status: 0, data: { message: 'network error: ' + e.message } };
    }
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = { message: text }; }
    return { ok: res.ok, status: res.status, data };
  }

  function say(text, ok) {
    const m = $('message');
    m.textContent = text;
    m.className = ok ? 'message ok' : 'message';
    m.hidden = !text;
  }

  function refused(what, r) {
    const d = r.data || {};
    const code = d.code ? ', ' + d.code : '';
    say(what + ' refused: ' + (d.message || 'error') + ' (HTTP ' + r.status + code + ')', false);
  }

  function render(tasks) {
    const ul = $('tasks');
    ul.replaceChildren();
    for (const t of tasks) {
      const li = document.createElement('li');
      li.dataset.id = t.id;
      li.className = t.done ? 'done' : '';
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = t.done;
      box.title = 'done';
      box.addEventListener('change', () => setDone(t.id, box.checked));
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = t.name;
      const owner = document.createElement('span');
      owner.className = 'owner';
      owner.textContent = t.owner;
      const rm = document.createElement('button');
      rm.type = 'button';
      rm.className = 'remove';
      rm.title = 'remove';
      rm.textContent = '✕';
      rm.addEventListener('click', () => remove(t.id));
      li.append(box, name, owner, rm);
      ul.append(li);
    }
    $('empty').hidden = tasks.length > 0;
  }

  async function load() {
    const r = await api('GET', '/tasks?order=id.asc');
    if (!r.ok) {
      render([]);
      refused('Reading the tasks', r);
      return false;
    }
    render(r.data);
    return true;
  }

  async function add(name) {
    const r = await api('POST', '/tasks', { name });
    if (!r.ok) refused('Adding "' + name + '"', r);
    else say('Added "' + name + '".', true);
    await load();
    return r.ok;
  }

  // PATCH/DELETE under RLS: a row that is not yours is simply not matched, so an empty
  // representation means nothing changed.
  async function setDone(id, done) {
    const r = await api('PATCH', '/tasks?id=eq.' + encodeURIComponent(id), { done });
    if (!r.ok) refused('Changing task ' + id, r);
    else if (r.data.length === 0) say('Changing task ' + id + ' refused: it is not yours, nothing changed.', false);
    else say('Task ' + id + (done ? ' done.' : ' not done.'), true);
    await load();
    return r.ok && r.data.length > 0;
  }

  async function remove(id) {
    const r = await api('DELETE', '/tasks?id=eq.' + encodeURIComponent(id));
    if (!r.ok) refused('Removing task ' + id, r);
    else if (r.data.length === 0) say('Removing task ' + id + ' refused: it is not yours, nothing changed.', false);
    else say('Removed task ' + id + '.', true);
    await load();
    return r.ok && r.data.length > 0;
  }

  function showLogin() {
    const t = token();
    $('who').textContent = t ? 'logged in as ' + roleOf(t) : 'not logged in: you can only read';
    $('login').hidden = !!t;
    $('logout-box').hidden = !t;
  }

  async function login(jwt) {
    localStorage.setItem(TOKEN_KEY, jwt.trim());
    showLogin();
    if (await load()) say('Logged in as ' + roleOf(jwt) + '.', true);
  }

  async function logout() {
    localStorage.removeItem(TOKEN_KEY);
    showLogin();
    say('Logged out.', true);
    await load();
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const v = $('token').value;
      $('token').value = '';
      if (v.trim()) login(v);
    });
    $('logout').addEventListener('click', logout);
    $('add').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const name = $('new-task').value.trim();
      if (!name) return;
      $('new-task').value = '';
      add(name);
    });
    showLogin();
    load().then(() => { document.body.dataset.ready = '1'; });
  });

  window.todoApp = { api, load, add, setDone, remove, login, logout };
})();
