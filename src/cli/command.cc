#include "cli/command.h"

#include <cstdio>

namespace dk::cli {

int fail(const Error& error) {
    std::fprintf(stderr, "danekeeper: %s\n", error.message.c_str());
    return to_int(exit_code_for(error.kind));
}

ArgvView::ArgvView(const std::vector<std::string>& args) : storage_(args) {
    pointers_.reserve(storage_.size() + 1);
    for (auto& s : storage_) pointers_.push_back(s.data());
}

}  // namespace dk::cli
