// What senders reported lately, for `status` and `audit`: the reports whose date range ended in
// the metrics window (ops::tlsrpt_metrics_window, 7 days) summed up, and the DANE alerts raised
// in it with the rollover steps they named.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "db/store.h"
#include "service/tlsrpt/summary.h"

namespace dk::service {

struct TlsrptStanding {
    Seconds window{};
    TlsrptSummary summary;
    std::vector<db::Event> alerts;  // tlsrpt_dane_failures events, oldest first
};

Result<TlsrptStanding> tlsrpt_standing(db::Store& store, TimePoint now, Seconds window);

// Text lines ("tlsrpt: 2 reports in the last 7 days, 9 DANE-failed sessions", a line per DANE
// failure group and per alert); none when nothing was reported.
std::vector<std::string> standing_lines(const TlsrptStanding& standing);

nlohmann::json standing_json(const TlsrptStanding& standing);

}  // namespace dk::service
