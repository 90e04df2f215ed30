#include "cli/command.h"

#include <cstdio>

namespace dk::cli {

int fail(const Error& error) {
    std::fprintf(stderr, "danekeeper: %s\n", error.message.c_str());
    return to_int(exit_code_for(error.kind));
}

}  // namespace dk::cli
