#!/usr/bin/env bash
# The deployment recipes beside the front end, each started from Debian's packages on free
# loopback ports and sent the same requests: cgi/apache-fcgid.conf (Apache + mod_fcgid),
# cgi/htaccess (Apache mod_cgi, a shared host's cgi directory), cgi/nginx.conf (nginx + pgrest
# under spawn-fcgi, and nginx + fcgiwrap running pgrest as CGI). The database is a harness stack
# with the todo demo (sql/demo). Last line: "N passed, N failed".
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$HERE/../.." && pwd -P)
out=$(mktemp /tmp/pgrest-deploy.XXXXXXXX)
trap 'rm -f "$out"' EXIT
PGRST_RAW_MEDIA_TYPES=text/html PGRST_JWT_SECRET=your-256-bit-secret-your-256-bit-secret \
PGRST_DB_ANON_ROLE=web_anon \
  "$ROOT/tests/harness.sh" run --schemas todo --fixtures "$ROOT/sql/demo" -- "$HERE/recipes.sh" </dev/null 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
if [[ -z $last ]]; then
  echo "0 passed, 1 failed"
  exit 1
fi
read -r passed _ failed _ <<<"$last"
((rc != 0 && failed == 0)) && failed=1
echo "$passed passed, $failed failed"
((failed == 0))
