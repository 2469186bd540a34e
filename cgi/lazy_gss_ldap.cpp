// For the lean (static libpq) build of the pgrest binary: the GSSAPI and LDAP functions that
// libpq.a calls, loaded from the system libraries with dlopen on first use. Linking them directly
// maps ~20 shared libraries (krb5, OpenLDAP, SASL, GnuTLS, ...) into every CGI process before
// main(), ~10 ms per request on the bench machine, for features (Kerberos, LDAP service lookup) that
// a connection uses only when its db-uri asks for them. When a library is missing, the calls fail
// the way libpq expects (GSS_S_FAILURE, a NULL LDAP handle) and libpq reports the error.
#include <dlfcn.h>

#include <cstddef>

namespace {

using u32 = unsigned int;  // OM_uint32
constexpr u32 kGssFailure = 13u << 16;  // GSS_S_FAILURE

struct GssBuffer {  // gss_buffer_desc
  size_t length;
  void* value;
};
struct GssOid {  // gss_OID_desc
  u32 length;
  void* elements;
};

void* open_first(const char* const* names) {
  for (; *names; ++names) {
    if (void* h = dlopen(*names, RTLD_NOW | RTLD_LOCAL)) return h;
  }
  return nullptr;
}

void* gss_sym(const char* name) {
  static const char* const kNames[] = {"libgssapi_krb5.so.2", "libgssapi_krb5.so", nullptr};
  static void* lib = open_first(kNames);
  return lib ? dlsym(lib, name) : nullptr;
}

void* ldap_sym(const char* name) {
  static const char* const kNames[] = {"libldap-2.5.so.0", "libldap.so.2", "libldap-2.4.so.2",
                                       "libldap.so", nullptr};
  static void* lib = open_first(kNames);
  return lib ? dlsym(lib, name) : nullptr;
}

// The real function `name` of type F from library `sym`, or nullptr.
template <typename F>
F real(void* (*sym)(const char*), const char* name) {
  return reinterpret_cast<F>(sym(name));
}

// GSS_C_NT_HOSTBASED_SERVICE's OID (1.2.840.113554.1.2.1.4), swapped for the library's own object.
char kHostbasedBytes[] = "\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04";
GssOid kHostbased = {10, kHostbasedBytes};

}  // namespace

extern "C" {

void* GSS_C_NT_HOSTBASED_SERVICE = &kHostbased;

#define PGREST_GSS_FORWARD(name, params, args)                                 \
  u32 name params {                                                            \
    using F = u32(*) params;                                                   \
    static F f = real<F>(gss_sym, #name);                                      \
    if (f == nullptr) {                                                        \
      *minor = 0;                                                              \
      return kGssFailure;                                                      \
    }                                                                          \
    return f args;                                                             \
  }

PGREST_GSS_FORWARD(gss_acquire_cred,
                   (u32 * minor, void* name, u32 time, void* mechs, int usage, void** cred,
                    void** actual, u32* rec),
                   (minor, name, time, mechs, usage, cred, actual, rec))
PGREST_GSS_FORWARD(gss_delete_sec_context, (u32 * minor, void** ctx, GssBuffer* out),
                   (minor, ctx, out))
PGREST_GSS_FORWARD(gss_init_sec_context,
                   (u32 * minor, void* cred, void** ctx, void* target, void* mech, u32 flags,
                    u32 time, void* bindings, GssBuffer* in, void** actual_mech, GssBuffer* out,
                    u32* ret_flags, u32* rec),
                   (minor, cred, ctx, target, mech, flags, time, bindings, in, actual_mech, out,
                    ret_flags, rec))
PGREST_GSS_FORWARD(gss_release_cred, (u32 * minor, void** cred), (minor, cred))
PGREST_GSS_FORWARD(gss_release_name, (u32 * minor, void** name), (minor, name))
PGREST_GSS_FORWARD(gss_unwrap,
                   (u32 * minor, void* ctx, GssBuffer* in, GssBuffer* out, int* conf, u32* qop),
                   (minor, ctx, in, out, conf, qop))
PGREST_GSS_FORWARD(gss_wrap,
                   (u32 * minor, void* ctx, int conf_req, u32 qop, GssBuffer* in, int* conf,
                    GssBuffer* out),
                   (minor, ctx, conf_req, qop, in, conf, out))
PGREST_GSS_FORWARD(gss_wrap_size_limit,
                   (u32 * minor, void* ctx, int conf_req, u32 qop, u32 req_out, u32* max_in),
                   (minor, ctx, conf_req, qop, req_out, max_in))

u32 gss_import_name(u32* minor, GssBuffer* in, void* type, void** out) {
  using F = u32 (*)(u32*, GssBuffer*, void*, void**);
  static F f = real<F>(gss_sym, "gss_import_name");
  if (f == nullptr) {
    *minor = 0;
    return kGssFailure;
  }
  if (type == &kHostbased) {
    void** lib_oid = static_cast<void**>(gss_sym("GSS_C_NT_HOSTBASED_SERVICE"));
    if (lib_oid) type = *lib_oid;
  }
  return f(minor, in, type, out);
}

// Without the library, libpq still formats an error message from these: hand it a static text.
u32 gss_display_status(u32* minor, u32 status, int type, void* mech, u32* more, GssBuffer* out) {
  using F = u32 (*)(u32*, u32, int, void*, u32*, GssBuffer*);
  static F f = real<F>(gss_sym, "gss_display_status");
  if (f) return f(minor, status, type, mech, more, out);
  static char kText[] = "GSSAPI library not available";
  *minor = 0;
  *more = 0;
  out->length = sizeof kText - 1;
  out->value = kText;
  return 0;
}

u32 gss_release_buffer(u32* minor, GssBuffer* buffer) {
  using F = u32 (*)(u32*, GssBuffer*);
  static F f = real<F>(gss_sym, "gss_release_buffer");
  if (f) return f(minor, buffer);
  *minor = 0;
  return 0;
}

void* ldap_init(const char* host, int port) {
  using F = void* (*)(const char*, int);
  static F f = real<F>(ldap_sym, "ldap_init");
  return f ? f(host, port) : nullptr;  // libpq: "could not create LDAP structure"
}

// Only ever called with a handle from ldap_init, i.e. when the library is loaded.
#define PGREST_LDAP_FORWARD(ret, name, params, args, fallback) \
  ret name params {                                           \
    using F = ret(*) params;                                  \
    static F f = real<F>(ldap_sym, #name);                    \
    return f ? f args : fallback;                             \
  }

PGREST_LDAP_FORWARD(int, ldap_set_option, (void* ld, int option, const void* value),
                    (ld, option, value), -1)
PGREST_LDAP_FORWARD(int, ldap_simple_bind, (void* ld, const char* who, const char* pw),
                    (ld, who, pw), -1)
PGREST_LDAP_FORWARD(int, ldap_result,
                    (void* ld, int msgid, int all, void* timeout, void** result),
                    (ld, msgid, all, timeout, result), -1)
PGREST_LDAP_FORWARD(int, ldap_search_st,
                    (void* ld, const char* base, int scope, const char* filter, char** attrs,
                     int attrsonly, void* timeout, void** res),
                    (ld, base, scope, filter, attrs, attrsonly, timeout, res), -1)
PGREST_LDAP_FORWARD(int, ldap_count_entries, (void* ld, void* chain), (ld, chain), -1)
PGREST_LDAP_FORWARD(void*, ldap_first_entry, (void* ld, void* chain), (ld, chain), nullptr)
PGREST_LDAP_FORWARD(void**, ldap_get_values_len, (void* ld, void* entry, const char* attr),
                    (ld, entry, attr), nullptr)
PGREST_LDAP_FORWARD(int, ldap_msgfree, (void* msg), (msg), -1)
PGREST_LDAP_FORWARD(int, ldap_unbind, (void* ld), (ld), -1)
PGREST_LDAP_FORWARD(const char*, ldap_err2string, (int err), (err), "LDAP library not available")

void ldap_value_free_len(void** values) {
  using F = void (*)(void**);
  static F f = real<F>(ldap_sym, "ldap_value_free_len");
  if (f) f(values);
}

}  // extern "C"
