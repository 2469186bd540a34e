// The todo demo in a real browser: Debian's headless Chromium driven by playwright-core, against a
// harness stack loaded with sql/demo (tests/browser/run.sh starts it). The scenarios run in order
// on one page, as a person would use it; database state is checked with psql after each write.
// Screenshots go to $BROWSER_OUT (default tests/browser/out).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const BASE = process.env.PGREST_TEST_URL;
const DB = process.env.PGREST_TEST_DB;
const OUT = process.env.BROWSER_OUT || path.join(here, 'out');
const TOKEN = readFileSync(path.join(here, '../../sql/demo/token.txt'), 'utf8').trim();
if (!BASE || !DB) throw new Error('run me through tests/browser/run.sh (PGREST_TEST_URL, PGREST_TEST_DB)');

const sql = (q) => execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-c', q, DB],
  { encoding: 'utf8' }).trim();

let browser, context, page;
const requests = [];
const consoleErrors = [];

before(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // playwright gives every launch a new temporary profile (--user-data-dir) and removes it.
  });
  context = await browser.newContext({ viewport: { width: 720, height: 560 } });
  page = await context.newPage();
  page.setDefaultTimeout(30000);  // generous: CI machines are shared and slow at times
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
});

after(async () => {
  await browser?.close();
});

const shot = (name) => page.screenshot({ path: path.join(OUT, name), fullPage: true });
const names = () => page.locator('#tasks li .name').allTextContents();
const message = () => page.locator('#message');

test('the page shows the two seed tasks, with nothing loaded from another origin', async () => {
  const res = await page.goto(BASE + '/rpc/homepage');
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'], /^text\/html/);
  await page.waitForSelector('body[data-ready="1"]');
  assert.deepEqual(await names(), ['finish tutorial 0', 'pat self on back']);
  assert.equal(await page.locator('#tasks li.done .name').textContent(), 'finish tutorial 0');
  assert.equal(await page.locator('#who').textContent(), 'not logged in: you can only read');
  // Style sheet applied (served by todo.asset()) and every request same-origin.
  const bg = await page.evaluate(() => getComputedStyle(document.querySelector('main')).backgroundColor);
  assert.equal(bg, 'rgb(255, 255, 255)');
  const origin = new URL(BASE).origin;
  assert.ok(requests.length >= 4, requests.join('\n'));
  for (const u of requests) assert.equal(new URL(u).origin, origin, u);
  assert.deepEqual(consoleErrors, []);
  await shot('01-anonymous.png');
});

test('adding a task anonymously is refused and the page says so', async () => {
  await page.fill('#new-task', 'anonymous task');
  await page.click('#add-button');
  await page.waitForSelector('#message:not([hidden])');
  assert.equal(await message().textContent(),
    'Adding "anonymous task" refused: permission denied for table tasks (HTTP 401, 42501)');
  assert.equal(await message().getAttribute('class'), 'message');
  assert.equal(sql("select count(*) from todo.tasks"), '2');
  // Toggling a seed task anonymously is refused too.
  await page.locator('#tasks li[data-id="2"] input[type=checkbox]').check();
  await page.waitForFunction(() => document.querySelector('#message').textContent.startsWith('Changing task 2'));
  assert.equal(await message().textContent(),
    'Changing task 2 refused: permission denied for table tasks (HTTP 401, 42501)');
  assert.equal(await page.locator('#tasks li[data-id="2"] input[type=checkbox]').isChecked(), false);
  assert.equal(sql('select done from todo.tasks where id = 2'), 'f');
  await shot('02-anonymous-refused.png');
});

test('logging in with the token keeps it in localStorage', async () => {
  await page.fill('#token', TOKEN);
  await page.click('#login-button');
  await page.waitForFunction(() => document.querySelector('#who').textContent === 'logged in as todo_user');
  assert.equal(await page.evaluate(() => localStorage.getItem('pgrest-todo.jwt')), TOKEN);
  // The page sets #who before it replaces the previous message: wait for the new one.
  await page.waitForFunction(() => document.querySelector('#message').textContent.startsWith('Logged in'));
  assert.equal(await message().textContent(), 'Logged in as todo_user.');
  // RLS: todo_user sees only its own tasks, and has none yet.
  await page.waitForSelector('#empty:not([hidden])');
  assert.deepEqual(await names(), []);
  // Still logged in after a reload.
  await page.reload();
  await page.waitForSelector('body[data-ready="1"]');
  assert.equal(await page.locator('#who').textContent(), 'logged in as todo_user');
  assert.equal(await page.locator('#login').isHidden(), true);
});

test('the user adds, toggles and removes a task of its own', async () => {
  await page.fill('#new-task', 'buy milk');
  await page.click('#add-button');
  await page.waitForSelector('#tasks li .name:text("buy milk")');
  assert.equal(await message().textContent(), 'Added "buy milk".');
  const id = sql("select id from todo.tasks where name = 'buy milk'");
  assert.match(id, /^\d+$/);
  assert.equal(sql(`select owner || ' ' || done from todo.tasks where id = ${id}`), 'todo_user false');
  assert.deepEqual(await names(), ['buy milk']);

  await page.locator(`#tasks li[data-id="${id}"] input[type=checkbox]`).check();
  await page.waitForSelector(`#tasks li.done[data-id="${id}"]`);
  assert.equal(await message().textContent(), `Task ${id} done.`);
  assert.equal(sql(`select done from todo.tasks where id = ${id}`), 't');
  await shot('03-own-task-done.png');

  await page.locator(`#tasks li[data-id="${id}"] input[type=checkbox]`).uncheck();
  await page.waitForSelector(`#tasks li:not(.done)[data-id="${id}"]`);
  assert.equal(sql(`select done from todo.tasks where id = ${id}`), 'f');

  await page.click(`#tasks li[data-id="${id}"] button.remove`);
  await page.waitForSelector('#empty:not([hidden])');
  assert.equal(await message().textContent(), `Removed task ${id}.`);
  assert.equal(sql(`select count(*) from todo.tasks where id = ${id}`), '0');
});

test('the user cannot change or remove a seed task', async () => {
  const before = sql("select json_agg(t order by id) from todo.tasks t");
  assert.equal(await page.evaluate(() => window.todoApp.setDone(2, true)), false);
  assert.equal(await message().textContent(), 'Changing task 2 refused: it is not yours, nothing changed.');
  assert.equal(await page.evaluate(() => window.todoApp.remove(1)), false);
  assert.equal(await message().textContent(), 'Removing task 1 refused: it is not yours, nothing changed.');
  assert.equal(sql("select json_agg(t order by id) from todo.tasks t"), before);
  assert.equal(sql('select count(*) from todo.tasks where id <= 2'), '2');
  await shot('04-seed-task-refused.png');
});

test('logging out forgets the token and shows the public list again', async () => {
  await page.click('#logout');
  await page.waitForFunction(() => document.querySelectorAll('#tasks li').length === 2);
  assert.equal(await page.evaluate(() => localStorage.getItem('pgrest-todo.jwt')), null);
  assert.equal(await page.locator('#who').textContent(), 'not logged in: you can only read');
  assert.deepEqual(await names(), ['finish tutorial 0', 'pat self on back']);
  assert.deepEqual(consoleErrors.filter((e) => !/status of 40[13]/.test(e)), []);
});
