#include <cstdio>

#include "base/version.h"
#include "cli/handlers.h"
#include "cli/verb_options.h"

namespace dk::cli {

int run_version(const Invocation& invocation) {
    VerbOptions options(invocation, "Print the version");
    if (auto stop = options.parse()) return *stop;
    std::printf("danekeeper %s\n", dk::version);
    return 0;
}

}  // namespace dk::cli
