/* The HTTP floor of `make bench`: a FastCGI responder that does nothing but answer a fixed JSON
 * body of the size pgrest answers for GET /items?id=eq.N, behind the same lighttpd setup. */
#include <fcgiapp.h>
#include <string.h>

int main(void) {
  static const char reply[] =
      "Status: 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
      "Content-Location: /items?id=eq.4242\r\nContent-Range: 0-0/*\r\nContent-Length: 45\r\n\r\n"
      "[{\"id\":4242,\"name\":\"item 4242\",\"price\":10.5}]";
  FCGX_Request request;
  FCGX_Init();
  FCGX_InitRequest(&request, 0, 0);
  while (FCGX_Accept_r(&request) >= 0) {
    FCGX_PutStr(reply, (int)strlen(reply), request.out);
    FCGX_Detach(&request); /* close at once, as pgrest does when it read the whole body */
    FCGX_Finish_r(&request);
  }
  return 0;
}
