// The table of verbs. Each handler lives in its own cmd_*.cc file.
#include <array>

#include "cli/command.h"
#include "cli/handlers.h"
#include "ops/audit_report.h"
#include "ops/check_report.h"
#include "ops/status_report.h"

namespace dk::cli {

std::span<const Command> all_commands() {
    static const std::array commands{
        Command{"version", "print the version", run_version},
        Command{"config", "config check: report every problem in the configuration", run_config},
        Command{"adopt", "take over the key and certificate a slot serves now", run_adopt},
        Command{"run", "do what is due for every key slot, then exit (cron)", run_run},
        Command{"daemon", "run until SIGTERM, waking when a step is due", run_daemon},
        Command{"status", "each slot's state, keys and what it waits for", run_status,
                ops::status_nagios_service},
        Command{"rollover",
                "rollover start SLOT...|check SLOT: request key rollovers, or check one is safe",
                run_rollover},
        Command{"tlsa", "TLSA records for a certificate, chain or key", run_tlsa},
        Command{"probe", "probe endpoints and verify them with DANE", run_probe},
        Command{"dns-status", "what every authoritative server serves at a TLSA owner, validated",
                run_dns_status},
        Command{"publish", "add or remove single records by RFC 2136 dynamic update", run_publish},
        Command{"sign", "sign a zone file with keys in BIND's key file format", run_sign},
        Command{"dnssec",
                "dnssec status|ds ZONE | dnssec rollover ZONE --zsk|--ksk: the DNSSEC keys of a "
                "signed-file zone",
                run_dnssec},
        Command{"hook",
                "hook deliver SLOT CHAIN KEY | hook csr SLOT: take a certificate from an ACME "
                "client, or give it the CSR",
                run_hook},
        Command{"check", "RFC 7672 verdict for every MX host of a mail domain (--nagios)",
                run_check, ops::check_nagios_service},
        Command{"audit", "BSI TR-03108-1 EMLREQ_2/4/6 evidence and the pre-flight lint", run_audit,
                ops::audit_nagios_service},
        Command{"log", "export the event log (--since T, --json)", run_log},
        Command{"tlsrpt",
                "tlsrpt import FILE... | tlsrpt list|summary|record: the SMTP TLS reports senders "
                "filed",
                run_tlsrpt},
        Command{"mta-sts",
                "mta-sts sync | mta-sts check: the MTA-STS policy file and TXT id kept in step "
                "with the MX, and what senders check",
                run_mta_sts},
    };
    return commands;
}

}  // namespace dk::cli
