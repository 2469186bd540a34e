/* The floor of the CGI cold path in `make bench`: a minimal C program linked against libpq alone
 * that does what one pgrest CGI request must do at the least: connect to PgBouncer
 * ($PGRST_DB_URI), send the same statements pgrest sends (read from $BENCH_SQL_FILE, written by
 * `sql_floor --dump`) in one pipeline with one Sync, and write the body as a CGI response. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS 64

struct stmt {
  char* text;
  int n;
  char* values[MAX_PARAMS];
};

static char* read_bytes(FILE* f, size_t len) {
  char* s = malloc(len + 1);
  if (!s || fread(s, 1, len, f) != len) exit(2);
  s[len] = '\0';
  fgetc(f); /* the newline after the value */
  return s;
}

int main(void) {
  const char* file = getenv("BENCH_SQL_FILE");
  FILE* f = file ? fopen(file, "rb") : NULL;
  struct stmt st[2];
  int count = -1;
  char tag;
  size_t len;
  if (!f) return 2;
  while (fscanf(f, "%c", &tag) == 1 && tag != 'E') {
    if (tag == 'S' && fscanf(f, " %zu", &len) == 1 && fgetc(f) == '\n' && count < 1) {
      st[++count].text = read_bytes(f, len);
      st[count].n = 0;
    } else if (tag == 'P' && count >= 0 && st[count].n < MAX_PARAMS && fscanf(f, " %zu", &len) == 1 &&
               fgetc(f) == '\n') {
      st[count].values[st[count].n++] = read_bytes(f, len);
    } else if (tag == 'N' && count >= 0 && st[count].n < MAX_PARAMS && fgetc(f) == '\n') {
      st[count].values[st[count].n++] = NULL;
    } else {
      return 2;
    }
  }
  fclose(f);
  if (count != 1) return 2;

  PGconn* c = PQconnectdb(getenv("PGRST_DB_URI"));
  if (PQstatus(c) != CONNECTION_OK || PQenterPipelineMode(c) != 1) return 1;
  for (int i = 0; i < 2; ++i) {
    if (PQsendQueryParams(c, st[i].text, st[i].n, NULL, (const char* const*)st[i].values, NULL, NULL, 0) != 1)
      return 1;
  }
  if (PQpipelineSync(c) != 1) return 1;
  PGresult* body = NULL;
  for (int i = 0; i < 2; ++i) {
    for (PGresult* r; (r = PQgetResult(c)) != NULL;) {
      if (PQresultStatus(r) != PGRES_TUPLES_OK) return 1;
      if (i == 1 && !body) body = r; else PQclear(r);
    }
  }
  PQclear(PQgetResult(c)); /* the Sync */
  const char* json = body && PQntuples(body) == 1 && PQnfields(body) > 2 ? PQgetvalue(body, 0, 2) : "";
  printf("Status: 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %zu\r\n\r\n%s",
         strlen(json), json);
  PQclear(body);
  PQfinish(c);
  return 0;
}
