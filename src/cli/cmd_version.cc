#include <cstdio>

#include "base/version.h"
#include "cli/handlers.h"

namespace dk::cli {

int run_version(const Invocation& /*invocation*/) {
    std::printf("danekeeper %s\n", dk::version);
    return 0;
}

}  // namespace dk::cli
