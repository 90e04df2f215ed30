#include "ops/metrics.h"

#include <cstdio>

namespace dk::ops {
namespace {

std::string number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

void family(std::string& out, const char* name, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n";
}

double seconds_between(TimePoint from, TimePoint to) {
    return static_cast<double>(unix_seconds(to) - unix_seconds(from));
}

}  // namespace

std::string escape_label(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string prometheus_text(const MetricsSnapshot& s, TimePoint now) {
    std::string out;
    family(out, "danekeeper_endpoint_match",
           "1 when the endpoint address presents a chain matching its published TLSA RRset");
    for (const auto& e : s.endpoints) {
        out += "danekeeper_endpoint_match{slot=\"" + escape_label(e.slot) + "\",endpoint=\"" +
               escape_label(e.endpoint) + "\",address=\"" + escape_label(e.address) +
               "\",algorithm=\"" + escape_label(e.algorithm) + "\"} " + (e.match ? "1" : "0") +
               "\n";
    }
    family(out, "danekeeper_certificate_expiry_days",
           "days until the certificate served for the current key expires");
    for (const auto& slot : s.slots) {
        if (!slot.cert_not_after) continue;
        out += "danekeeper_certificate_expiry_days{slot=\"" + escape_label(slot.slot) + "\"} " +
               number(seconds_between(now, *slot.cert_not_after) / 86400.0) + "\n";
    }
    family(out, "danekeeper_rrsig_seconds_left",
           "seconds until the earliest RRSIG over the TLSA RRset expires");
    for (const auto& o : s.owners) {
        if (!o.rrsig_seconds_left) continue;
        out += "danekeeper_rrsig_seconds_left{owner=\"" + escape_label(o.owner) + "\"} " +
               number(static_cast<double>(*o.rrsig_seconds_left)) + "\n";
    }
    if (s.next_action) {
        family(out, "danekeeper_next_action_seconds", "seconds until the engine's next due step");
        out += "danekeeper_next_action_seconds " +
               number(std::max(0.0, seconds_between(now, *s.next_action))) + "\n";
    }
    family(out, "danekeeper_slot_next_action_seconds",
           "seconds until the slot's next planned step (label action: what it is)");
    for (const auto& slot : s.slots) {
        if (!slot.next_action) continue;
        out += "danekeeper_slot_next_action_seconds{slot=\"" + escape_label(slot.slot) +
               "\",action=\"" + escape_label(slot.next_action_kind) + "\"} " +
               number(std::max(0.0, seconds_between(now, *slot.next_action))) + "\n";
    }
    family(out, "danekeeper_last_run_result",
           "exit code of the last run: 0 ok, 1 alert, 2 configuration, 3 environment");
    out += "danekeeper_last_run_result " + std::to_string(s.last_run_result) + "\n";
    family(out, "danekeeper_last_run_duration_seconds", "how long the last run took");
    out += "danekeeper_last_run_duration_seconds " + number(s.last_run_seconds) + "\n";
    family(out, "danekeeper_last_run_timestamp_seconds", "when the last run ended (Unix time)");
    out += "danekeeper_last_run_timestamp_seconds " + std::to_string(unix_seconds(s.last_run_at)) +
           "\n";
    family(out, "danekeeper_tlsrpt_reports",
           "SMTP TLS reports (RFC 8460) whose date range ended in the last 7 days");
    out += "danekeeper_tlsrpt_reports " + std::to_string(s.tlsrpt_reports) + "\n";
    family(out, "danekeeper_tlsrpt_dane_failed_sessions",
           "sessions senders reported failing DANE at our MX in the last 7 days");
    out += "danekeeper_tlsrpt_dane_failed_sessions " +
           std::to_string(s.tlsrpt_dane_failed_sessions) + "\n";
    family(out, "danekeeper_tlsrpt_failed_sessions",
           "sessions senders reported failing in the last 7 days, by result type, policy and MX");
    for (const auto& f : s.tlsrpt_failures) {
        out += "danekeeper_tlsrpt_failed_sessions{result_type=\"" + escape_label(f.result_type) +
               "\",policy_type=\"" + escape_label(f.policy_type) + "\",mx=\"" + escape_label(f.mx) +
               "\",dane=\"" + (f.dane ? "1" : "0") + "\"} " + std::to_string(f.failed_sessions) +
               "\n";
    }
    return out;
}

}  // namespace dk::ops
