// libcurl, loaded on first use. Only the requests over HTTPS (ACME, the MTA-STS policy fetch)
// need it, and libcurl brings about 26 shared libraries of its own (GnuTLS, Kerberos, LDAP,
// SSH, ...): linked into the program, every verb paid for loading and relocating them at start.
// Here the program loads libcurl.so.4 (the ABI of the libcurl4 package) when it first makes a
// request, and takes the handful of functions it calls from it.
#pragma once

#include <curl/curl.h>

#include <ctime>

#include "base/result.h"

namespace dk::curl {

// The libcurl soname the program loads: the package depends on libcurl4, which ships it.
inline constexpr const char* library_soname = "libcurl.so.4";

// The functions of libcurl the program calls. The names drop curl_ because curl.h defines
// curl_easy_setopt and curl_easy_getinfo as type-checking macros.
struct Functions {
    CURL* (*easy_init)();
    CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
    CURLcode (*easy_perform)(CURL*);
    CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
    const char* (*easy_strerror)(CURLcode);
    void (*easy_cleanup)(CURL*);
    curl_slist* (*slist_append)(curl_slist*, const char*);
    void (*slist_free_all)(curl_slist*);
    std::time_t (*getdate)(const char*, const std::time_t*);
};

// libcurl.so.4, loaded by the first call (thread-safe) and kept until the program exits; the
// same answer every call. The error (exit code 3) is one line naming the library, and the symbol
// when one is missing.
Result<const Functions*> library();

// Loads the library `soname` (a name or a path) and takes the functions from it; library() is
// this on library_soname, once. Tests call it on libraries that are missing or are not libcurl.
Result<Functions> load_library(const char* soname);

}  // namespace dk::curl
