// Handlers of the verbs, one per cmd_*.cc file.
#pragma once

#include "cli/command.h"

namespace dk::cli {

int run_version(const Invocation& invocation);
int run_config(const Invocation& invocation);
int run_adopt(const Invocation& invocation);
int run_run(const Invocation& invocation);
int run_daemon(const Invocation& invocation);
int run_status(const Invocation& invocation);
int run_rollover(const Invocation& invocation);
int run_tlsa(const Invocation& invocation);
int run_probe(const Invocation& invocation);
int run_dns_status(const Invocation& invocation);
int run_publish(const Invocation& invocation);
int run_sign(const Invocation& invocation);
int run_dnssec(const Invocation& invocation);
int run_hook(const Invocation& invocation);
int run_check(const Invocation& invocation);
int run_log(const Invocation& invocation);
int run_audit(const Invocation& invocation);
int run_tlsrpt(const Invocation& invocation);
int run_mta_sts(const Invocation& invocation);

}  // namespace dk::cli
