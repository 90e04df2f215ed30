#include "service/observe/dns_view_adapter.h"

#include <algorithm>
#include <string_view>
#include <thread>

#include "base/log.h"
#include "zone/resolver/served_everywhere.h"

namespace dk::service {

Result<engine::OwnerView> DnsViewAdapter::summarise(const std::string& owner,
                                                    const std::vector<zone::ServerView>& servers) {
    const zone::ServerView& primary = servers.front();
    if (!primary.answered) return Error::environment("primary " + primary.problem);
    engine::OwnerView view;
    view.owner = owner;
    for (const auto& text : primary.rdatas) {
        auto record = parse_tlsa_rdata(text);
        if (record.ok()) view.at_primary.push_back(*record);
    }
    view.propagated = zone::served_everywhere(
        servers, primary.serial, [&](const auto& s) { return s.rdatas == primary.rdatas; });
    view.validated = true;
    std::vector<engine::ServedTtls> ttls;
    for (const auto& s : servers) {
        view.validated = view.validated && s.validated;
        ttls.push_back(served_ttls(s));
    }
    view.ttl_max = engine::owner_ttl_max(ttls);
    view.lagging = lagging_servers(servers);
    return view;
}

std::vector<std::string> DnsViewAdapter::lagging_servers(
    const std::vector<zone::ServerView>& servers) {
    std::vector<std::string> out;
    const zone::ServerView& primary = servers.front();
    for (const auto& s : servers) {
        const bool serves = s.answered && s.validated &&
                            zone::serial_at_least(s.serial, primary.serial) &&
                            s.rdatas == primary.rdatas;
        if (serves) continue;
        const std::string label = s.server.to_string() + " (" + zone::server_origin(s) + ")";
        if (!s.answered && zone::address_family(s.server.host) == "name") {
            out.push_back(s.problem);  // it names the NS name and why
        } else if (!s.problem.empty()) {
            // The problem starts with the address (the transport's too); the label adds the family
            // and NS name.
            const std::string prefix = s.server.to_string() + ": ";
            std::string_view why = s.problem;
            while (why.starts_with(prefix)) why.remove_prefix(prefix.size());
            out.push_back(label + ": " + std::string(why));
        } else {
            out.push_back(label + ": serial " + std::to_string(s.serial) + ", " +
                          std::to_string(s.rdatas.size()) + " TLSA, not yet the primary's");
        }
    }
    return out;
}

engine::ServedTtls served_ttls(const zone::ServerView& server) {
    return {server.ttl, server.rrsig_original_ttl, server.cname_ttl_max, server.negative_ttl,
            server.rdatas.empty()};
}

Result<std::vector<engine::OwnerView>> DnsViewAdapter::observe(
    const std::vector<std::string>& owners) {
    std::vector<engine::OwnerView> out;
    // Every owner on every server at once (bounded): the round trips overlap.
    const auto all = view_.observe_all(owners, clock_.now());
    for (std::size_t i = 0; i < owners.size(); ++i) {
        const std::string& owner = owners[i];
        const auto& servers = all[i];
        for (const auto& s : servers) {
            // A server that cannot be asked blocks every step that needs "served everywhere".
            if (!s.answered) {
                log::warn("dns.server_unanswered", {{"owner", owner},
                                                    {"server", s.server.to_string()},
                                                    {"family", zone::address_family(s.server.host)},
                                                    {"ns", s.ns_name},
                                                    {"problem", s.problem}});
            } else if (!s.problem.empty()) {
                log::debug("dns.server_problem", {{"owner", owner}, {"problem", s.problem}});
            }
        }
        DK_TRY(engine::OwnerView view, summarise(owner, servers));
        out.push_back(std::move(view));
    }
    return out;
}

Status DnsViewAdapter::await_propagation(const std::vector<std::string>& owners, Seconds deadline) {
    const auto start = std::chrono::steady_clock::now();
    const auto until = start + deadline;
    auto pause = std::chrono::milliseconds(20);
    std::string lagging;
    while (true) {
        lagging.clear();
        bool everywhere = true;
        const auto all = view_.observe_all(owners, clock_.now());
        for (std::size_t i = 0; i < owners.size(); ++i) {
            const auto& servers = all[i];
            auto view = summarise(owners[i], servers);
            // With a broken chain of trust nothing may validate: served everywhere is enough
            // here (the next observation and its alert decide).
            const bool validated_or_cannot =
                view.ok() && (view->validated || !trust_problems_.empty());
            if (view.ok() && view->propagated && validated_or_cannot) continue;
            everywhere = false;
            for (const auto& l : lagging_servers(servers)) lagging += " [" + l + "]";
        }
        if (everywhere) {
            const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - start);
            log::info("dns.propagated", {{"owners", static_cast<long long>(owners.size())},
                                         {"ms", static_cast<long long>(took.count())}});
            return {};
        }
        if (std::chrono::steady_clock::now() + pause > until) {
            return Error::environment("not served everywhere after " +
                                      std::to_string(deadline.count()) + " s; lagging:" + lagging);
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 3 / 2, std::chrono::milliseconds(500));
    }
}

}  // namespace dk::service
