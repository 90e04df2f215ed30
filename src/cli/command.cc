#include "cli/command.h"

#include <cstdio>

#include "base/log.h"
#include "ops/nagios.h"

namespace dk::cli {
namespace {

std::string nagios_service;  // set for a verb run with --nagios

}  // namespace

void report_failures_as_nagios(std::string_view service) {
    nagios_service = service;
}

int fail(const Error& error) {
    std::fprintf(stderr, "%sdanekeeper: %s\n", log::stderr_prefix(log::Level::error).c_str(),
                 error.message.c_str());
    if (nagios_service.empty()) return to_int(exit_code_for(error.kind));
    const ops::NagiosReport unknown{
        nagios_service, ops::NagiosState::unknown, error.message, {}, {}};
    std::fputs(ops::format_nagios(unknown).c_str(), stdout);
    return static_cast<int>(ops::NagiosState::unknown);
}

}  // namespace dk::cli
