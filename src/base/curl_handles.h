// RAII aliases for libcurl.
#pragma once

#include <curl/curl.h>

#include "base/handle.h"

namespace dk::curl {

using EasyPtr = CHandle<CURL, curl_easy_cleanup>;
using MultiPtr = CHandle<CURLM, curl_multi_cleanup>;
using SlistPtr = CHandle<curl_slist, curl_slist_free_all>;

}  // namespace dk::curl
