#!/usr/bin/env python3
"""Writes the libFuzzer seed corpus, tests/fuzz/corpus/<target>/, from the tests' own inputs:
the grammar case tables (tests/unit/data/*.tsv), the header values, requests and bodies written
in the unit and integration tests, the Lambda sample events, plus hand-written seeds for the JWT,
CGI and Lambda fronts. Deterministic: run it again after changing those tests, then commit.

    tests/fuzz/make_corpus.py            (replaces the corpus directories)

Files are named by the SHA-1 of their content, as libFuzzer names what it adds.
"""
import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "tests/unit/data")
OUT = os.path.join(ROOT, "tests/fuzz/corpus")
MAX_SEED = 4096  # bytes; longer inputs only slow the fuzzer down
JWT_SECRET = b"reallyreallyreallyreallyverysafe"  # as in fuzz_jwt.cpp


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def tsv_rows(name):
    """Rows of a case table, comments and blank lines skipped; '␠' stands for a space."""
    for line in read(os.path.join(DATA, name)).split("\n"):
        if line.startswith("#") or not line.strip():
            continue
        yield [c.replace("␠", " ") for c in line.split("\t")]


def cpp_sources(*dirs):
    for d in dirs:
        for name in sorted(os.listdir(os.path.join(ROOT, d))):
            if name.endswith(".cpp"):
                yield read(os.path.join(ROOT, d, name))


# A C++ string literal: R"(...)" or "..." with the usual escapes.
LITERAL = r'(?:R"\((?P<raw>.*?)\)"|"(?P<esc>(?:[^"\\\n]|\\.)*)")'


def unescape(m):
    if m.group("raw") is not None:
        return m.group("raw")
    s = m.group("esc")
    return re.sub(r"\\(.)", lambda e: {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(e.group(1), e.group(1)), s)


def literals_after(source, prefix_regex):
    """Every string literal that directly follows prefix_regex (e.g. a header name and a comma)."""
    for m in re.finditer(prefix_regex + r"\s*" + LITERAL, source, re.S):
        yield unescape(m)


class Corpus:
    def __init__(self):
        self.targets = {}

    def add(self, target, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        if len(data) <= MAX_SEED:
            self.targets.setdefault(target, {})[hashlib.sha1(data).hexdigest()] = data

    def write(self):
        for target, files in sorted(self.targets.items()):
            d = os.path.join(OUT, target)
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            for name, data in files.items():
                with open(os.path.join(d, name), "wb") as f:
                    f.write(data)
            print(f"{target}: {len(files)} seeds")


def query_strings():
    """Raw query strings: the grammar tables' inputs and every request target in the tests."""
    out = []
    for row in tsv_rows("query.tsv"):
        out.append(row[1] if len(row) > 1 else "")
    for name in ("canonical.tsv", "errors.tsv"):
        out += [row[0] for row in tsv_rows(name)]
    for key, value, *_ in (r for r in tsv_rows("filters.tsv") if len(r) > 1):
        out.append(f"{key}={value}")
    for key, value, *_ in (r for r in tsv_rows("logic.tsv") if len(r) > 1):
        out.append(f"{key}={value}")
    out += ["order=" + row[0] for row in tsv_rows("order.tsv")]
    out += ["select=" + row[0] for row in tsv_rows("select.tsv")]
    out += ["a=" + row[0] for row in tsv_rows("decode.tsv")]
    for target in request_targets():
        if "?" in target:
            out.append(target.split("?", 1)[1])
    return out


def request_targets():
    """"/relation?query" and "/rpc/f?..." literals written in the integration and unit tests."""
    targets = []
    for src in cpp_sources("tests/integration", "tests/unit"):
        for m in re.finditer(r'"(/(?:rpc/)?[A-Za-z_][A-Za-z_0-9]*(?:\?[^"\s]*)?)"', src):
            targets.append(m.group(1))
    return sorted(set(targets))


def header_values(name):
    values = []
    for src in cpp_sources("tests/integration", "tests/unit"):
        values += literals_after(src, r'\{"' + name + r'",')
        values += [m.group(1) for m in re.finditer(r'"' + name + r': ([^"\\]*)"', src, re.I)]
    return sorted(set(values))


def write_requests():
    """(method, target, body) of the write and RPC specs' send()/post() calls."""
    out = []
    for src in cpp_sources("tests/integration"):
        for m in re.finditer(r'send\(fe, "([A-Z]+)", "([^"]*)",\s*' + LITERAL, src, re.S):
            out.append((m.group(1), m.group(2), unescape(m)))
        for m in re.finditer(r'post\(fe, "([^"]*)",\s*' + LITERAL, src, re.S):
            out.append(("POST", m.group(1), unescape(m)))
    return out


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256(header, claims):
    signing = b64url(header.encode()) + "." + b64url(claims.encode())
    mac = hmac.new(JWT_SECRET, signing.encode(), hashlib.sha256).digest()
    return signing + "." + b64url(mac)


def jwt_seeds(c):
    claims = [
        '{"role":"web_user"}', '{"role":"web_user","exp":1800000000,"aud":"pgrest"}',
        '{"role":"web_user","exp":1600000000}', '{"role":"a","nbf":1800000000}',
        '{"role":"a","iat":"x"}', '{"role":"a","aud":["x","pgrest"]}', '{"role":"a","aud":"other"}',
        '{"sub":"1"}', '{"role":42}', '{"role":null}', '{}', '[]', '"x"', '{"role":"a","exp":1e300}',
        '{"role":"a","exp":-1}', '{"role":"ü\\u0000x"}',
        '{"postgrest":{"roles":["other","author"]},"realm_access":{"roles":["viewer","app_admin"]}}',
    ]
    headers = ['{"alg":"HS256","typ":"JWT"}', '{"alg":"HS256"}', '{"alg":"HS256","kid":"hs"}',
               '{"alg":"none"}', '{"alg":"RS256"}', '{"alg":"HS512"}', '{"typ":"JWT"}', '{"alg":1}', 'x']
    for h in headers:
        for cl in claims[:6]:
            c.add("fuzz_jwt", "h" + h + "\n" + cl)
    for cl in claims:
        c.add("fuzz_jwt", 'h{"alg":"HS256","typ":"JWT"}\n' + cl)
        token = hs256('{"alg":"HS256","typ":"JWT"}', cl)
        c.add("fuzz_jwt", "tBearer " + token)
        c.add("fuzz_jwt", "Bearer " + token)
    for raw in ["", "Bearer", "Bearer ", "bearer a.b.c", "Basic dXNlcjpwYXNz", "Bearer a.b", "Bearer ...",
                "Bearer " + b64url(b'{"alg":"none"}') + "." + b64url(b'{"role":"postgres"}') + ".",
                "Bearer " + b64url(b'{"alg":"HS257"}') + ".e30.x", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x",
                "Bearer a=.b==.c", "Bearer  " + hs256('{"alg":"HS256"}', '{"role":"a"}')]:
        c.add("fuzz_jwt", "t" + raw)
    claims_doc = ('{"postgrest":{"roles":["other","author"],"wlcg":["/groupa","/groupb/"]},'
                  '"https://www.example.com/role":{"key":"author"},'
                  '"realm_access":{"roles":["viewer","app_admin"]},"num":42}')
    jwt_test = read(os.path.join(ROOT, "tests/unit/jwt_test.cpp"))
    paths = list(literals_after(jwt_test, r"role_for\("))
    paths += [".role", ".realm.roles[0]", "role", ".", ".a..b", ".a[", ".a[x]", '.a[?(@ = "x")]',
              '.a[?(x == "y")]', '."open', ".a b", ".a[-1]", ".a[9223372036854775807]",
              ".a[-9223372036854775808:9223372036854775807]"]
    for p in paths:
        c.add("fuzz_jwt", "k" + p + "\n" + claims_doc)
    jwks = read(os.path.join(ROOT, "tests/integration/fixtures_auth/keys/jwks.json"))
    for s in [JWT_SECRET.decode(), "short", base64.b64encode(JWT_SECRET).decode(), jwks,
              '{"kty":"oct","k":"' + b64url(JWT_SECRET) + '"}', '{"keys":[]}', '{"kty":"RSA","n":"AQAB","e":"AQAB"}',
              '{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}', '{"kty":"OKP","crv":"Ed25519","x":"AA"}']:
        c.add("fuzz_jwt", "s" + s)


def cgi_seeds(c, targets):
    def env(method, uri, script, headers, body, cgi_style):
        lines = [f"REQUEST_METHOD={method}", "SERVER_PROTOCOL=HTTP/1.1", "REMOTE_ADDR=127.0.0.1"]
        path, _, query = uri.partition("?")
        if cgi_style:
            lines += [f"SCRIPT_NAME={script}", f"PATH_INFO={path}", f"QUERY_STRING={query}",
                      f"REQUEST_URI={script}{uri}"]
        else:
            lines += [f"REQUEST_URI={uri}", f"QUERY_STRING={query}", "SCRIPT_NAME="]
        for k, v in headers:
            lines.append(("CONTENT_TYPE" if k == "Content-Type" else "HTTP_" + k.upper().replace("-", "_")) + "=" + v)
        lines.append(f"CONTENT_LENGTH={len(body.encode())}")
        return "\n".join(lines) + "\n\n" + body

    hdrs = [("Accept", "application/json"), ("Prefer", "count=exact"), ("Range", "0-9"),
            ("Authorization", "Bearer " + hs256('{"alg":"HS256"}', '{"role":"web_user"}'))]
    for i, t in enumerate(targets[::8]):
        c.add("fuzz_cgi", env("GET", t, "/cgi-bin/pgrest", hdrs[: i % 5], "", i % 2 == 0))
    for method, t, body in write_requests()[::6]:
        c.add("fuzz_cgi", env(method, t, "/cgi-bin/pgrest", [("Content-Type", "application/json")], body, True))
        c.add("fuzz_cgi", env(method, t, "", [("Content-Type", "application/json")], body, False))
    for extra in ["REQUEST_METHOD=GET\nPATH_INFO=/items\nQUERY_STRING=id=eq.1\n\n",
                  "REQUEST_METHOD=GET\nREQUEST_URI=/cgi-bin/pgrest\nSCRIPT_NAME=/cgi-bin/pgrest\n\n",
                  "REQUEST_URI=\nSCRIPT_NAME=/x\nPATH_INFO=/y\n\n", "NOEQUALS\n=\n==\nHTTP_=x\nHTTP_X_=y\n\n",
                  "REQUEST_METHOD=POST\nCONTENT_LENGTH=99999999999999999999999\nCONTENT_TYPE=text/csv\n\na,b\n1,2\n",
                  "REQUEST_METHOD=GET\nREQUEST_URI=/%2e%2e/items?%00=eq.1\n\n",
                  "REQUEST_METHOD=OPTIONS\nREQUEST_URI=/items\nHTTP_ORIGIN=https://example.com\n"
                  "HTTP_ACCESS_CONTROL_REQUEST_METHOD=POST\n\n",
                  "REQUEST_METHOD=GET\nREQUEST_URI=/items\nHTTP_ACCEPT_PROFILE=other\n\n"]:
        c.add("fuzz_cgi", extra)


def lambda_seeds(c, targets):
    samples = {}
    for name in sorted(os.listdir(os.path.join(DATA, "lambda"))):
        text = read(os.path.join(DATA, "lambda", name))
        c.add("fuzz_lambda", text)
        samples[name] = json.loads(text)
    requests = [("GET", t, "") for t in targets[::16]] + [(m, t, b) for m, t, b in write_requests()[::8]]
    for i, (method, target, body) in enumerate(requests):
        path, _, query = target.partition("?")
        pairs = [p.partition("=")[::2] for p in query.split("&") if p]
        b64 = i % 3 == 0
        body_field = base64.b64encode(body.encode()).decode() if b64 else body
        for name, ev in samples.items():
            if name == "s3_put.json":
                continue
            ev = json.loads(json.dumps(ev))
            if "rawPath" in ev:  # payload 2.0
                ev["rawPath"] = path
                ev["rawQueryString"] = query
                ev["requestContext"]["http"]["method"] = method
                ev["requestContext"]["http"]["path"] = path
                ev.pop("queryStringParameters", None)
            else:
                ev["httpMethod"] = method
                ev["path"] = path
                if "multiValueQueryStringParameters" in ev:
                    multi = {}
                    for k, v in pairs:
                        multi.setdefault(k, []).append(v)
                    ev["multiValueQueryStringParameters"] = multi or None
                if "queryStringParameters" in ev:
                    ev["queryStringParameters"] = dict(pairs) or None
            ev["body"] = body_field if body else None
            ev["isBase64Encoded"] = b64
            c.add("fuzz_lambda", json.dumps(ev, separators=(",", ":"), ensure_ascii=False))
    for odd in ["{}", "[]", "null", '{"version":"2.0"}', '{"httpMethod":"GET"}', '{"requestContext":{"elb":{}}}',
                '{"version":"2.0","rawPath":"/items","requestContext":{"http":{"method":"GET"},"stage":"prod"}}',
                '{"version":"2.0","rawPath":"/prod/items","rawQueryString":"a=eq.1","cookies":["a=1","b=2"],'
                '"requestContext":{"http":{"method":"GET"},"stage":"prod"},"body":"!!","isBase64Encoded":true}']:
        c.add("fuzz_lambda", odd)


def plan_seeds(c, targets):
    prefer = header_values("Prefer")
    accept = header_values("Accept")
    for i, t in enumerate(targets[::2]):
        headers = []
        if i % 3 == 1 and prefer:
            headers.append("Prefer: " + prefer[i % len(prefer)])
        if i % 4 == 2 and accept:
            headers.append("Accept: " + accept[i % len(accept)])
        c.add("fuzz_plan", "\n".join(["GET " + t] + headers) + "\n\n")
        if i % 10 == 0:
            c.add("fuzz_plan", "HEAD " + t + "\n\n")
    for i, (method, t, body) in enumerate(write_requests()[::2]):
        headers = ["Content-Type: application/json"]
        if prefer:
            headers.append("Prefer: " + prefer[i % len(prefer)])
        c.add("fuzz_plan", "\n".join([method + " " + t] + headers) + "\n\n" + body)
    for extra in ["GET /\nAccept: application/openapi+json;version=3.1\n\n", "OPTIONS /items\n\n",
                  "OPTIONS /items\nOrigin: https://example.com\nAccess-Control-Request-Method: POST\n\n",
                  "DELETE /w_items?id=eq.1\nPrefer: return=representation\n\n",
                  "PATCH /w_items?id=eq.1\nContent-Type: application/json\n\n{\"name\":\"x\"}",
                  "PUT /w_items?id=eq.1\nContent-Type: application/json\n\n{\"id\":1,\"name\":\"x\"}",
                  "POST /w_items\nContent-Type: text/csv\n\nid,name\n1,a\n2,NULL\n",
                  "POST /w_items\nContent-Type: application/x-www-form-urlencoded\n\nid=1&name=a",
                  "GET /items\nAccept-Profile: v1\n\n", "GET /rpc/add?a=1&b=2\n\n",
                  "POST /rpc/add\nContent-Type: application/x-www-form-urlencoded\n\na=1&b=2",
                  "GET /items?select=*\nAccept: application/vnd.pgrst.plan+json; for=\"application/json\"; options=analyze|verbose\n\n"]:
        c.add("fuzz_plan", extra)


def header_seeds(c):
    for name in ("Prefer", "Range", "Accept", "Content-Type"):
        for v in header_values(name):
            c.add("fuzz_headers", v)
    for extra in ["count=exact\nreturn=representation\nhandling=strict",
                  "max-affected=9223372036854775807, handling=strict", "timezone=America/Los_Angeles",
                  "0-9223372036854775806", "9223372036854775806-", "1-0", "00-01",
                  "text/csv;q=0.5, application/json;q=1.0, */*;q=0", 'application/json; a="b,c"; q=0.x',
                  "application/vnd.pgrst.object+json;nulls=stripped", "*/*", "text/*;q=1e-3", ";;;,,,",
                  "application/vnd.pgrst.plan+json; for=\"application/json\"; options=analyze|verbose"]:
        c.add("fuzz_headers", extra)


def main():
    c = Corpus()
    for q in query_strings():
        c.add("fuzz_query", q)
    header_seeds(c)
    jwt_seeds(c)
    targets = request_targets()
    cgi_seeds(c, targets)
    lambda_seeds(c, targets)
    plan_seeds(c, targets)
    c.write()
    print("total:", sum(len(f) for f in c.targets.values()), "seeds")


if __name__ == "__main__":
    sys.exit(main())
