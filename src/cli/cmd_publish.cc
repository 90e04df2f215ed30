// danekeeper publish: add/remove single records through RFC 2136 + TSIG, guarded by the RRsets
// read from the primary just before.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/strings.h"
#include "cli/handlers.h"
#include "cli/verb_options.h"
#include "zone/publisher.h"

namespace dk::cli {
namespace {

struct PublishArgs {
    std::string zone;
    HostPort server;
    zone::TsigKey key;
    std::vector<zone::RecordChange> changes;
    bool dry_run = false;
    bool json = false;
};

// "OWNER [TTL] [IN] TYPE RDATA..." as given to --add (TTL required) or --remove (TTL ignored).
// One record per option: a line break or other control character is refused (the text after it
// was dropped unseen).
Result<zone::RecordChange> parse_change(const std::string& text, zone::ChangeAction action,
                                        const std::string& zone_name) {
    if (std::any_of(text.begin(), text.end(),
                    [](unsigned char ch) { return ch < 0x20 || ch == 0x7f; }))
        return Error::bad_input("a control character in the record (one record per option)");
    std::istringstream in(text);
    std::string owner, word;
    in >> owner >> word;
    zone::RecordChange change;
    change.action = action;
    const bool has_ttl = !word.empty() && word.find_first_not_of("0123456789") == std::string::npos;
    if (has_ttl) {
        change.ttl = static_cast<std::uint32_t>(std::stoul(word.substr(0, 9)));
        in >> word;
    } else if (action == zone::ChangeAction::add) {
        return Error::bad_input("expected OWNER TTL TYPE RDATA");
    }
    if (word == "IN" || word == "in") in >> word;
    const auto type = zone::rr_type_by_name(word);
    if (word.empty() || !type) {
        return Error::bad_input("unknown record type \"" + word + "\"");
    }
    change.type = *type;
    std::getline(in >> std::ws, change.rdata);
    DK_TRY(change.owner, zone::absolute_owner(owner, zone_name));
    DK_TRY(change.rdata, zone::canonical_rdata(change.type, change.rdata));
    return change;
}

void add_options(VerbOptions& options) {
    options.add()("zone", "zone", cxxopts::value<std::string>())("server", "primary IP:PORT",
                                                                 cxxopts::value<std::string>())(
        "tsig-key", "BIND-format key file", cxxopts::value<std::string>())(
        "key-name", "key to use from the file", cxxopts::value<std::string>())(
        "add", "\"OWNER TTL TYPE RDATA\"", cxxopts::value<std::vector<std::string>>())(
        "remove", "\"OWNER TYPE RDATA\"", cxxopts::value<std::vector<std::string>>())("dry-run",
                                                                                      "plan only");
    options.json();
}

Result<PublishArgs> parse_args(const cxxopts::ParseResult& opts) {
    for (const char* required : {"zone", "server", "tsig-key"}) {
        if (opts.count(required) == 0) {
            return Error::bad_input(std::string("publish: --") + required + " is required");
        }
    }
    PublishArgs args;
    args.zone = absolute_name(opts["zone"].as<std::string>());
    DK_TRY(args.zone, zone::absolute_owner("@", args.zone));
    DK_TRY(args.server, parse_host_port(opts["server"].as<std::string>(), 53));
    std::optional<std::string> key_name;
    if (opts.count("key-name") != 0) key_name = opts["key-name"].as<std::string>();
    DK_TRY(args.key, zone::load_tsig_key(opts["tsig-key"].as<std::string>(), key_name));
    for (const auto& [flag, action] : {std::pair{"add", zone::ChangeAction::add},
                                       std::pair{"remove", zone::ChangeAction::remove}}) {
        if (opts.count(flag) == 0) continue;
        for (const auto& text : opts[flag].as<std::vector<std::string>>()) {
            auto change = parse_change(text, action, args.zone);
            if (!change.ok())
                return change.error().context(std::string("--") + flag + " \"" + printable(text) +
                                              "\"");
            args.changes.push_back(std::move(*change));
        }
    }
    if (args.changes.empty())
        return Error::bad_input("publish: nothing to do: give --add or --remove");
    args.dry_run = opts.count("dry-run") != 0;
    args.json = opts.count("json") != 0;
    return args;
}

// Reads the current RRset of every touched owner + type: the prerequisites of the update.
Result<zone::ZoneChange> read_current(zone::Publisher& publisher, const PublishArgs& args) {
    zone::ZoneChange change{args.zone, args.changes, {}};
    for (const auto& c : args.changes) {
        bool known = false;
        for (const auto& r : change.expected)
            known = known || (r.owner == c.owner && r.type == c.type);
        if (known) continue;
        DK_TRY(auto rrset, publisher.read_rrset(c.owner, c.type));
        change.expected.push_back(std::move(rrset));
    }
    return change;
}

nlohmann::json change_json(const zone::RecordChange& c) {
    return {{"action", c.action == zone::ChangeAction::add ? "add" : "remove"},
            {"owner", c.owner},
            {"type", zone::rr_type_name(c.type)},
            {"ttl", c.ttl},
            {"rdata", c.rdata}};
}

void print_plan(const zone::ZoneChange& delta, const PublishArgs& args, nlohmann::json& out) {
    out["plan"] = nlohmann::json::array();
    for (const auto& c : delta.changes) out["plan"].push_back(change_json(c));
    out["guard"] = nlohmann::json::array();
    for (const auto& r : delta.expected) {
        out["guard"].push_back(
            {{"owner", r.owner}, {"type", zone::rr_type_name(r.type)}, {"rdatas", r.rdatas}});
    }
    if (args.json) return;
    for (const auto& c : delta.changes) {
        const bool add = c.action == zone::ChangeAction::add;
        std::printf("%s %s %s%s %s\n", add ? "add   " : "remove", c.owner.c_str(),
                    add ? (std::to_string(c.ttl) + " ").c_str() : "",
                    zone::rr_type_name(c.type).c_str(), c.rdata.c_str());
    }
    for (const auto& r : delta.expected) {
        std::printf("guard  %s %s: %zu record(s) as read\n", r.owner.c_str(),
                    zone::rr_type_name(r.type).c_str(), r.rdatas.size());
    }
    if (delta.changes.empty()) std::printf("nothing to change\n");
}

int report(const zone::UpdateResult& result, const PublishArgs& args, nlohmann::json& out) {
    out["outcome"] = zone::to_string(result.outcome);
    out["rcode"] = result.rcode;
    out["message"] = result.message;
    out["attempts"] = result.attempts;
    out["confirmed"] = result.confirmed;
    out["serial"] = result.serial ? nlohmann::json(*result.serial) : nlohmann::json(nullptr);
    if (args.json) {
        std::printf("%s\n", out.dump().c_str());
    } else {
        std::printf("outcome %s", std::string(zone::to_string(result.outcome)).c_str());
        if (result.serial) std::printf(" serial %u", *result.serial);
        if (result.outcome == zone::UpdateOutcome::applied) {
            std::printf("%s", result.confirmed ? " (served by the primary)" : " (not yet served)");
        }
        std::printf("\n");
    }
    const bool ok = result.outcome == zone::UpdateOutcome::applied ||
                    result.outcome == zone::UpdateOutcome::unchanged;
    return ok ? 0 : fail(zone::to_error(result));
}

}  // namespace

int run_publish(const Invocation& invocation) {
    VerbOptions options(invocation, "Add or remove single records by RFC 2136");
    add_options(options);
    if (auto stop = options.parse()) return *stop;
    auto args = parse_args(options.result());
    if (!args) return fail(args.error());
    zone::Rfc2136Publisher publisher({args->server, args->key});
    auto change = read_current(publisher, *args);
    if (!change) return fail(change.error());
    auto delta = zone::minimal_delta(*change);
    if (!delta) return fail(delta.error());
    nlohmann::json out{
        {"zone", args->zone}, {"server", args->server.to_string()}, {"dry_run", args->dry_run}};
    print_plan(*delta, *args, out);
    if (args->dry_run) {
        if (args->json) std::printf("%s\n", out.dump().c_str());
        return 0;
    }
    auto result = publisher.apply(*change);
    if (!result) return fail(result.error());
    return report(*result, *args, out);
}

}  // namespace dk::cli
