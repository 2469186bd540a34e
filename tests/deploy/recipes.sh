#!/usr/bin/env bash
# Run by tests/deploy/run.sh inside a harness stack (PGRST_DB_URI, PGRST_SNAPSHOT, PGREST_TEST_*).
# Prints one line per check and, last, "N passed, N failed".
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$HERE/../.." && pwd -P)
if [[ -x /usr/bin/python3 ]]; then PY=/usr/bin/python3; else PY=python3; fi
TOKEN=$(tr -d '\n' <"$ROOT/sql/demo/token.txt")
D=$PGREST_TEST_DIR/deploy
passed=0 failed=0
pids=()

mkdir -p "$D/bin" "$D/www/shared" && chmod -R 755 "$D"
# A copy of the binary where the web server's user can run it whatever the checkout's permissions.
cp "$PGREST_BIN" "$D/bin/pgrest"
# The configuration file every recipe points at; the web servers run with a clean environment.
cat >"$D/pgrest.conf" <<CONF
db-uri = "$PGRST_DB_URI"
db-schemas = "$PGRST_DB_SCHEMAS"
db-anon-role = "$PGRST_DB_ANON_ROLE"
jwt-secret = "$PGRST_JWT_SECRET"
raw-media-types = "text/html"
snapshot = "$PGRST_SNAPSHOT"
CONF
chmod 644 "$D/pgrest.conf"
CLEAN_ENV=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8)

ports() {
  "$PY" -c 'import socket
s=[socket.socket() for _ in range(int(__import__("sys").argv[1]))]
[x.bind(("127.0.0.1",0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))' "$1"
}

cleanup() {
  local p
  for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null; done
  sleep 0.3
  for p in "${pids[@]}"; do kill -KILL -- "-$p" 2>/dev/null; done
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "  ok    $*"; }
ko() { failed=$((failed + 1)); echo "  FAIL  $*"; }

wait_http() { # url: until anything answers
  local i
  for ((i = 0; i < 100; i++)); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1") != 000 ]] && return 0
    sleep 0.1
  done
  return 1
}

# req METHOD URL [curl args...] → sets status, ctype, body
req() {
  local m=$1 u=$2 f
  shift 2
  f=$(mktemp "$D/resp.XXXXXX")
  status=$(curl -s -X "$m" -o "$f" -D "$f.h" -w '%{http_code}' --max-time 20 "$@" "$u")
  body=$(cat "$f")
  ctype=$(sed -nE 's/^[Cc]ontent-[Tt]ype: *([^\r]*)\r?$/\1/p' "$f.h" | head -n 1)
  rm -f "$f" "$f.h"
}

json_eq() { # a b: equal as JSON
  "$PY" -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1]) == json.loads(sys.argv[2]) else 1)' "$1" "$2" 2>/dev/null
}

# The same requests through each recipe: $1 name, $2 API base URL.
exercise() {
  local name=$1 B=$2 id
  echo "== $name: $B"
  if ! wait_http "$B/tasks"; then ko "$name: server does not answer"; return; fi
  req GET "$B/tasks?select=id,name&order=id"
  if [[ $status == 200 ]] && json_eq "$body" '[{"id":1,"name":"finish tutorial 0"},{"id":2,"name":"pat self on back"}]'; then
    ok "$name: GET rows"
  else ko "$name: GET rows → $status $body"; fi

  req GET "$B/tasks?name=eq.pat%20self%20on%20back&select=id"
  if [[ $status == 200 ]] && json_eq "$body" '[{"id":2}]'; then ok "$name: percent-encoded filter"
  else ko "$name: percent-encoded filter → $status $body"; fi

  req GET "$B/nope"
  if [[ $status == 404 && $body == *'"code":"PGRST205"'* && $ctype == application/json* ]]; then ok "$name: error 404 PGRST205"
  else ko "$name: error → $status $ctype $body"; fi

  # todo_user sees only its own tasks (none): the Authorization header reached pgrest.
  req GET "$B/tasks?select=id" -H "Authorization: Bearer $TOKEN"
  if [[ $status == 200 && $body == '[]' ]]; then ok "$name: Authorization passed through"
  else ko "$name: Authorization → $status $body"; fi

  req GET "$B/rpc/homepage" -H 'Accept: text/html,application/xhtml+xml,*/*;q=0.8'
  if [[ $status == 200 && $ctype == text/html* && $body == '<!doctype html>'* ]]; then ok "$name: raw text/html homepage"
  else ko "$name: homepage → $status $ctype ${body:0:80}"; fi

  req POST "$B/tasks" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -H 'Prefer: return=representation' --data "{\"name\":\"via $name\"}"
  if [[ $status == 201 && $body == *"\"owner\":\"todo_user\""* ]] &&
    [[ $(psql -X -At -c "select count(*) from todo.tasks where name = 'via $name' and owner = 'todo_user'" "$PGREST_TEST_DB") == 1 ]]; then
    ok "$name: POST as todo_user"
    req DELETE "$B/tasks?name=eq.via%20$name" -H "Authorization: Bearer $TOKEN"
    if [[ $status == 204 ]] && [[ $(psql -X -At -c "select count(*) from todo.tasks where name = 'via $name'" "$PGREST_TEST_DB") == 0 ]]; then
      ok "$name: DELETE as todo_user"
    else ko "$name: DELETE → $status $body"; fi
  else ko "$name: POST → $status $body"; fi
}

# ---- Apache: mod_fcgid (cgi/apache-fcgid.conf) and mod_cgi + .htaccess (cgi/htaccess) -----------
if [[ -x /usr/sbin/apache2 && -f /usr/lib/apache2/modules/mod_fcgid.so ]]; then
  read -r AP <<<"$(ports 1)"
  cp "$D/bin/pgrest" "$D/www/shared/pgrest.cgi"
  sed "s|^SetEnv PGRST_CONFIG .*|SetEnv PGRST_CONFIG $D/pgrest.conf|" "$ROOT/cgi/htaccess" >"$D/www/shared/.htaccess"
  mkdir -p "$D/apache" && chown www-data "$D/apache"
  cat >"$D/apache/httpd.conf" <<CONF
ServerRoot /etc/apache2
ServerName 127.0.0.1
Listen 127.0.0.1:$AP
PidFile $D/apache/httpd.pid
ErrorLog $D/apache/error.log
LogLevel warn
User www-data
Group www-data
Mutex file:$D/apache
LoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
LoadModule env_module /usr/lib/apache2/modules/mod_env.so
LoadModule cgi_module /usr/lib/apache2/modules/mod_cgi.so
LoadModule fcgid_module /usr/lib/apache2/modules/mod_fcgid.so
FcgidIPCDir $D/apache
FcgidProcessTableFile $D/apache/fcgid_shm
TypesConfig /etc/mime.types
DocumentRoot $D/www
<Directory />
  AllowOverride None
  Require all denied
</Directory>
<Directory $D/www/shared>
  AllowOverride Options FileInfo AuthConfig Limit
  Require all granted
</Directory>
Include $ROOT/cgi/apache-fcgid.conf
CONF
  "${CLEAN_ENV[@]}" PGREST_BIN="$D/bin/pgrest" PGREST_CONFIG="$D/pgrest.conf" \
    setsid /usr/sbin/apache2 -f "$D/apache/httpd.conf" -DFOREGROUND </dev/null >"$D/apache/out.log" 2>&1 &
  pids+=($!)
  exercise apache-fcgid "http://127.0.0.1:$AP/api"
  exercise apache-cgi-htaccess "http://127.0.0.1:$AP/shared/pgrest.cgi"
  # Nothing else in the CGI directory is served.
  req GET "http://127.0.0.1:$AP/shared/.htaccess"
  if [[ $status == 403 ]]; then ok "apache-cgi-htaccess: .htaccess not served"; else ko "apache-cgi-htaccess: .htaccess → $status"; fi
  ((failed)) && tail -n 20 "$D/apache/error.log" "$D/apache/out.log"
else
  ko "apache2 / libapache2-mod-fcgid not installed (make deps)"
fi

# ---- nginx: pgrest under spawn-fcgi (/) and fcgiwrap (/cgi-bin/pgrest) (cgi/nginx.conf) --------
if [[ -x /usr/sbin/nginx && -x /usr/bin/spawn-fcgi && -x /usr/sbin/fcgiwrap ]]; then
  read -r NP <<<"$(ports 1)"
  mkdir -p "$D/nginx"
  sed -e "s|@PORT@|$NP|g" -e "s|@FCGI_SOCKET@|$D/nginx/pgrest.sock|g" \
    -e "s|@FCGIWRAP_SOCKET@|$D/nginx/fcgiwrap.sock|g" -e "s|@PGREST_BIN@|$D/bin/pgrest|g" \
    -e "s|@PGREST_CONFIG@|$D/pgrest.conf|g" -e "s|@STATE_DIR@|$D/nginx|g" \
    "$ROOT/cgi/nginx.conf" >"$D/nginx/nginx.conf"
  "${CLEAN_ENV[@]}" PGRST_CONFIG="$D/pgrest.conf" setsid /usr/bin/spawn-fcgi -n -s "$D/nginx/pgrest.sock" \
    -M 0660 -u www-data -g www-data -- "$D/bin/pgrest" </dev/null >"$D/nginx/spawn-fcgi.log" 2>&1 &
  pids+=($!)
  "${CLEAN_ENV[@]}" setsid /usr/bin/spawn-fcgi -n -s "$D/nginx/fcgiwrap.sock" \
    -M 0660 -u www-data -g www-data -- /usr/sbin/fcgiwrap </dev/null >"$D/nginx/fcgiwrap.log" 2>&1 &
  pids+=($!)
  "${CLEAN_ENV[@]}" setsid /usr/sbin/nginx -c "$D/nginx/nginx.conf" -g 'daemon off;' </dev/null >"$D/nginx/out.log" 2>&1 &
  pids+=($!)
  exercise nginx-spawn-fcgi "http://127.0.0.1:$NP"
  exercise nginx-fcgiwrap "http://127.0.0.1:$NP/cgi-bin/pgrest"
  ((failed)) && tail -n 20 "$D"/nginx/*.log
else
  ko "nginx / spawn-fcgi / fcgiwrap not installed (make deps)"
fi

echo "$passed passed, $failed failed"
((failed == 0))
