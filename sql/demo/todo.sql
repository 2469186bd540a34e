-- The todo example app (make demo): the database is the whole backend. The harness creates the
-- authenticator role (LOGIN NOINHERIT, not a superuser; `postgrest` for the demo, `authenticator`
-- in the tests) before loading this file and passes its name as :"authenticator".
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

-- The app's page: GET /rpc/homepage from a browser. A plain text function that names its own
-- Content-Type; served unquoted because the demo runs with PGRST_RAW_MEDIA_TYPES=text/html.
create function todo.homepage() returns text language sql as $$
  select set_config('response.headers', '[{"Content-Type":"text/html"}]', true);
  select '<!doctype html><html><head><meta charset="utf-8"><title>todo</title></head>'
      || '<body><h1>todo</h1><ul>'
      || coalesce((select string_agg('<li>' || replace(replace(replace(name, '&', '&amp;'),
                                       '<', '&lt;'), '>', '&gt;')
                                     || case when done then ' ✓' else '' end || '</li>', '' order by id)
                   from todo.tasks), '')
      || '</ul></body></html>';
$$;
revoke execute on function todo.homepage() from public;
grant execute on function todo.homepage() to web_anon;
