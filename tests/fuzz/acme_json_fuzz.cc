// Fuzzes the parsers of what an ACME server sends: never crash; a problem's one line has no
// control byte and stays bounded; a parsed directory only holds https URLs; a document read at
// all is nested at most max_json_depth deep (the seeds deep_* are nested far deeper).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "acme/directory.h"
#include "acme/json_reply.h"
#include "acme/problem.h"
#include "acme/retry.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 64 * 1024) return 0;  // server answers we read are small; keeps each run quick
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    if (auto doc = dk::acme::parse_json_reply(body, "fuzz"); doc.ok()) {
        // dump() recurses once per level: the bounded depth keeps it off the stack's edge.
        (void)doc->dump();
    }
    if (auto p = dk::acme::parse_problem(body)) {
        const std::string line = p->one_line();
        for (unsigned char c : line) {
            if (c < 0x20 || c == 0x7f) std::abort();
        }
        if (line.size() > 12 * 1024) std::abort();
    }
    if (auto d = dk::acme::parse_directory(body, "fuzz"); d.ok()) {
        if (!dk::acme::https_url(d->new_nonce) || !dk::acme::https_url(d->new_order) ||
            !dk::acme::https_url(d->new_account))
            std::abort();
    }
    if (auto o = dk::acme::parse_order(body, "fuzz"); o.ok()) {
        for (const auto& a : o->authorizations) {
            if (!dk::acme::https_url(a)) std::abort();
        }
    }
    if (auto a = dk::acme::parse_authorization(body, "fuzz"); a.ok()) {
        for (const auto& c : a->challenges) {
            if (c.token.find('/') != std::string::npos || c.token.find('.') != std::string::npos)
                std::abort();
        }
    }
    if (auto w = dk::acme::parse_renewal_info(body, "fuzz"); w.ok() && !(w->start < w->end))
        std::abort();
    (void)dk::acme::parse_retry_after(body, dk::from_unix_seconds(0));
    return 0;
}
