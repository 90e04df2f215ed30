#include "acme/json_reply.h"

namespace dk::acme {

Result<nlohmann::json> parse_json_reply(std::string_view body, const std::string& source) {
    using nlohmann::json;
    // The callback sees every container as it opens, at the depth of its parent (0 for the
    // document itself); a deeper one is dropped unbuilt and the document refused afterwards.
    bool too_deep = false;
    const json::parser_callback_t bound = [&too_deep](int depth, json::parse_event_t event, json&) {
        const bool opens =
            event == json::parse_event_t::object_start || event == json::parse_event_t::array_start;
        if (opens && depth >= max_json_depth) too_deep = true;
        return !too_deep;
    };
    auto doc = json::parse(body, bound, false);
    if (too_deep)
        return Error::environment(source + ": JSON nested deeper than " +
                                  std::to_string(max_json_depth) + " levels");
    if (doc.is_discarded()) return Error::environment(source + ": not JSON");
    return doc;
}

}  // namespace dk::acme
