-- The seed's security model, loaded by the auth run of tests/run_all.sh (schemas: api).
-- The harness creates the authenticator (here pgrst_authenticator: LOGIN, NOINHERIT, not a
-- superuser) and passes its name as :"authenticator".
--
--   app_anon   requests without a token           app_user   a signed-in user (claim sub = id)
--   app_admin  sees and changes everything        schemas:   api (exposed: views), app (tables,
--                                                            RLS forced), internal (never exposed)
create role app_anon nologin;
create role app_user nologin;
create role app_admin nologin;
grant app_anon, app_user, app_admin to :"authenticator";

-- Roles for the negative cases: one the authenticator cannot switch to, and role settings.
create role not_granted nologin;
alter role app_user set statement_timeout = '4s';
alter role app_admin set statement_timeout = '7s';
alter role app_admin set log_min_duration_statement = 0;  -- superuser-only: must not be applied

create schema app;
create schema api;
create schema internal;

create table app.orders (
  id      integer primary key,
  user_id integer not null,
  item    text not null,
  amount  numeric(10,2) not null
);
alter table app.orders enable row level security;
alter table app.orders force row level security;

-- The user's id is the token's `sub`, read from the request's claims.
create policy orders_own_select on app.orders for select to app_user
  using (user_id = (current_setting('request.jwt.claims', true)::json ->> 'sub')::integer);
create policy orders_own_insert on app.orders for insert to app_user
  with check (user_id = (current_setting('request.jwt.claims', true)::json ->> 'sub')::integer);
create policy orders_own_update on app.orders for update to app_user
  using (user_id = (current_setting('request.jwt.claims', true)::json ->> 'sub')::integer)
  with check (user_id = (current_setting('request.jwt.claims', true)::json ->> 'sub')::integer);
create policy orders_own_delete on app.orders for delete to app_user
  using (user_id = (current_setting('request.jwt.claims', true)::json ->> 'sub')::integer);
create policy orders_admin on app.orders for all to app_admin using (true) with check (true);

insert into app.orders values
  (1, 1, 'apple', 1.50), (2, 1, 'pear', 2.00), (3, 2, 'plum', 3.25), (4, 2, 'fig', 4.00),
  (5, 3, 'kiwi', 0.75);

-- The API: a security_invoker view, so RLS sees the requesting role, not the view's owner.
create view api.orders with (security_invoker = true) as
  select id, user_id, item, amount from app.orders;

grant usage on schema api to app_anon, app_user, app_admin;
grant usage on schema app to app_user, app_admin;
grant select, insert, update, delete on app.orders to app_user, app_admin;
grant select, insert, update, delete on api.orders to app_user, app_admin;
-- app_anon: no grant on orders at all.

-- Only the admin may read this one: 403 for a user, 401 for the anonymous role.
create view api.order_totals as select user_id, sum(amount) as total from app.orders group by user_id;
grant select on api.order_totals to app_admin;

-- What a request sees of its own settings (every role may read it).
create view api.whoami as
  select current_user::text as role,
         current_setting('request.jwt.claims', true) as claims,
         current_setting('statement_timeout') as statement_timeout,
         current_setting('log_min_duration_statement') as log_min_duration_statement,
         current_setting('transaction_read_only') as read_only,
         pg_backend_pid() as backend_pid;
grant select on api.whoami to app_anon, app_user, app_admin, not_granted;

-- Runs only if the main statement runs: takes a session advisory lock the test looks for.
create function api.probe_lock() returns integer language sql volatile
  as $$ select pg_advisory_lock(8808); select 1 $$;
create view api.probe as select api.probe_lock() as ran;
grant select on api.probe to app_anon, app_user, app_admin, not_granted;

create table internal.secrets (id integer primary key, secret text not null);
insert into internal.secrets values (1, 'the launch codes');
grant usage on schema internal to app_anon, app_user, app_admin;
grant select on internal.secrets to app_anon, app_user, app_admin;
