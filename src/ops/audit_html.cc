#include "ops/audit_html.h"

#include <algorithm>
#include <cstdio>

#include "ops/audit_report.h"

namespace dk::ops {
namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the well-formed UTF-8 sequence at text[i], or 0.
std::size_t utf8_length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t n = 0;
    if (lead >= 0xC2 && lead <= 0xDF) n = 2;
    if (lead >= 0xE0 && lead <= 0xEF) n = 3;
    if (lead >= 0xF0 && lead <= 0xF4) n = 4;
    if (n == 0 || i + n > text.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
    }
    const unsigned char second = byte(i + 1);
    // No overlong forms, no surrogates, nothing past U+10FFFF.
    if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) ||
        (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F))
        return 0;
    return n;
}

std::string pass_text(bool pass) {
    return pass ? "PASS" : "FAIL";
}

std::string pass_cell(bool pass) {
    return std::string("<td class=\"") + (pass ? "pass" : "fail") + "\">" + pass_text(pass) +
           "</td>";
}

std::string cell(std::string_view text) {
    return "<td>" + html_escape(text) + "</td>";
}

constexpr std::string_view style = R"(
body{font-family:sans-serif;margin:1.5em;color:#1a1a1a;max-width:75em}
h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #999}h3{font-size:1.05em}
table{border-collapse:collapse;margin:.5em 0;width:100%}
th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eee}
td.ev{font-family:monospace;font-size:.85em;word-break:break-all}
td.t{white-space:nowrap}
.pass{background:#d7f0d7;color:#0b4d0b;font-weight:bold}
.fail{background:#f6d3d3;color:#7a0c0c;font-weight:bold}
.warning{background:#fbefc9}.error{background:#f6d3d3}
.verdict{display:inline-block;padding:.2em .6em;border-radius:.3em}
svg{border:1px solid #bbb;background:#fcfcfc;max-width:100%;height:auto}
svg text{font-family:sans-serif;font-size:11px}
.legend span{display:inline-block;margin-right:1.2em}
)";

// The share of each requirement family an item meets, as one cell: PASS or FAIL (n of m).
std::string family_cell(const AuditItem& item, std::string_view id) {
    std::size_t all = 0;
    std::size_t met = 0;
    for (const auto& r : item.requirements) {
        if (r.id != id) continue;
        ++all;
        met += r.pass ? 1 : 0;
    }
    if (all == 0) return "<td>-</td>";
    if (met == all) return pass_cell(true);
    return "<td class=\"fail\">FAIL (" + std::to_string(met) + " of " + std::to_string(all) +
           ")</td>";
}

std::string where(const AuditItem& item) {
    return item.endpoint + " [" + item.address +
           (item.algorithm.empty() ? "" : " " + item.algorithm) + "]";
}

std::string summary_section(const std::vector<AuditItem>& items) {
    std::string out =
        "<h2 id=\"requirements\">Requirements per endpoint, address and algorithm</h2>\n"
        "<table><tr><th>endpoint</th><th>address</th><th>algorithm</th><th>EMLREQ_2</th>"
        "<th>EMLREQ_4</th><th>EMLREQ_6</th><th>result</th></tr>\n";
    for (const auto& item : items) {
        out += "<tr>" + cell(item.endpoint) + cell(item.address) +
               cell(item.algorithm.empty() ? "-" : item.algorithm) + family_cell(item, "EMLREQ_2") +
               family_cell(item, "EMLREQ_4") + family_cell(item, "EMLREQ_6") +
               pass_cell(item.pass()) + "</tr>\n";
    }
    return out +
           "</table>\n<p>Each check with its evidence: <a href=\"#evidence\">below</a>.</p>\n";
}

std::string evidence_section(const std::vector<AuditItem>& items) {
    std::string out = "<h2 id=\"evidence\">Evidence per endpoint, address and algorithm</h2>\n";
    for (const auto& item : items) {
        out += "<h3>" + html_escape(where(item)) + " &#8212; " + pass_text(item.pass()) + " at " +
               iso_time(item.at) +
               "</h3>\n<table><tr><th>requirement</th><th>check</th>"
               "<th>result</th><th>evidence</th></tr>\n";
        for (const auto& r : item.requirements) {
            out += "<tr>" + cell(r.id) + cell(r.check) + pass_cell(r.pass) + "<td class=\"ev\">" +
                   html_escape(r.evidence) + "</td></tr>\n";
        }
        out += "</table>\n";
    }
    return out;
}

// The timeline's geometry: time runs left to right, one lane per row.
struct Geometry {
    const Timeline& t;
    static constexpr int width = 1000;
    static constexpr int label = 130;  // the lane names' column
    static constexpr int right = 20;
    static constexpr int top = 34;  // the date axis
    static constexpr int lane = 34;
    [[nodiscard]] int height() const { return top + lane * static_cast<int>(t.lanes.size()) + 10; }
    [[nodiscard]] double x(TimePoint at) const {
        const double all =
            std::max(1.0, static_cast<double>(unix_seconds(t.to) - unix_seconds(t.from)));
        const double part = static_cast<double>(unix_seconds(at) - unix_seconds(t.from));
        return label + (width - label - right) * std::clamp(part / all, 0.0, 1.0);
    }
    [[nodiscard]] int y(const std::string& name) const {
        const auto it = std::find(t.lanes.begin(), t.lanes.end(), name);
        return top + lane * static_cast<int>(it - t.lanes.begin()) + lane / 2;
    }
};

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

std::string svg_axis(const Geometry& g) {
    std::string out;
    const long long from = unix_seconds(g.t.from);
    const long long to = unix_seconds(g.t.to);
    const long long days = std::max<long long>(1, (to - from) / 86400);
    const long long step = 86400 * std::max<long long>(1, (days + 9) / 10);
    for (long long at = (from / 86400 + 1) * 86400; at <= to; at += step) {
        const std::string x = number(g.x(from_unix_seconds(at)));
        out += "<line x1=\"" + x + "\" y1=\"" + std::to_string(g.top - 6) + "\" x2=\"" + x +
               "\" y2=\"" + std::to_string(g.height() - 10) + "\" stroke=\"#ddd\"/>\n";
        out += "<text x=\"" + x + "\" y=\"" + std::to_string(g.top - 10) +
               "\" text-anchor=\"middle\">" + iso_time(from_unix_seconds(at)).substr(5, 5) +
               "</text>\n";
    }
    for (std::size_t i = 0; i < g.t.lanes.size(); ++i) {
        const int y = g.y(g.t.lanes[i]);
        out += "<line x1=\"" + std::to_string(g.label) + "\" y1=\"" + std::to_string(y) +
               "\" x2=\"" + std::to_string(g.width - g.right) + "\" y2=\"" + std::to_string(y) +
               "\" stroke=\"#bbb\"/>\n<text x=\"6\" y=\"" + std::to_string(y + 4) + "\">" +
               html_escape(g.t.lanes[i]) + "</text>\n";
    }
    const std::string now = number(g.x(g.t.now));
    out += "<line x1=\"" + now + "\" y1=\"" + std::to_string(g.top - 4) + "\" x2=\"" + now +
           "\" y2=\"" + std::to_string(g.height() - 10) +
           "\" stroke=\"#c00\" stroke-dasharray=\"4 3\"/>\n<text x=\"" + now +
           "\" y=\"12\" "
           "text-anchor=\"middle\" fill=\"#c00\">now</text>\n";
    return out;
}

std::string svg_span(const Geometry& g, const TimelineSpan& w) {
    const double x1 = g.x(w.from);
    const double x2 = std::max(g.x(w.to), x1 + 4);  // a short range stays visible
    const bool waiting = w.kind == SpanKind::waiting;
    return "<rect x=\"" + number(x1) + "\" y=\"" + std::to_string(g.y(w.lane) - 9) + "\" width=\"" +
           number(x2 - x1) + "\" height=\"18\" fill=\"" + (waiting ? "#9cc3f0" : "#f0a0a0") +
           "\" fill-opacity=\"0.7\"><title>" +
           html_escape(iso_time(w.from) + " to " + iso_time(w.to) + ": " + w.text) +
           "</title></rect>\n";
}

// One shape per kind of mark, centred on (x, y).
std::string mark_shape(MarkKind kind, const std::string& x, int y) {
    const std::string cy = std::to_string(y);
    const auto path = [&](const char* d, const char* fill, const char* stroke = "#333",
                          const char* stroke_width = "0.6") {
        return std::string("<path transform=\"translate(") + x + " " + cy + ")\" d=\"" + d +
               "\" fill=\"" + fill + "\" stroke=\"" + stroke + "\" stroke-width=\"" + stroke_width +
               "\">";
    };
    switch (kind) {
        case MarkKind::published:
            return path("M0 -7 L6 4 L-6 4 Z", "#2e9d2e");
        case MarkKind::retired:
            return path("M0 7 L6 -4 L-6 -4 Z", "#888");
        case MarkKind::t1:
            return "<circle cx=\"" + x + "\" cy=\"" + cy + "\" r=\"5\" fill=\"#1f5fbf\">";
        case MarkKind::key_switch:
            return path("M0 -12 L7 0 L0 12 L-7 0 Z", "#7b2fb5");
        case MarkKind::deploy:
            return path("M-4 -4 H4 V4 H-4 Z", "#e08a00");
        case MarkKind::rrsig_expiry:
            return path("M-6 -6 L6 6 M6 -6 L-6 6", "none", "#a00", "2.5");
        case MarkKind::alert:
            return "<circle cx=\"" + x + "\" cy=\"" + cy + "\" r=\"6\" fill=\"#d00\">";
    }
    return "<g>";
}

std::string closing(MarkKind kind) {
    switch (kind) {
        case MarkKind::t1:
        case MarkKind::alert:
            return "</circle>";
        default:
            return "</path>";
    }
}

std::string svg_mark(const Geometry& g, const TimelineMark& m) {
    return mark_shape(m.kind, number(g.x(m.at)), g.y(m.lane)) + "<title>" +
           html_escape(iso_time(m.at) + " " + m.lane + ": " + m.text) + "</title>" +
           closing(m.kind) + "\n";
}

std::string timeline_table(const Timeline& t) {
    struct Row {
        TimePoint at;
        std::string lane, what, detail;
    };
    std::vector<Row> rows;
    for (const auto& m : t.marks)
        rows.push_back({m.at, m.lane, std::string(to_string(m.kind)), m.text});
    for (const auto& w : t.spans) {
        rows.push_back({w.from, w.lane,
                        w.kind == SpanKind::waiting ? "waiting window" : "TLSRPT failures",
                        "until " + iso_time(w.to) + ": " + w.text});
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const Row& a, const Row& b) { return a.at < b.at; });
    if (rows.empty()) return "<p>Nothing happened in this period.</p>\n";
    std::string out =
        "<table><tr><th>time (UTC)</th><th>lane</th><th>event</th><th>details</th>"
        "</tr>\n";
    for (const auto& r : rows) {
        out += "<tr><td class=\"t\">" + iso_time(r.at) + "</td>" + cell(r.lane) + cell(r.what) +
               "<td class=\"ev\">" + html_escape(r.detail) + "</td></tr>\n";
    }
    return out + "</table>\n";
}

std::string timeline_section(const AuditPage& page) {
    const Timeline& t = page.timeline;
    const Geometry g{t};
    std::string out = "<h2 id=\"timeline\">Timeline: the last " + std::to_string(page.days) +
                      " days</h2>\n<p>From " + iso_time(t.from) + " to " + iso_time(t.to) +
                      " (UTC); hover over a mark for its details, listed below as well.</p>\n";
    out +=
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"timeline\" "
        "width=\"" +
        std::to_string(g.width) + "\" height=\"" + std::to_string(g.height()) +
        "\" viewBox=\"0 0 " + std::to_string(g.width) + " " + std::to_string(g.height()) + "\">\n";
    out += svg_axis(g);
    for (const auto& w : t.spans) out += svg_span(g, w);
    for (const auto& m : t.marks) out += svg_mark(g, m);
    out +=
        "</svg>\n<p class=\"legend\"><span>&#9650; TLSA record published</span>"
        "<span>&#9660; TLSA record retired</span><span>&#9679; t1 (served everywhere)</span>"
        "<span>&#9670; key switch</span><span>&#9632; deployment</span>"
        "<span>&#10005; RRSIG expiry</span><span>blue band: waiting window (t1 to the "
        "earliest switch)</span><span>red band: TLSRPT failures</span></p>\n";
    return out + timeline_table(t);
}

std::string lint_section(const std::vector<Finding>& findings) {
    std::string out = "<h2 id=\"lint\">Lint findings</h2>\n";
    if (findings.empty()) return out + "<p>No findings.</p>\n";
    out += "<table><tr><th>severity</th><th>rule</th><th>where</th><th>message</th></tr>\n";
    for (const auto& f : findings) {
        const std::string severity(to_string(f.severity));
        out += "<tr><td class=\"" + severity + "\">" + severity + "</td>" + cell(f.rule) +
               cell(f.where) + cell(f.message) + "</tr>\n";
    }
    return out + "</table>\n";
}

std::string senders_section(const std::vector<std::string>& lines) {
    std::string out = "<h2 id=\"tlsrpt\">What senders reported (TLSRPT, RFC 8460)</h2>\n";
    if (lines.empty()) return out + "<p>No reports in the last 7 days.</p>\n";
    out += "<ul>\n";
    for (const auto& l : lines) out += "<li>" + html_escape(l) + "</li>\n";
    return out + "</ul>\n";
}

}  // namespace

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            const std::size_t n = utf8_length(text, i);
            out += n == 0 ? replacement : text.substr(i, n);
            i += n == 0 ? 1 : n;
            continue;
        }
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F)
                    out += replacement;
                else
                    out += static_cast<char>(c);
        }
        ++i;
    }
    return out;
}

std::string render_audit_html(const AuditPage& page) {
    const bool pass = audit_pass(page.items, page.findings);
    std::size_t failed = 0;
    for (const auto& item : page.items) failed += item.pass() ? 0 : 1;
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>DANE audit " +
        iso_time(page.now) + ": " + pass_text(pass) + "</title>\n<style>" + std::string(style) +
        "</style>\n</head>\n<body>\n";
    out += "<h1>DANE audit (BSI TR-03108-1): <span class=\"verdict " +
           std::string(pass ? "pass" : "fail") + "\">" + pass_text(pass) + "</span></h1>\n";
    out += "<p>At " + iso_time(page.now) + ": " + std::to_string(page.items.size()) +
           " endpoint addresses, " + std::to_string(failed) + " failed; " +
           std::to_string(page.findings.size()) +
           " lint findings. The audit passes when every requirement at every address is met and "
           "the lint found no error.</p>\n";
    out +=
        "<p><a href=\"#requirements\">Requirements</a> &#183; <a href=\"#timeline\">Timeline"
        "</a> &#183; <a href=\"#lint\">Lint</a> &#183; <a href=\"#tlsrpt\">Senders' reports"
        "</a> &#183; <a href=\"#evidence\">Evidence</a></p>\n";
    out += summary_section(page.items);
    out += timeline_section(page);
    out += lint_section(page.findings);
    out += senders_section(page.sender_lines);
    out += evidence_section(page.items);
    out += "<hr>\n<p>Written by " + html_escape(page.generator) + " at " + iso_time(page.now) +
           ".</p>\n</body>\n</html>\n";
    return out;
}

}  // namespace dk::ops
