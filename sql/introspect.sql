-- pgrest schema introspection ("pgrest snapshot").
--
-- One statement, two parameters:
--   $1  text[] literal of the exposed schemas, in configured order, e.g. '{test,api}'
--   $2  json array of the in-database configuration read before (recorded as db_config)
-- Returns one row, one column "snapshot" (json), format 1.
--
-- Runs as the authenticator role (LOGIN, NOINHERIT, not superuser): only
-- world-readable catalogs are used (pg_roles, never pg_authid), and nothing
-- looks objects up by name (which would need USAGE on their schema).
--
-- Determinism: every array is ORDER BY'd on catalog names (type "name" sorts
-- with the "C" collation; text sorts say COLLATE "C"), so the same catalog
-- state gives byte-identical output; the caller hashes it.
--
-- search_path: the statement empties it (set_config(..., is_local) in the
-- FROM clause, like PostgREST's "set local schema ''"), so format_type() and
-- pg_get_expr() qualify every name outside pg_catalog whatever the session
-- settings: "test.mood", nextval('test.items_id_seq'::regclass). The setting
-- lasts until the end of the caller's transaction (autocommit: this statement).
-- Column and return types are additionally qualified by hand when needed.
--
-- Views: PostgREST-style key inference. Each view's _RETURN rule
-- (pg_rewrite.ev_action, the node-tree text of the view query) is scanned for
-- the target entries of the top-level query, read as
--   resno (view column) -> resorigtbl/resorigcol (source relation column).
-- Only plain column references carry an origin, so expressions and set
-- operations (UNION...) yield nothing. Chains (view over view, over matview,
-- through non-exposed schemas) are followed with a cycle guard; base-table
-- PKs and FKs whose columns all pass through give view PKs and "view_fks".
--
-- Plan robustness: the snapshot usually runs right after a migration, when
-- catalog statistics are stale and row estimates can be off by 1000x. So two
-- large derived row sets (CTEs, aggregates) are never joined with each other
-- on a key, where a misestimated nested loop would go quadratic. Derived rows
-- are only joined to catalog tables through their indexes, matched by
-- UNION ALL + GROUP BY, or checked/looked up in a jsonb object (binary
-- search). Only small sets (requested schemas, domains, enums, media-type
-- domains) are joined directly. Estimated cost stays well below
-- jit_above_cost (100000) for ~1000 tables; for much larger schemas the
-- caller may want "SET jit = off" (JIT compilation would add ~0.3-0.6 s).
WITH RECURSIVE
-- requested schemas, first occurrence wins
req AS (
  SELECT s.name, min(s.ord) AS ord
  FROM unnest(coalesce($1::text[], '{}'::text[])) WITH ORDINALITY AS s(name, ord)
  GROUP BY s.name
),
nsp AS (
  SELECT n.oid, n.nspname, r.ord
  FROM req r
  JOIN pg_catalog.pg_namespace n ON n.nspname = r.name
),

---------------------------------------------------------------- types
-- domains resolved to their ultimate base type; typmod, NOT NULL and default
-- come from the nearest domain in the chain that sets them
dom(oid, cur, typmod, not_null, defdom, lvl) AS (
  SELECT t.oid, t.typbasetype, t.typtypmod, t.typnotnull,
         CASE WHEN t.typdefaultbin IS NOT NULL THEN t.oid END, 1
  FROM pg_catalog.pg_type t
  WHERE t.typtype = 'd'
  UNION ALL
  SELECT d.oid, b.typbasetype,
         CASE WHEN d.typmod <> -1 THEN d.typmod ELSE b.typtypmod END,
         d.not_null OR b.typnotnull,
         coalesce(d.defdom, CASE WHEN b.typdefaultbin IS NOT NULL THEN b.oid END),
         d.lvl + 1
  FROM dom d
  JOIN pg_catalog.pg_type b ON b.oid = d.cur AND b.typtype = 'd'
  WHERE d.lvl < 100
),
dom_base AS (
  SELECT d.oid, d.cur AS base, d.typmod, d.not_null, d.defdom
  FROM dom d
  JOIN pg_catalog.pg_type b ON b.oid = d.cur
  WHERE b.typtype <> 'd'
),
enums AS (
  SELECT e.enumtypid, json_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
  FROM pg_catalog.pg_enum e
  GROUP BY e.enumtypid
),

---------------------------------------------------------------- relations
-- exposed relations (partitions are reached through their parent)
rels AS (
  SELECT c.oid, c.relkind
  FROM pg_catalog.pg_class c
  WHERE c.relnamespace IN (SELECT oid FROM nsp)
    AND c.relkind IN ('r', 'v', 'm', 'f', 'p')
    AND NOT c.relispartition
),
col_rows AS (
  SELECT a.attrelid AS oid, a.attnum,
         json_build_object(
           'name', a.attname,
           'position', a.attnum,
           -- PostgREST's data_type: domains over pg_catalog types and
           -- pg_catalog types show the base type without typmod
           'type', CASE
               WHEN db.oid IS NOT NULL AND btn.nspname = 'pg_catalog'
                 THEN pg_catalog.format_type(bt.oid, NULL)
               WHEN db.oid IS NULL AND tn.nspname = 'pg_catalog'
                 THEN pg_catalog.format_type(a.atttypid, NULL)
               ELSE nom.f
             END,
           'nominal_type', nom.f,
           'type_oid', bt.oid::int8,
           'nullable', NOT (a.attnotnull OR coalesce(db.not_null, false)),
           'default', CASE
               WHEN a.attgenerated <> '' THEN NULL
               WHEN a.attidentity <> '' AND sq.oid IS NOT NULL THEN
                 'nextval(' || pg_catalog.quote_literal(
                   pg_catalog.quote_ident(sqn.nspname) || '.' || pg_catalog.quote_ident(sq.relname))
                 || '::regclass)'
               WHEN ad.adbin IS NOT NULL THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)
               WHEN dt.typdefaultbin IS NOT NULL THEN pg_catalog.pg_get_expr(dt.typdefaultbin, 0)
             END,
           'generated', a.attgenerated <> '' OR a.attidentity = 'a',
           'max_length', CASE
               WHEN mods.m = -1 THEN NULL
               WHEN bt.oid IN (1042, 1043) THEN mods.m - 4   -- bpchar, varchar
               WHEN bt.oid IN (1560, 1562) THEN mods.m       -- bit, varbit
             END,
           'enum', en.labels,
           'is_array', bt.typcategory = 'A',
           'is_json', bt.oid IN (114, 3802),                -- json, jsonb
           'comment', d.description
         ) AS j
  FROM rels r
  JOIN pg_catalog.pg_attribute a
    ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
  JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
  LEFT JOIN dom_base db ON db.oid = a.atttypid
  JOIN pg_catalog.pg_type bt ON bt.oid = coalesce(db.base, a.atttypid)
  JOIN pg_catalog.pg_namespace btn ON btn.oid = bt.typnamespace
  LEFT JOIN enums en ON en.enumtypid = bt.oid
  LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  LEFT JOIN pg_catalog.pg_type dt ON dt.oid = db.defdom
  -- the sequence behind an identity column
  LEFT JOIN pg_catalog.pg_depend dep
    ON a.attidentity <> ''
   AND dep.refclassid = 'pg_catalog.pg_class'::regclass
   AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum
   AND dep.classid = 'pg_catalog.pg_class'::regclass AND dep.deptype = 'i'
  LEFT JOIN pg_catalog.pg_class sq ON sq.oid = dep.objid AND sq.relkind = 'S'
  LEFT JOIN pg_catalog.pg_namespace sqn ON sqn.oid = sq.relnamespace
  LEFT JOIN pg_catalog.pg_description d
    ON d.objoid = a.attrelid AND d.classoid = 'pg_catalog.pg_class'::regclass
   AND d.objsubid = a.attnum
  CROSS JOIN LATERAL (
    SELECT CASE WHEN db.oid IS NULL THEN a.atttypmod ELSE db.typmod END AS m
  ) mods
  CROSS JOIN LATERAL (
    -- qualify non-pg_catalog types even when visible in the search_path
    SELECT CASE
             WHEN tn.nspname = 'pg_catalog'
               OR starts_with(x.f, pg_catalog.quote_ident(tn.nspname) || '.') THEN x.f
             ELSE pg_catalog.quote_ident(tn.nspname) || '.' || x.f
           END AS f
    FROM (SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) AS f) x
  ) nom
),
table_pk_rows AS (
  SELECT con.conrelid AS oid, json_agg(a.attname ORDER BY k.ord) AS cols
  FROM pg_catalog.pg_constraint con
  JOIN pg_catalog.pg_class c
    ON c.oid = con.conrelid AND c.relnamespace IN (SELECT oid FROM nsp) AND NOT c.relispartition
  CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
  WHERE con.contype = 'p'
  GROUP BY con.conrelid
),

---------------------------------------------------------------- views
-- exposed views/matviews plus every view they read from (any schema)
vclosure(oid) AS (
  SELECT r.oid FROM rels r WHERE r.relkind IN ('v', 'm')
  UNION
  SELECT dep.refobjid
  FROM vclosure v
  JOIN pg_catalog.pg_rewrite rw ON rw.ev_class = v.oid
  JOIN pg_catalog.pg_depend dep
    ON dep.classid = 'pg_catalog.pg_rewrite'::regclass AND dep.objid = rw.oid
   AND dep.refclassid = 'pg_catalog.pg_class'::regclass
  JOIN pg_catalog.pg_class c ON c.oid = dep.refobjid AND c.relkind IN ('v', 'm')
),
-- The rule text is cut at every " :resno " (a field only TargetEntry nodes
-- have). Backslash escapes (\x) are dropped first so that the only braces
-- left are node delimiters; their running balance gives the node nesting
-- depth at each cut. The top-level query's target entries sit at depth 2:
--   ({QUERY ... :targetList ({TARGETENTRY :expr {...} :resno
-- Entries of subqueries, CTEs and sublinks sit inside further nodes (RTE,
-- CTE, SubLink: depth 4 or more) and are skipped.
vparse AS (
  SELECT e.view_oid, p.ord, p.chunk,
         -- octet_length: braces are single bytes, and it is O(1)
         sum(octet_length(replace(p.chunk, '}', '')) - octet_length(replace(p.chunk, '{', '')))
           OVER (PARTITION BY e.view_oid ORDER BY p.ord
                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS depth
  FROM (
    SELECT rw.ev_class AS view_oid, rw.ev_action::text AS t
    FROM vclosure v
    JOIN pg_catalog.pg_rewrite rw
      ON rw.ev_class = v.oid AND rw.ev_type = '1' AND rw.rulename = '_RETURN'
  ) e
  CROSS JOIN LATERAL unnest(string_to_array(
      CASE WHEN strpos(e.t, E'\\') > 0 THEN regexp_replace(e.t, E'\\\\.', '', 'g') ELSE e.t END,
      ' :resno '))
    WITH ORDINALITY AS p(chunk, ord)
),
-- direct mapping: view column -> source relation column. The remaining
-- fields of the entry run up to its closing brace and are space-separated
-- tokens: <resno> :resname <name> ... :resorigtbl <oid> :resorigcol <attnum>
-- :resjunk <bool>
vmap AS (
  SELECT y.view_oid, y.f[1]::int2 AS vattnum, y.tbl::oid AS origtbl, y.col::int2 AS origcol
  FROM (
    SELECT x.view_oid, x.f,
           x.f[array_position(x.f, ':resorigtbl') + 1] AS tbl,
           x.f[array_position(x.f, ':resorigcol') + 1] AS col,
           (x.f[1] ~ '^[0-9]+$'
            AND x.f[array_position(x.f, ':resjunk') + 1] = 'false'
            AND x.f[array_position(x.f, ':resorigtbl') + 1] ~ '^[1-9][0-9]*$'
            AND x.f[array_position(x.f, ':resorigcol') + 1] ~ '^[1-9][0-9]*$') AS ok
    FROM (
      SELECT v.view_oid, v.depth = 2 AND v.ord > 1 AS top,
             string_to_array(split_part(v.chunk, '}', 1), ' ') AS f
      FROM vparse v
      OFFSET 0
    ) x
    WHERE x.top
    OFFSET 0
  ) y
  WHERE y.ok
),
-- the same mapping as one lookup object: 'view:attnum' -> 'relation:attnum'
vmap_obj AS (
  SELECT jsonb_object_agg(m.view_oid::text || ':' || m.vattnum::text,
                          m.origtbl::text || ':' || m.origcol::text) AS m
  FROM vmap m
),
-- transitive mapping for exposed views, through view chains, cycle-safe
vres(view_oid, vattnum, tbl, col, path) AS (
  SELECT m.view_oid, m.vattnum, m.origtbl, m.origcol, ARRAY[m.view_oid]
  FROM vmap m
  JOIN pg_catalog.pg_class c
    ON c.oid = m.view_oid AND c.relnamespace IN (SELECT oid FROM nsp)
  UNION ALL
  SELECT v.view_oid, v.vattnum,
         split_part(n.x, ':', 1)::oid, split_part(n.x, ':', 2)::int2, v.path || v.tbl
  FROM vres v
  CROSS JOIN LATERAL (
    SELECT (SELECT o.m FROM vmap_obj o) ->> (v.tbl::text || ':' || v.col::text) AS x
  ) n
  WHERE n.x IS NOT NULL AND v.tbl <> ALL (v.path)
),
-- relations under exposed views, and those plus the exposed ones, as jsonb
-- key sets (membership is a binary search, whatever the planner estimates)
vbase_set AS (
  SELECT coalesce(jsonb_object_agg(x.oid::text, true), '{}'::jsonb) AS m
  FROM (SELECT DISTINCT v.tbl AS oid FROM vres v) x
),
rel_set AS (
  SELECT coalesce(jsonb_object_agg(x.oid::text, true), '{}'::jsonb) AS m
  FROM (SELECT r.oid FROM rels r UNION SELECT v.tbl FROM vres v) x
),
-- key columns of the PKs ('p'), FK referencing sides ('f') and FK referenced
-- sides ('r') of those base relations
keycols AS (
  SELECT con.oid AS conoid, 'p'::text AS side, con.conrelid AS tbl,
         k.attnum, k.ord, cardinality(con.conkey) AS ncol
  FROM pg_catalog.pg_constraint con
  CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
  WHERE con.contype = 'p' AND (SELECT m FROM vbase_set) ? con.conrelid::text
  UNION ALL
  SELECT con.oid, 'f', con.conrelid, k.attnum, k.ord, cardinality(con.conkey)
  FROM pg_catalog.pg_constraint con
  CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
  WHERE con.contype = 'f' AND con.conparentid = 0
    AND (SELECT m FROM vbase_set) ? con.conrelid::text
  UNION ALL
  SELECT con.oid, 'r', con.confrelid, k.attnum, k.ord, cardinality(con.confkey)
  FROM pg_catalog.pg_constraint con
  CROSS JOIN LATERAL unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
  WHERE con.contype = 'f' AND con.conparentid = 0
    AND (SELECT m FROM vbase_set) ? con.confrelid::text
),
-- (view column, key position) pairs through the same base column: grouped
-- on the base column, then paired inside each group
kmatch AS (
  SELECT k.conoid, k.side, k.ord, k.ncol, v.view_oid, v.vattnum
  FROM (
    SELECT x.tbl, x.col,
           array_agg(x.view_oid) FILTER (WHERE x.src = 'v') AS v_view,
           array_agg(x.vattnum)  FILTER (WHERE x.src = 'v') AS v_att,
           array_agg(x.conoid)   FILTER (WHERE x.src = 'k') AS k_con,
           array_agg(x.side)     FILTER (WHERE x.src = 'k') AS k_side,
           array_agg(x.ord)      FILTER (WHERE x.src = 'k') AS k_ord,
           array_agg(x.ncol)     FILTER (WHERE x.src = 'k') AS k_ncol
    FROM (
      SELECT 'v' AS src, r.tbl, r.col, r.view_oid, r.vattnum,
             NULL::oid AS conoid, NULL::text AS side, NULL::int8 AS ord, NULL::int AS ncol
      FROM vres r
      UNION ALL
      SELECT 'k', c.tbl, c.attnum, NULL, NULL, c.conoid, c.side, c.ord, c.ncol
      FROM keycols c
    ) x
    GROUP BY x.tbl, x.col
  ) g
  CROSS JOIN LATERAL unnest(g.v_view, g.v_att) AS v(view_oid, vattnum)
  CROSS JOIN LATERAL unnest(g.k_con, g.k_side, g.k_ord, g.k_ncol) AS k(conoid, side, ord, ncol)
  WHERE g.v_view IS NOT NULL AND g.k_con IS NOT NULL
),
-- per view and key position: the view columns exposing that key column
kpos AS (
  SELECT m.view_oid, m.conoid, m.side, m.ord, m.ncol,
         array_agg(DISTINCT m.vattnum) AS vatts   -- sorted by DISTINCT
  FROM kmatch m
  GROUP BY m.view_oid, m.conoid, m.side, m.ord, m.ncol
),
-- keys with every column exposed by the view. cands[i] lists the view
-- columns for key position i: '3', or '3,5' when exposed twice.
kfull AS (
  SELECT kp.view_oid, kp.conoid, kp.side,
         array_agg(array_to_string(kp.vatts, ',') ORDER BY kp.ord) AS cands
  FROM kpos kp
  GROUP BY kp.view_oid, kp.conoid, kp.side, kp.ncol
  HAVING count(*) = kp.ncol
),
-- FK sides as view column name lists: one candidate per combination when a
-- key column is exposed under several names (product over the positions)
vkeys AS (
  SELECT f.view_oid, f.conoid, f.side,
         (SELECT array_agg(a.attname ORDER BY z.i)
          FROM unnest(c.attnums) WITH ORDINALITY AS z(n, i)
          JOIN pg_catalog.pg_attribute a ON a.attrelid = f.view_oid AND a.attnum = z.n) AS cols
  FROM kfull f
  CROSS JOIN LATERAL (
    WITH RECURSIVE comb(k, attnums) AS (
      SELECT 0, ARRAY[]::int2[]
      UNION ALL
      SELECT comb.k + 1, comb.attnums || x.n::int2
      FROM comb
      CROSS JOIN LATERAL unnest(string_to_array(f.cands[comb.k + 1], ',')) AS x(n)
      WHERE comb.k < cardinality(f.cands)
    )
    SELECT comb.attnums FROM comb WHERE comb.k = cardinality(f.cands)
  ) c
  WHERE f.side IN ('f', 'r')
),
-- view PK: the base tables' PKs that fully pass through, in key order (the
-- first view column by position when a key column is exposed several times)
view_pk_rows AS (
  SELECT f.view_oid AS oid, json_agg(a.attname ORDER BY tn.nspname, tc.relname, u.ord) AS cols
  FROM kfull f
  JOIN pg_catalog.pg_constraint con ON con.oid = f.conoid
  JOIN pg_catalog.pg_class tc ON tc.oid = con.conrelid
  JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
  CROSS JOIN LATERAL unnest(f.cands) WITH ORDINALITY AS u(x, ord)
  JOIN pg_catalog.pg_attribute a
    ON a.attrelid = f.view_oid AND a.attnum = split_part(u.x, ',', 1)::int2
  WHERE f.side = 'p'
  GROUP BY f.view_oid
),

---------------------------------------------------------------- tables
-- columns and PK gathered per relation
table_rows AS (
  SELECT p.oid,
         coalesce(json_agg(p.j ORDER BY p.attnum) FILTER (WHERE p.kind = 'c'), '[]'::json) AS cols,
         coalesce((array_agg(p.j) FILTER (WHERE p.kind = 'p'))[1], '[]'::json) AS pk
  FROM (
    SELECT 'r' AS kind, r.oid, NULL::int2 AS attnum, NULL::json AS j FROM rels r
    UNION ALL
    SELECT 'c', c.oid, c.attnum, c.j FROM col_rows c
    UNION ALL
    SELECT 'p', t.oid, NULL, t.cols FROM table_pk_rows t
    UNION ALL
    SELECT 'p', v.oid, NULL, v.cols FROM view_pk_rows v
  ) p
  GROUP BY p.oid
),

---------------------------------------------------------------- foreign keys
-- FKs (not the clones on partitions) whose both ends are exposed or under
-- exposed views; exposure of each output row is checked on output
fk_base AS (
  SELECT con.oid, con.conname, con.conrelid, con.confrelid, con.conkey, con.confkey,
         -- FK columns equal (as a set) to a PK/UNIQUE constraint's columns
         EXISTS (
           SELECT 1 FROM pg_catalog.pg_constraint u
           WHERE u.conrelid = con.conrelid AND u.contype IN ('p', 'u')
             AND u.conkey @> con.conkey AND u.conkey <@ con.conkey
         ) AS one_to_one
  FROM pg_catalog.pg_constraint con
  WHERE con.contype = 'f' AND con.conparentid = 0
    AND (SELECT m FROM rel_set) ? con.conrelid::text
    AND (SELECT m FROM rel_set) ? con.confrelid::text
),
fk AS (
  SELECT f.oid, f.conname, f.conrelid, f.confrelid,
         array_agg(a.attname ORDER BY k.i) FILTER (WHERE k.side = 'f') AS cols,
         array_agg(a.attname ORDER BY k.i) FILTER (WHERE k.side = 'r') AS refcols,
         f.one_to_one
  FROM fk_base f
  CROSS JOIN LATERAL (
    SELECT 'f' AS side, f.conrelid AS rel, u.n, u.i
    FROM unnest(f.conkey) WITH ORDINALITY AS u(n, i)
    UNION ALL
    SELECT 'r', f.confrelid, u.n, u.i
    FROM unnest(f.confkey) WITH ORDINALITY AS u(n, i)
  ) k
  JOIN pg_catalog.pg_attribute a ON a.attrelid = k.rel AND a.attnum = k.n
  GROUP BY f.oid, f.conname, f.conrelid, f.confrelid, f.one_to_one
),
-- each FK with the views exposing its referencing ('f') and referenced ('r')
-- columns, gathered per constraint (view column lists as name[] literals)
vfk_groups AS (
  SELECT x.conoid,
         min(x.conname) AS conname, min(x.conrelid) AS conrelid, min(x.confrelid) AS confrelid,
         min(x.cols) AS cols, min(x.refcols) AS refcols, bool_or(x.one_to_one) AS one_to_one,
         bool_or(x.src = 'fk') AS has_fk,
         array_agg(x.view_oid) FILTER (WHERE x.side = 'f') AS f_view,
         array_agg(x.vcols)    FILTER (WHERE x.side = 'f') AS f_cols,
         array_agg(x.view_oid) FILTER (WHERE x.side = 'r') AS r_view,
         array_agg(x.vcols)    FILTER (WHERE x.side = 'r') AS r_cols
  FROM (
    SELECT 'fk' AS src, f.oid AS conoid, f.conname::text AS conname, f.conrelid, f.confrelid,
           f.cols, f.refcols, f.one_to_one,
           NULL::text AS side, NULL::oid AS view_oid, NULL::text AS vcols
    FROM fk f
    UNION ALL
    SELECT 'vk', vk.conoid, NULL, NULL, NULL, NULL, NULL, NULL,
           vk.side, vk.view_oid, vk.cols::text
    FROM vkeys vk
  ) x
  GROUP BY x.conoid
),
vfk_rows AS (
  -- view -> table
  SELECT g.conname, a.v AS src, a.c::name[] AS src_cols,
         g.confrelid AS dst, g.refcols AS dst_cols, g.one_to_one
  FROM vfk_groups g
  CROSS JOIN LATERAL unnest(g.f_view, g.f_cols) AS a(v, c)
  WHERE g.has_fk
  UNION ALL
  -- table -> view
  SELECT g.conname, g.conrelid, g.cols, b.v, b.c::name[], g.one_to_one
  FROM vfk_groups g
  CROSS JOIN LATERAL unnest(g.r_view, g.r_cols) AS b(v, c)
  WHERE g.has_fk
  UNION ALL
  -- view -> view
  SELECT g.conname, a.v, a.c::name[], b.v, b.c::name[], g.one_to_one
  FROM vfk_groups g
  CROSS JOIN LATERAL unnest(g.f_view, g.f_cols) AS a(v, c)
  CROSS JOIN LATERAL unnest(g.r_view, g.r_cols) AS b(v, c)
  WHERE g.has_fk
),

---------------------------------------------------------------- functions
funcs AS (
  SELECT p.oid, n.nspname, p.proname, p.provolatile, p.prorows, p.proretset,
         p.proconfig, d.description,
         coalesce(args.j, '[]'::json) AS args,
         coalesce(args.sig, '') AS sig,
         btn.nspname AS ret_schema, bt.typname AS ret_name, bt.oid AS ret_oid,
         CASE
           WHEN btn.nspname = 'pg_catalog'
             OR starts_with(x.f, pg_catalog.quote_ident(btn.nspname) || '.') THEN x.f
           ELSE pg_catalog.quote_ident(btn.nspname) || '.' || x.f
         END AS ret_formatted,
         (bt.typtype = 'c' OR bt.oid = 'pg_catalog.record'::regtype
          OR coalesce(p.proargmodes && ARRAY['o', 'b', 't']::"char"[], false)) AS composite,
         CASE WHEN rc.oid IS NOT NULL
           THEN json_build_object('schema', rcn.nspname, 'name', rc.relname)
         END AS returns_relation,
         bt.oid = 'pg_catalog.void'::regtype AS is_void,
         CASE WHEN rt.typtype = 'd'
                AND (rt.typname ~ '^[A-Za-z0-9.-]+/[A-Za-z0-9.+-]+$' OR rt.typname = '*/*')
           THEN rt.typname
         END AS media_type
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_catalog.pg_type rt ON rt.oid = p.prorettype
  LEFT JOIN dom_base rdb ON rdb.oid = p.prorettype
  JOIN pg_catalog.pg_type bt ON bt.oid = coalesce(rdb.base, p.prorettype)
  JOIN pg_catalog.pg_namespace btn ON btn.oid = bt.typnamespace
  LEFT JOIN pg_catalog.pg_class rc
    ON rc.oid = bt.typrelid AND rc.relkind IN ('r', 'v', 'm', 'f', 'p')
  LEFT JOIN pg_catalog.pg_namespace rcn ON rcn.oid = rc.relnamespace
  LEFT JOIN pg_catalog.pg_description d
    ON d.objoid = p.oid AND d.classoid = 'pg_catalog.pg_proc'::regclass AND d.objsubid = 0
  CROSS JOIN LATERAL (SELECT pg_catalog.format_type(bt.oid, NULL) AS f) x
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_object(
             'name', coalesce(i.name, ''),
             'type', i.tfmt,
             'type_oid', i.type::int8,
             'has_default', i.inpos > p.pronargs - p.pronargdefaults,
             'variadic', coalesce(i.mode = 'v', false)
           ) ORDER BY i.inpos) AS j,
           string_agg(i.tfmt, ',' ORDER BY i.inpos) AS sig
    FROM (
      -- input arguments only (IN, INOUT, VARIADIC)
      SELECT a.name, a.type, a.mode,
             row_number() OVER (ORDER BY a.pos) AS inpos,
             pg_catalog.format_type(a.type, NULL) AS tfmt
      FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]), p.proargmodes, p.proargnames)
             WITH ORDINALITY AS a(type, mode, name, pos)
      WHERE coalesce(a.mode, 'i') IN ('i', 'b', 'v')
    ) i
  ) args ON true
  WHERE p.pronamespace IN (SELECT oid FROM nsp)
    AND p.prokind = 'f'
    AND p.prorettype NOT IN ('pg_catalog.trigger'::regtype, 'pg_catalog.event_trigger'::regtype)
),

---------------------------------------------------------------- media handlers
media_types AS (
  SELECT t.oid, t.typname, t.typbasetype = 'pg_catalog.bytea'::regtype AS is_binary
  FROM pg_catalog.pg_type t
  WHERE t.typtype = 'd'
    AND (t.typname ~ '^[A-Za-z0-9.-]+/[A-Za-z0-9.+-]+$' OR t.typname = '*/*')
),
handlers AS (
  -- aggregates over a relation row type or anyelement
  SELECT lower(mt.typname) AS media_type, 'aggregate'::text AS kind,
         n.nspname, p.proname, mt.is_binary,
         CASE WHEN at.oid = 'pg_catalog.anyelement'::regtype THEN 'anyelement'
              ELSE pg_catalog.quote_ident(arn.nspname) || '.' || pg_catalog.quote_ident(arc.relname)
         END AS sortkey,
         CASE WHEN at.oid = 'pg_catalog.anyelement'::regtype THEN to_json('anyelement'::text)
              ELSE json_build_object('schema', arn.nspname, 'name', arc.relname)
         END AS relation
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  JOIN media_types mt ON mt.oid = p.prorettype
  JOIN pg_catalog.pg_aggregate ag ON ag.aggfnoid = p.oid
  JOIN pg_catalog.pg_type at ON at.oid = p.proargtypes[0]
  LEFT JOIN pg_catalog.pg_class arc
    ON arc.oid = at.typrelid AND arc.relkind IN ('r', 'v', 'm', 'f', 'p')
  LEFT JOIN pg_catalog.pg_namespace arn ON arn.oid = arc.relnamespace
  WHERE p.pronamespace IN (SELECT oid FROM nsp)
    AND p.prokind = 'a' AND p.pronargs = 1
    AND (at.oid = 'pg_catalog.anyelement'::regtype OR arc.oid IS NOT NULL)
  UNION ALL
  -- plain functions (also in functions[].scalar_domain_media_type)
  SELECT x.media_type, 'function', x.nspname, x.proname, x.is_binary, '', NULL::json
  FROM (
    SELECT DISTINCT lower(mt.typname) AS media_type, n.nspname, p.proname, mt.is_binary
    FROM pg_catalog.pg_proc p
    JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    JOIN media_types mt ON mt.oid = p.prorettype
    WHERE p.pronamespace IN (SELECT oid FROM nsp)
      AND p.prokind = 'f' AND NOT p.proretset
  ) x
),

---------------------------------------------------------------- roles
me AS (
  SELECT r.oid, r.rolname, r.rolsuper, r.rolbypassrls
  FROM pg_catalog.pg_roles r
  WHERE r.rolname = current_user
),
-- roles the authenticator can switch to (membership, direct or indirect,
-- regardless of INHERIT)
member_of AS (
  SELECT r.oid, r.rolname, r.rolsuper, r.rolbypassrls
  FROM pg_catalog.pg_roles r, me
  WHERE r.oid <> me.oid AND pg_catalog.pg_has_role(me.oid, r.oid, 'MEMBER')
),
role_settings AS (
  SELECT m.rolname, json_agg(s.setting ORDER BY s.key) AS settings
  FROM member_of m
  CROSS JOIN LATERAL (
    -- database-specific settings override the role-wide ones
    SELECT DISTINCT ON (lower(split_part(c.setting, '=', 1)))
           c.setting, lower(split_part(c.setting, '=', 1)) COLLATE "C" AS key
    FROM pg_catalog.pg_db_role_setting drs
    CROSS JOIN LATERAL unnest(drs.setconfig) WITH ORDINALITY AS c(setting, i)
    WHERE drs.setrole = m.oid
      AND drs.setdatabase IN (0, (SELECT db.oid FROM pg_catalog.pg_database db
                                  WHERE db.datname = current_database()))
    ORDER BY lower(split_part(c.setting, '=', 1)), drs.setdatabase DESC, c.i
  ) s
  -- only what the authenticator may set_config() inside a request, as PostgREST filters them
  -- (a superuser-only setting would otherwise fail every request of that role)
  WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_settings ps
                WHERE ps.name = s.key
                  AND (ps.context = 'user'
                       OR pg_catalog.has_parameter_privilege(ps.name, 'SET')))
  GROUP BY m.rolname
)

SELECT json_build_object(
  'format', 1,
  'pg_version', current_setting('server_version_num')::int,
  'schemas', (SELECT coalesce(json_agg(n.nspname ORDER BY n.ord), '[]'::json) FROM nsp n),
  'missing_schemas', (
    SELECT coalesce(json_agg(r.name ORDER BY r.ord), '[]'::json)
    FROM req r
    WHERE r.name NOT IN (SELECT n.nspname::text FROM nsp n)
  ),
  'tables', (
    SELECT coalesce(json_agg(json_build_object(
             'schema', n.nspname,
             'name', c.relname,
             'kind', c.relkind,
             'comment', d.description,
             'insertable', c.relkind IN ('r', 'p') OR (upd.mask & 8) = 8,
             'updatable', c.relkind IN ('r', 'p') OR (upd.mask & 4) = 4,
             'deletable', c.relkind IN ('r', 'p') OR (upd.mask & 16) = 16,
             'pk', t.pk,
             'columns', t.cols,
             'row_type', pg_catalog.quote_ident(tyn.nspname) || '.' || pg_catalog.quote_ident(ty.typname)
           ) ORDER BY n.nspname, c.relname), '[]'::json)
    FROM table_rows t
    JOIN pg_catalog.pg_class c ON c.oid = t.oid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    -- pg_relation_is_updatable: bitmask of 1 << CMD_UPDATE (4), CMD_INSERT (8), CMD_DELETE (16)
    CROSS JOIN LATERAL (
      SELECT CASE WHEN c.relkind IN ('v', 'f')
               THEN pg_catalog.pg_relation_is_updatable(c.oid::regclass, true)
               ELSE 0
             END AS mask
    ) upd
    LEFT JOIN pg_catalog.pg_description d
      ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
    LEFT JOIN pg_catalog.pg_type ty ON ty.oid = c.reltype
    LEFT JOIN pg_catalog.pg_namespace tyn ON tyn.oid = ty.typnamespace
  ),
  'fks', (
    SELECT coalesce(json_agg(json_build_object(
             'name', f.conname,
             'schema', sn.nspname, 'table', sc.relname, 'columns', to_json(f.cols),
             'ref_schema', dn.nspname, 'ref_table', dc.relname, 'ref_columns', to_json(f.refcols),
             'one_to_one', f.one_to_one
           ) ORDER BY sn.nspname, sc.relname, f.conname, dn.nspname, dc.relname,
                      f.cols, f.refcols), '[]'::json)
    FROM fk f
    JOIN pg_catalog.pg_class sc
      ON sc.oid = f.conrelid AND NOT sc.relispartition AND sc.relnamespace IN (SELECT oid FROM nsp)
    JOIN pg_catalog.pg_namespace sn ON sn.oid = sc.relnamespace
    JOIN pg_catalog.pg_class dc
      ON dc.oid = f.confrelid AND NOT dc.relispartition AND dc.relnamespace IN (SELECT oid FROM nsp)
    JOIN pg_catalog.pg_namespace dn ON dn.oid = dc.relnamespace
  ),
  'view_fks', (
    SELECT coalesce(json_agg(json_build_object(
             'name', f.conname,
             'schema', sn.nspname, 'table', sc.relname, 'columns', to_json(f.src_cols),
             'ref_schema', dn.nspname, 'ref_table', dc.relname, 'ref_columns', to_json(f.dst_cols),
             'one_to_one', f.one_to_one
           ) ORDER BY sn.nspname, sc.relname, f.conname COLLATE "C", dn.nspname, dc.relname,
                      f.src_cols, f.dst_cols), '[]'::json)
    FROM vfk_rows f
    JOIN pg_catalog.pg_class sc
      ON sc.oid = f.src AND NOT sc.relispartition AND sc.relnamespace IN (SELECT oid FROM nsp)
    JOIN pg_catalog.pg_namespace sn ON sn.oid = sc.relnamespace
    JOIN pg_catalog.pg_class dc
      ON dc.oid = f.dst AND NOT dc.relispartition AND dc.relnamespace IN (SELECT oid FROM nsp)
    JOIN pg_catalog.pg_namespace dn ON dn.oid = dc.relnamespace
  ),
  'functions', (
    SELECT coalesce(json_agg(json_build_object(
             'schema', f.nspname,
             'name', f.proname,
             'oid', f.oid::int8,
             'comment', f.description,
             'args', f.args,
             'return_schema', f.ret_schema,
             'return_type', f.ret_name,
             'return_type_formatted', f.ret_formatted,
             'return_type_oid', f.ret_oid::int8,
             'setof', f.proretset,
             'composite', f.composite,
             'returns_relation', f.returns_relation,
             'is_void', f.is_void,
             'volatility', f.provolatile,
             'rows', f.prorows,
             'config', coalesce(to_json(f.proconfig), '[]'::json),
             'scalar_domain_media_type', f.media_type
           ) ORDER BY f.nspname, f.proname, f.sig COLLATE "C", f.oid), '[]'::json)
    FROM funcs f
  ),
  'media_handlers', (
    SELECT coalesce(json_agg(json_build_object(
             'media_type', h.media_type,
             'kind', h.kind,
             'schema', h.nspname,
             'name', h.proname,
             'relation', h.relation,
             'binary', h.is_binary
           ) ORDER BY h.media_type COLLATE "C", h.kind COLLATE "C", h.nspname, h.proname,
                      h.sortkey COLLATE "C"), '[]'::json)
    FROM handlers h
  ),
  'authenticator', (
    SELECT json_build_object(
             'name', me.rolname,
             'superuser', me.rolsuper,
             'bypassrls', me.rolbypassrls,
             'unsafe_roles', (
               SELECT coalesce(json_agg(m.rolname ORDER BY m.rolname), '[]'::json)
               FROM member_of m
               WHERE m.rolsuper OR m.rolbypassrls
             ))
    FROM me
  ),
  'role_settings', (
    SELECT coalesce(json_agg(json_build_object('role', s.rolname, 'settings', s.settings)
                             ORDER BY s.rolname), '[]'::json)
    FROM role_settings s
  ),
  'timezones', (SELECT json_agg(tz.name ORDER BY tz.name) FROM pg_catalog.pg_timezone_names tz),
  'db_config', $2::json
) AS snapshot
-- The FROM row is produced before the select list (and its sub-selects) is
-- evaluated, so every pg_get_expr()/format_type() call sees the empty path.
FROM (SELECT pg_catalog.set_config('search_path', '', true)) AS empty_search_path(v)
