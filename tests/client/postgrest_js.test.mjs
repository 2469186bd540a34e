// pgrest through @supabase/postgrest-js, unchanged: the calls a Supabase-style app makes, against
// the chat schema of tests/client/fixtures on a harness stack (FastCGI behind lighttpd, PgBouncer
// in transaction mode). Each test checks what the client hands the application (data, error,
// count, status), so a header or body pgrest shapes differently from PostgREST shows up here.
// Run through tests/client/run.sh. Reads come first; the writes after them restore what they touch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { PostgrestClient } from '@supabase/postgrest-js';

const BASE = process.env.PGREST_TEST_URL;
const SECRET = process.env.PGRST_JWT_SECRET;
if (!BASE || !SECRET) throw new Error('run me through tests/client/run.sh (PGREST_TEST_URL, PGRST_JWT_SECRET)');

function jwt(claims, secret = SECRET) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
const anon = new PostgrestClient(BASE);
const signedIn = (sub, extra = {}) =>
  new PostgrestClient(BASE, { headers: { Authorization: `Bearer ${jwt({ role: 'web_user', sub, ...extra })}` } });

// The result without the parts every call has, for one-line comparisons.
function ok(res, status = 200) {
  assert.equal(res.error, null, JSON.stringify(res.error));
  assert.equal(res.status, status);
  return res.data;
}
function failed(res, status, code) {
  assert.equal(res.data, null);
  assert.equal(res.status, status, JSON.stringify(res.error));
  assert.equal(res.error.code, code, JSON.stringify(res.error));
  for (const k of ['message', 'details', 'hint']) assert.ok(k in res.error, `error has ${k}`);
  return res.error;
}
const names = (rows) => rows.map((r) => r.username);

// ---- reads ----------------------------------------------------------------------------------

test('select with order returns every row as parsed JSON', async () => {
  const data = ok(await anon.from('users').select('username,status').order('username'));
  assert.deepEqual(data, [
    { username: 'awailas', status: 'ONLINE' },
    { username: 'dragarcia', status: 'ONLINE' },
    { username: 'kiwicopple', status: 'OFFLINE' },
    { username: 'supabot', status: 'ONLINE' },
  ]);
});

test('renamed columns, casts and JSON paths in select', async () => {
  const data = ok(await anon.from('users')
    .select('name:username, first_tag:data->tags->>0, range:age_range::text').eq('username', 'supabot'));
  assert.deepEqual(data, [{ name: 'supabot', first_tag: 'bot', range: '[1,2)' }]);
});

test('comparison, pattern and list filters', async () => {
  const users = anon.from('users').select('username').order('username');
  assert.deepEqual(names(ok(await users.eq('status', 'OFFLINE'))), ['kiwicopple']);
  assert.deepEqual(names(ok(await anon.from('users').select('username').neq('status', 'ONLINE'))), ['kiwicopple']);
  assert.deepEqual(names(ok(await anon.from('users').select('username').order('username')
    .in('username', ['supabot', 'awailas', 'nobody']))), ['awailas', 'supabot']);
  assert.deepEqual(names(ok(await anon.from('users').select('username').order('username').is('data', null))),
    ['awailas', 'dragarcia']);
  assert.deepEqual(names(ok(await anon.from('users').select('username').like('username', '%bot'))), ['supabot']);
  assert.deepEqual(names(ok(await anon.from('users').select('username').ilike('username', 'KIWI%'))), ['kiwicopple']);
  assert.deepEqual(ok(await anon.from('messages').select('id').gt('id', 1).lte('id', 3).order('id')),
    [{ id: 2 }, { id: 3 }]);
});

test('or, not, match and filter()', async () => {
  const q = () => anon.from('users').select('username').order('username');
  assert.deepEqual(names(ok(await q().or('status.eq.OFFLINE,username.eq.supabot'))), ['kiwicopple', 'supabot']);
  assert.deepEqual(names(ok(await q().not('status', 'eq', 'ONLINE'))), ['kiwicopple']);
  assert.deepEqual(names(ok(await q().match({ status: 'ONLINE', username: 'awailas' }))), ['awailas']);
  assert.deepEqual(names(ok(await q().filter('username', 'in', '(supabot,dragarcia)'))), ['dragarcia', 'supabot']);
  assert.deepEqual(names(ok(await q().or('and(status.eq.ONLINE,age_range.adj."[30,40)"),username.eq.kiwicopple'))),
    ['dragarcia', 'kiwicopple']);
});

test('jsonb, range and full-text operators', async () => {
  const q = () => anon.from('users').select('username').order('username');
  assert.deepEqual(names(ok(await q().contains('data', { tags: ['bot'] }))), ['supabot']);
  assert.deepEqual(names(ok(await q().containedBy('data', { tags: ['human'], x: 1 }))), ['kiwicopple']);
  assert.deepEqual(names(ok(await q().rangeGt('age_range', '[1,2)'))), ['awailas', 'dragarcia', 'kiwicopple']);
  assert.deepEqual(names(ok(await q().rangeLt('age_range', '[2,3)'))), ['supabot']);
  assert.deepEqual(names(ok(await q().rangeAdjacent('age_range', '[2,20)'))), ['dragarcia', 'supabot']);
  assert.deepEqual(names(ok(await q().overlaps('age_range', '[31,40)'))), ['awailas', 'kiwicopple']);
  assert.deepEqual(names(ok(await q().textSearch('catchphrase', "'fat' & 'cat'", { config: 'english' }))),
    ['dragarcia', 'supabot']);
  assert.deepEqual(names(ok(await q().textSearch('catchphrase', 'cat bat', { type: 'plain', config: 'english' }))),
    ['kiwicopple']);
  assert.deepEqual(names(ok(await q().textSearch('catchphrase', 'fat cat', { type: 'phrase', config: 'english' }))),
    ['dragarcia', 'supabot']);
  assert.deepEqual(names(ok(await q().textSearch('catchphrase', 'rat -fat', { type: 'websearch', config: 'english' }))),
    ['awailas']);
});

test('order, limit and range', async () => {
  assert.deepEqual(names(ok(await anon.from('users').select('username').order('username', { ascending: false }).limit(2))),
    ['supabot', 'kiwicopple']);
  assert.deepEqual(names(ok(await anon.from('users').select('username').order('username').range(1, 2))),
    ['dragarcia', 'kiwicopple']);
  assert.deepEqual(names(ok(await anon.from('users').select('username')
    .order('data', { ascending: false, nullsFirst: true }).order('username'))),
  ['awailas', 'dragarcia', 'supabot', 'kiwicopple']);
});

test('count=exact with a range and with head', async () => {
  const res = await anon.from('users').select('username', { count: 'exact' }).order('username').range(0, 1);
  assert.equal(ok(res, 206).length, 2);
  assert.equal(res.count, 4);
  const head = await anon.from('messages').select('*', { count: 'exact', head: true }).eq('username', 'supabot');
  assert.equal(ok(head), null);
  assert.equal(head.count, 2);
  const planned = await anon.from('users').select('username', { count: 'estimated' });
  assert.equal(ok(planned).length, 4);
  assert.ok(Number.isInteger(planned.count) && planned.count >= 0, `count ${planned.count}`);
});

test('single, maybeSingle and their errors', async () => {
  assert.deepEqual(ok(await anon.from('users').select('username, status').eq('username', 'supabot').single()),
    { username: 'supabot', status: 'ONLINE' });
  const many = failed(await anon.from('users').select('username').single(), 406, 'PGRST116');
  assert.match(many.details, /4 rows/);
  failed(await anon.from('users').select('username').eq('username', 'nobody').single(), 406, 'PGRST116');
  assert.equal(ok(await anon.from('users').select('username').eq('username', 'nobody').maybeSingle()), null);
  assert.deepEqual(ok(await anon.from('users').select('username').eq('username', 'awailas').maybeSingle()),
    { username: 'awailas' });
});

test('embedded to-one and to-many resources', async () => {
  assert.deepEqual(ok(await anon.from('messages').select('id, users(username, status), channels(slug)').order('id').limit(1)),
    [{ id: 1, users: { username: 'supabot', status: 'ONLINE' }, channels: { slug: 'public' } }]);
  assert.deepEqual(ok(await anon.from('users').select('username, messages(id)').eq('username', 'supabot')),
    [{ username: 'supabot', messages: [{ id: 1 }, { id: 2 }] }]);
  assert.deepEqual(ok(await anon.from('users').select('username, messages(id)').eq('username', 'awailas')),
    [{ username: 'awailas', messages: [] }]);
  assert.deepEqual(ok(await anon.from('messages').select('id, author:users!messages_username_fkey(username)').eq('id', 3)),
    [{ id: 3, author: { username: 'kiwicopple' } }]);
  assert.deepEqual(ok(await anon.from('messages').select('id, ...users(status)').eq('id', 3)),
    [{ id: 3, status: 'OFFLINE' }]);
});

test('filters, order and limit on an embedded resource; !inner', async () => {
  assert.deepEqual(ok(await anon.from('users').select('username, messages(id)').eq('username', 'supabot')
    .order('id', { referencedTable: 'messages', ascending: false }).limit(1, { referencedTable: 'messages' })),
  [{ username: 'supabot', messages: [{ id: 2 }] }]);
  assert.deepEqual(ok(await anon.from('channels').select('slug, messages(id)').eq('messages.username', 'kiwicopple').order('id')),
    [{ slug: 'public', messages: [{ id: 3 }] }, { slug: 'random', messages: [] }]);
  assert.deepEqual(ok(await anon.from('channels').select('slug, messages!inner(id)').eq('messages.username', 'kiwicopple')),
    [{ slug: 'public', messages: [{ id: 3 }] }]);
  assert.deepEqual(ok(await anon.from('users').select('username, messages!inner(id)').order('username')
    .or('id.eq.3,id.eq.2', { referencedTable: 'messages' })).map((u) => u.username), ['kiwicopple', 'supabot']);
});

test('counts of embedded rows with select("..., rel(count)") and aggregates off', async () => {
  assert.deepEqual(ok(await anon.from('users').select('username, messages(count)').order('username')), [
    { username: 'awailas', messages: [{ count: 0 }] },
    { username: 'dragarcia', messages: [{ count: 0 }] },
    { username: 'kiwicopple', messages: [{ count: 1 }] },
    { username: 'supabot', messages: [{ count: 2 }] },
  ]);
  assert.deepEqual(ok(await anon.from('messages').select('count').eq('channel_id', 1)), [{ count: 2 }]);
});

test('pattern quantifiers, regular expressions, isdistinct and embedded null filters', async () => {
  const q = () => anon.from('users').select('username').order('username');
  assert.deepEqual(names(ok(await q().likeAllOf('username', ['%a%', '%s']))), ['awailas']);
  assert.deepEqual(names(ok(await q().ilikeAnyOf('username', ['SUPA%', 'KIWI%']))), ['kiwicopple', 'supabot']);
  assert.deepEqual(names(ok(await q().filter('username', 'match', '^[ks]'))), ['kiwicopple', 'supabot']);
  assert.deepEqual(names(ok(await q().filter('username', 'imatch', '^D'))), ['dragarcia']);
  assert.deepEqual(names(ok(await q().filter('status', 'isdistinct', 'ONLINE'))), ['kiwicopple']);
  assert.deepEqual(names(ok(await q().not('data', 'is', null))), ['kiwicopple', 'supabot']);
  assert.deepEqual(ok(await anon.from('users').select('username, messages(id)').not('messages', 'is', null).order('username'))
    .map((u) => u.username), ['kiwicopple', 'supabot']);
  assert.deepEqual(ok(await anon.from('users').select('username, messages()').is('messages', null).order('username')),
    [{ username: 'awailas' }, { username: 'dragarcia' }]);
});

test('a to-many spread gives arrays (v13); stripped nulls on request', async () => {
  assert.deepEqual(ok(await anon.from('channels').select('slug, ...messages(id, username)').eq('id', 1)),
    [{ slug: 'public', id: [1, 3], username: ['supabot', 'kiwicopple'] }]);
  assert.deepEqual(ok(await anon.from('users').select('username, data, status').eq('username', 'awailas')
    .setHeader('Accept', 'application/vnd.pgrst.array+json;nulls=stripped')), [{ username: 'awailas', status: 'ONLINE' }]);
});

test('values with commas, quotes, parentheses and URL characters reach the filter whole', async () => {
  const odd = ['a,b', 'say "hi"', '(x)', 'back\\slash', 'a&b=c%d é', 'dot.ted', 'col:on', 'star*', 'null', '{brace}'];
  const inserted = ok(await anon.from('users').insert(odd.map((username) => ({ username }))).select('username'), 201);
  assert.deepEqual(names(inserted), odd);
  try {
    assert.equal(ok(await anon.from('users').select('username').in('username', odd)).length, odd.length);
    for (const u of odd) {
      assert.deepEqual(names(ok(await anon.from('users').select('username').eq('username', u))), [u], `eq ${u}`);
      assert.deepEqual(names(ok(await anon.from('users').select('username').in('username', [u, 'nobody']))), [u], `in ${u}`);
      const quoted = `"${u.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
      assert.deepEqual(names(ok(await anon.from('users').select('username').or(`username.eq.${quoted},username.eq.nobody`))),
        [u], `or ${u}`);
    }
    assert.deepEqual(names(ok(await anon.from('users').update({ status: 'OFFLINE' }).eq('username', 'a&b=c%d é')
      .select('username'))), ['a&b=c%d é']);
  } finally {
    assert.equal(ok(await anon.from('users').delete().in('username', odd).select('username')).length, odd.length);
  }
});

test('csv() returns the text of text/csv', async () => {
  const data = ok(await anon.from('users').select('username,status').order('username').limit(2).csv());
  assert.equal(data, 'username,status\nawailas,ONLINE\ndragarcia,ONLINE');
});

test('schema() reads and calls through Accept-Profile', async () => {
  const personal = anon.schema('personal');
  assert.deepEqual(ok(await personal.from('users').select('username')), [{ username: 'personal_bot' }]);
  assert.equal(ok(await personal.rpc('get_status', { name_param: 'personal_bot' })), 'ONLINE');
  failed(await anon.schema('private').from('users').select(), 406, 'PGRST106');
});

test('errors arrive in PostgREST shape', async () => {
  const table = failed(await anon.from('nope').select(), 404, 'PGRST205');
  assert.match(table.message, /api\.nope/);
  const column = failed(await anon.from('users').select('nope'), 400, '42703');
  assert.match(column.message, /nope/);
  failed(await anon.from('users').select().filter('username', 'nope', 'x'), 400, 'PGRST100');
  failed(await anon.from('users').select('username, nope(id)'), 400, 'PGRST200');
  failed(await anon.from('users').select().eq('age_range', 'not a range'), 400, '22P02');
  await assert.rejects(async () => { await anon.from('nope').select().throwOnError(); },
    (e) => e.code === 'PGRST205' && typeof e.message === 'string');
});

test('explain() returns the plan of reads, writes and calls without running a write (db-plan-enabled)', async () => {
  const text = ok(await anon.from('users').select('username').eq('username', 'supabot').explain());
  assert.equal(typeof text, 'string');
  assert.match(text, /Aggregate/);
  const json = ok(await anon.from('users').select('username').explain({ format: 'json', analyze: true }));
  assert.ok(Array.isArray(json) && json[0].Plan && 'Actual Rows' in json[0].Plan, JSON.stringify(json));
  const insert = ok(await anon.from('channels').insert({ slug: 'js-explained' }).explain());
  assert.match(insert, /Insert on channels/);
  assert.deepEqual(ok(await anon.from('channels').select('slug').eq('slug', 'js-explained')), []);
  assert.match(ok(await anon.rpc('offline_user', { name_param: 'supabot' }).explain()), /Aggregate|Result/);
  assert.equal(ok(await anon.rpc('get_status', { name_param: 'supabot' })), 'ONLINE');
});

// ---- RPC ------------------------------------------------------------------------------------

test('rpc returning a scalar, a table, void', async () => {
  assert.equal(ok(await anon.rpc('get_status', { name_param: 'kiwicopple' })), 'OFFLINE');
  assert.equal(ok(await anon.rpc('get_status', { name_param: 'nobody' })), null);
  assert.deepEqual(ok(await anon.rpc('get_username_and_status', { name_param: 'supabot' })),
    [{ username: 'supabot', status: 'ONLINE' }]);
  const v = await anon.rpc('void_func');
  assert.equal(v.error, null);
  assert.equal(v.data, null);
  assert.equal(v.status, 204);
});

test('rpc with select, filters, single, count and get', async () => {
  assert.deepEqual(ok(await anon.rpc('get_username_and_status', { name_param: 'supabot' }).select('status').single()),
    { status: 'ONLINE' });
  assert.deepEqual(ok(await anon.rpc('get_username_and_status', { name_param: 'supabot' }).eq('status', 'OFFLINE')), []);
  const head = await anon.rpc('get_username_and_status', { name_param: 'supabot' }, { head: true, count: 'exact' });
  assert.equal(ok(head), null);
  assert.equal(head.count, 1);
  assert.equal(ok(await anon.rpc('get_status', { name_param: 'awailas' }, { get: true })), 'ONLINE');
  failed(await anon.rpc('get_status', { wrong: 'x' }), 404, 'PGRST202');
});

test('a volatile function over GET is refused by the read-only transaction', async () => {
  failed(await anon.rpc('offline_user', { name_param: 'awailas' }, { get: true }), 405, '25006');
  assert.equal(ok(await anon.rpc('get_status', { name_param: 'awailas' })), 'ONLINE');
});

// ---- writes ---------------------------------------------------------------------------------

test('insert with select returns the row with its defaults (201)', async () => {
  const row = ok(await anon.from('messages').insert({ message: 'js insert', channel_id: 2, username: 'awailas' })
    .select('id, message, channel_id, inserted_at').single(), 201);
  assert.equal(row.message, 'js insert');
  assert.ok(row.id > 3);
  assert.ok(!Number.isNaN(Date.parse(row.inserted_at)));
  const back = ok(await anon.from('messages').delete().eq('id', row.id).select('id'));
  assert.deepEqual(back, [{ id: row.id }]);
});

test('insert without select answers 201 with no data', async () => {
  const res = await anon.from('channels').insert({ slug: 'js-minimal' });
  assert.equal(ok(res, 201), null);
  assert.deepEqual(ok(await anon.from('channels').delete().eq('slug', 'js-minimal').select('slug')), [{ slug: 'js-minimal' }]);
});

test('bulk insert with mixed keys: NULL by default, column defaults with defaultToNull: false', async () => {
  const rows = [{ slug: 'js-a' }, { slug: 'js-b', data: { n: 1 } }];
  const res = await anon.from('channels').insert(rows, { count: 'exact' }).select('slug, data');
  assert.deepEqual(ok(res, 201), [{ slug: 'js-a', data: null }, { slug: 'js-b', data: { n: 1 } }]);
  assert.equal(res.count, 2);
  const msgs = ok(await anon.from('messages').insert([
    { message: 'js m1', channel_id: 2, username: 'awailas' },
    { message: 'js m2', channel_id: 2, username: 'awailas', data: { k: 'v' } },
  ], { defaultToNull: false }).select('id, inserted_at, data'), 201);
  assert.equal(msgs.length, 2);
  for (const m of msgs) assert.ok(m.inserted_at, 'inserted_at took its default');
  const gone = await anon.from('messages').delete({ count: 'exact' }).like('message', 'js m%');
  assert.equal(ok(gone, 204), null);
  assert.equal(gone.count, 2);
  assert.equal(ok(await anon.from('channels').delete({ count: 'exact' }).in('slug', ['js-a', 'js-b']).select('slug')).length, 2);
});

test('upsert: 201 when it inserts, 200 when it only merges (v12+), ignoreDuplicates, onConflict', async () => {
  assert.deepEqual(ok(await anon.from('users').upsert({ username: 'jsupsert', status: 'ONLINE' }).select('username, status'), 201),
    [{ username: 'jsupsert', status: 'ONLINE' }]);
  assert.deepEqual(ok(await anon.from('users').upsert({ username: 'jsupsert', status: 'OFFLINE' }).select('username, status')),
    [{ username: 'jsupsert', status: 'OFFLINE' }]);
  assert.deepEqual(ok(await anon.from('users').upsert({ username: 'jsupsert', status: 'ONLINE' }, { ignoreDuplicates: true })
    .select('username'), 201), []);
  assert.equal(ok(await anon.rpc('get_status', { name_param: 'jsupsert' })), 'OFFLINE');
  const ch = ok(await anon.from('channels').upsert({ slug: 'random', data: { topic: 'js' } }, { onConflict: 'slug' })
    .select('id, slug, data'));
  assert.deepEqual(ch, [{ id: 2, slug: 'random', data: { topic: 'js' } }]);
  ok(await anon.from('channels').update({ data: {} }).eq('slug', 'random'), 204);
  ok(await anon.from('users').delete().eq('username', 'jsupsert'), 204);
});

test('update and delete with filters, returning rows and counts', async () => {
  const res = await anon.from('users').update({ status: 'OFFLINE' }, { count: 'exact' }).eq('username', 'dragarcia')
    .select('username, status');
  assert.deepEqual(ok(res), [{ username: 'dragarcia', status: 'OFFLINE' }]);
  assert.equal(res.count, 1);
  const none = await anon.from('users').update({ status: 'ONLINE' }, { count: 'exact' }).eq('username', 'nobody');
  assert.equal(ok(none, 204), null);
  assert.equal(none.count, 0);
  ok(await anon.from('users').update({ status: 'ONLINE' }).eq('username', 'dragarcia'), 204);
  assert.equal(ok(await anon.rpc('get_status', { name_param: 'dragarcia' })), 'ONLINE');
});

test('maxAffected on a call needs a SETOF function (PGRST128)', async () => {
  failed(await anon.rpc('offline_user', { name_param: 'awailas' }).maxAffected(1), 400, 'PGRST128');
  assert.equal(ok(await anon.rpc('get_status', { name_param: 'awailas' })), 'ONLINE');
  assert.deepEqual(ok(await anon.rpc('get_username_and_status', { name_param: 'awailas' }).maxAffected(1)),
    [{ username: 'awailas', status: 'ONLINE' }]);
});

test('maxAffected refuses an update over too many rows and changes nothing', async () => {
  failed(await anon.from('users').update({ status: 'OFFLINE' }).eq('status', 'ONLINE').maxAffected(1), 400, 'PGRST124');
  assert.equal(ok(await anon.from('users').select('username').eq('status', 'OFFLINE')).length, 1);
  assert.deepEqual(ok(await anon.from('users').update({ data: { tags: ['bot', 'admin'] } }).eq('username', 'supabot')
    .maxAffected(1).select('username')), [{ username: 'supabot' }]);
});

test('rollback() answers with the rows and keeps nothing', async () => {
  const res = await anon.from('users').insert({ username: 'jsrollback' }).select('username').rollback();
  assert.deepEqual(ok(res, 201), [{ username: 'jsrollback' }]);
  assert.deepEqual(ok(await anon.from('users').select('username').eq('username', 'jsrollback')), []);
  assert.equal(ok(await anon.rpc('offline_user', { name_param: 'supabot' }).rollback()), 'OFFLINE');
  assert.equal(ok(await anon.rpc('get_status', { name_param: 'supabot' })), 'ONLINE');
});

test('constraint violations map to PostgREST statuses and leave nothing behind', async () => {
  failed(await anon.from('users').insert({ username: 'supabot' }), 409, '23505');
  failed(await anon.from('messages').insert({ message: 'x', channel_id: 99, username: 'supabot' }), 409, '23503');
  failed(await anon.from('messages').insert({ message: 'x', channel_id: 1 }), 400, '23502');
  // The second row fails: the first must not stay.
  failed(await anon.from('users').insert([{ username: 'jsatomic' }, { username: 'supabot' }]), 409, '23505');
  assert.deepEqual(ok(await anon.from('users').select('username').eq('username', 'jsatomic')), []);
});

test('schema() writes through Content-Profile', async () => {
  assert.deepEqual(ok(await anon.schema('personal').from('users').insert({ username: 'jsprofile', status: 'OFFLINE' })
    .select('username, status'), 201), [{ username: 'jsprofile', status: 'OFFLINE' }]);
  assert.deepEqual(ok(await anon.from('users').select('username').eq('username', 'jsprofile')), []);
  ok(await anon.schema('personal').from('users').delete().eq('username', 'jsprofile'), 204);
});

// ---- authentication -------------------------------------------------------------------------

test('the anonymous role is refused what only web_user may read', async () => {
  failed(await anon.from('notes').select(), 401, '42501');
});

test('a signed-in user reads and writes only its own rows (RLS on the JWT sub)', async () => {
  const alice = signedIn('alice');
  const bob = signedIn('bob');
  assert.deepEqual(ok(await alice.rpc('whoami')), { role: 'web_user', sub: 'alice' });
  const note = ok(await alice.from('notes').insert({ body: 'alice writes' }).select('owner, body').single(), 201);
  assert.deepEqual(note, { owner: 'alice', body: 'alice writes' });
  assert.deepEqual(ok(await alice.from('notes').select('body')), [{ body: 'alice writes' }]);
  assert.deepEqual(ok(await bob.from('notes').select('body')), []);
  assert.equal(ok(await bob.from('notes').delete({ count: 'exact' }).eq('body', 'alice writes'), 204), null);
  failed(await bob.from('notes').insert({ owner: 'alice', body: 'forged' }), 403, '42501');
  failed(await alice.from('notes').insert({ body: '' }), 400, '23514');
  assert.deepEqual(ok(await alice.from('notes').delete().eq('body', 'alice writes').select('body')), [{ body: 'alice writes' }]);
});

test('a bad or expired token is refused with PGRST301/PGRST303', async () => {
  const forged = new PostgrestClient(BASE, {
    headers: { Authorization: `Bearer ${jwt({ role: 'web_user', sub: 'mallory' }, 'not-the-secret-not-the-secret-not')}` },
  });
  failed(await forged.from('notes').select(), 401, 'PGRST301');
  const expired = signedIn('alice', { exp: Math.floor(Date.now() / 1000) - 60 });
  failed(await expired.from('notes').select(), 401, 'PGRST303');
});
