// RAII aliases for libcurl's handles; the functions come from base/curl_library.h, so a handle
// exists only once the library is loaded.
#pragma once

#include <curl/curl.h>

#include "base/curl_library.h"
#include "base/handle.h"

namespace dk::curl {

// A handle comes from the loaded library, so its deleter calls into the same library.
inline void free_easy(CURL* easy) {
    (*library())->easy_cleanup(easy);
}
inline void free_slist(curl_slist* list) {
    (*library())->slist_free_all(list);
}

using EasyPtr = CHandle<CURL, free_easy>;
using SlistPtr = CHandle<curl_slist, free_slist>;

}  // namespace dk::curl
