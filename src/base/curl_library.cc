#include "base/curl_library.h"

#include <dlfcn.h>

#include <string>

namespace dk::curl {
namespace {

// dlerror() names the file and the reason ("libcurl.so.4: cannot open shared object file: No
// such file or directory"); null only when dlopen/dlsym did not fail.
std::string last_dl_error() {
    const char* text = ::dlerror();
    return text != nullptr ? text : "unknown reason";
}

// Sets `out` to the function `name`, or, when the library lacks it, names the first one missing.
template <typename Fn>
void take(void* handle, const char* name, Fn*& out, std::string& missing) {
    void* symbol = ::dlsym(handle, name);
    if (symbol == nullptr && missing.empty()) missing = name;
    out = reinterpret_cast<Fn*>(symbol);
}

}  // namespace

Result<Functions> load_library(const char* soname) {
    void* handle = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr)
        return Error::environment(
            std::string("cannot load libcurl (") + soname +
            ", package libcurl4), needed for HTTPS requests: " + last_dl_error());
    Functions f{};
    std::string missing;
    take(handle, "curl_easy_init", f.easy_init, missing);
    take(handle, "curl_easy_setopt", f.easy_setopt, missing);
    take(handle, "curl_easy_perform", f.easy_perform, missing);
    take(handle, "curl_easy_getinfo", f.easy_getinfo, missing);
    take(handle, "curl_easy_strerror", f.easy_strerror, missing);
    take(handle, "curl_easy_cleanup", f.easy_cleanup, missing);
    take(handle, "curl_slist_append", f.slist_append, missing);
    take(handle, "curl_slist_free_all", f.slist_free_all, missing);
    take(handle, "curl_getdate", f.getdate, missing);
    if (!missing.empty()) {
        ::dlclose(handle);
        return Error::environment(std::string(soname) + " is not a usable libcurl: it lacks " +
                                  missing);
    }
    return f;  // the handle stays open: the functions live as long as the program
}

Result<const Functions*> library() {
    static const Result<Functions> loaded = load_library(library_soname);
    if (!loaded) return loaded.error();
    return &*loaded;
}

}  // namespace dk::curl
