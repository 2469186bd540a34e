-- The todo example app (make demo): the database is the whole backend, and it serves the front end
-- too. The harness creates the authenticator role (LOGIN NOINHERIT, not a superuser; `postgrest`
-- for the demo, `authenticator` in the tests) before loading this file and passes its name as
-- :"authenticator". psql runs it from this directory: the front end's files (index.html,
-- frontend.js, todo.css) are read from here with \set NAME `cat FILE`.
create schema todo;

create role web_anon nologin;
create role todo_user nologin;
grant web_anon to :"authenticator";
grant todo_user to :"authenticator";

create table todo.tasks (
  id serial primary key,
  done boolean not null default false,
  name text not null,
  owner name not null default current_user
);

-- Everyone sees and changes only their own tasks; the anonymous role may read them all.
alter table todo.tasks enable row level security;
create policy owner_all on todo.tasks for all
  using (owner = current_user) with check (owner = current_user);
create policy anon_read on todo.tasks for select to web_anon using (true);

grant usage on schema todo to web_anon, todo_user;
grant select on todo.tasks to web_anon;
grant select, insert, update, delete on todo.tasks to todo_user;
grant usage, select on sequence todo.tasks_id_seq to todo_user;

insert into todo.tasks (name, done, owner) values
  ('finish tutorial 0', true, 'web_anon'),
  ('pat self on back', false, 'web_anon');

-- The front end's files, kept outside the exposed schema (no /assets endpoint).
create schema todo_private;
create table todo_private.assets (
  name text primary key,
  media_type text not null,
  body text not null
);
\set index_html `cat index.html`
\set frontend_js `cat frontend.js`
\set todo_css `cat todo.css`
insert into todo_private.assets values
  ('index.html', 'text/html', :'index_html'),
  ('frontend.js', 'text/javascript', :'frontend_js'),
  ('todo.css', 'text/css', :'todo_css');

-- The app's page: GET /rpc/homepage from a browser. A plain text function that names its own
-- Content-Type; served unquoted because the demo runs with PGRST_RAW_MEDIA_TYPES=text/html.
create function todo.homepage() returns text language sql stable security definer
set search_path = pg_catalog as $$
  select set_config('response.headers', '[{"Content-Type":"text/html"}]', true);
  select body from todo_private.assets where name = 'index.html';
$$;
revoke execute on function todo.homepage() from public;
grant execute on function todo.homepage() to web_anon;

-- The page's script and style sheet: GET /rpc/asset?name=frontend.js. A function returning the
-- `*/*` domain answers any Accept a browser sends for a <script> or <link> (v12 media type
-- handlers) and sets the real Content-Type itself; an unknown name is a 404.
create domain todo."*/*" as text;
create function todo.asset(name text) returns todo."*/*" language plpgsql stable security definer
set search_path = pg_catalog as $$
declare
  a todo_private.assets;
begin
  select * into a from todo_private.assets where assets.name = asset.name;
  if not found then
    raise sqlstate 'PT404' using message = 'no such asset: ' || asset.name;
  end if;
  perform set_config('response.headers', json_build_array(
    json_build_object('Content-Type', a.media_type || '; charset=utf-8'),
    json_build_object('Cache-Control', 'no-cache'))::text, true);
  return a.body;
end
$$;
revoke execute on function todo.asset(text) from public;
grant execute on function todo.asset(text) to web_anon;
