// Coordinator reports: totals without names (coord_ops.hpp). Index:
//   [SECTION] Gathering
//   [SECTION] Text
//   [SECTION] CSV
//   [SECTION] HTML with inline SVG charts
#include "embassy/sync/coord_ops.hpp"

#include "embassy/registry/text.hpp"

#include <algorithm>
#include <ctime>
#include <sstream>

namespace embassy::sync {

// [SECTION] Gathering
namespace {

// The four figures of a set of signature rows (alias s).
constexpr const char* kFigures =
    "count(*), sum(s.duplicate_of IS NULL AND s.withdrawn_at IS NULL), "
    "sum(s.duplicate_of IS NOT NULL AND s.withdrawn_at IS NULL), sum(s.withdrawn_at IS NOT NULL)";

Result<std::vector<Tally>> tallies(registry::Database& db, const std::string& key_expr, bool by_appeal,
                                   const std::string& joins, const std::string& order) {
    std::string sql = "SELECT " + key_expr + ", " + (by_appeal ? "s.appeal_id" : "''") + ", " + kFigures +
                      " FROM signatures s " + joins + " GROUP BY 1, 2 ORDER BY " + order;
    auto st = db.prepare(sql);
    if (!st) return st.error();
    std::vector<Tally> out;
    while (true) {
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) break;
        out.push_back({st->column_text(0), st->column_text(1), st->column_int(2), st->column_int(3), st->column_int(4),
                       st->column_int(5)});
    }
    return out;
}

// The gaps below the waiting batch numbers, given the last one imported: one range per gap.
std::vector<SeqRange> gaps_before(std::uint64_t last, std::vector<std::uint64_t> waiting) {
    std::sort(waiting.begin(), waiting.end());
    std::vector<SeqRange> out;
    std::uint64_t have = last;
    for (std::uint64_t w : waiting) {
        if (w > have && w - have > 1) out.push_back({have + 1, w - 1});  // no overflow at 2^64 - 1
        have = std::max(have, w);
    }
    return out;
}

}  // namespace

std::string seq_ranges_text(const std::vector<SeqRange>& ranges) {
    std::string out;
    for (const auto& r : ranges) {
        if (!out.empty()) out += ", ";
        out += std::to_string(r.first);
        if (r.last != r.first) out += ".." + std::to_string(r.last);
    }
    return out;
}

Result<CoordReport> build_report(Coordinator& c, std::int64_t now_unix) {
    auto& db = c.db();
    CoordReport r;
    r.coordinator_name = c.keys().identity.name;
    r.coordinator_fingerprint = c.keys().identity.fingerprint();
    r.generated_unix = now_unix;
    auto members = db.query_int("SELECT count(*) FROM members WHERE merged_into IS NULL");  // coord merge: one person
    if (!members) return members.error();
    r.members = *members;
    // A member joined if any of their registrations asked to (signatures carry their registration).
    auto joins = db.query_int("SELECT count(*) FROM (SELECT member FROM signatures WHERE join_registry = 1 "
                              "UNION SELECT member FROM registrations WHERE join_registry = 1)");
    if (!joins) return joins.error();
    r.registry_joins = *joins;

    auto a = tallies(db, "s.appeal_id", false, "", "1");
    if (!a) return a.error();
    r.appeals = std::move(*a);
    for (auto& t : r.appeals) t.appeal = t.key;
    auto e = tallies(db, "e.date || ' ' || e.name || ' (' || e.city || ', ' || e.country || ')'", true,
                     "JOIN events e ON e.id = s.event", "1, 2");
    if (!e) return e.error();
    r.events = std::move(*e);
    auto co = tallies(db, "s.country", false, "", "3 DESC, 1");
    if (!co) return co.error();
    r.countries = std::move(*co);
    // A minute beyond what a date can show (the import bounds minutes; older rows or another
    // writer may hold any 64-bit value) is one "?" day rather than an empty or odd key.
    auto d = tallies(db, "coalesce(date(s.unix_minute * 60, 'unixepoch'), '?')", false, "", "1");
    if (!d) return d.error();
    r.days = std::move(*d);
    auto k = tallies(db, "k.fingerprint", true, "JOIN kiosks k ON k.id = s.kiosk", "1, 2");
    if (!k) return k.error();
    r.kiosk_tallies = std::move(*k);

    for (const auto& kiosk : c.kiosks()) {
        KioskSummary s;
        s.fingerprint = kiosk.fingerprint;
        s.name = kiosk.name;
        s.last_seq = kiosk.last_seq;
        auto st = db.prepare("SELECT count(*), coalesce(sum(signatures), 0) FROM batches WHERE kiosk = ?1");
        if (!st) return st.error();
        st->bind(1, kiosk.id);
        if (auto row = st->step(); row && *row) {
            s.batches = st->column_int(0);
            s.signatures = st->column_int(1);
        }
        auto q = db.prepare("SELECT DISTINCT seq FROM quarantine WHERE kiosk = ?1 ORDER BY seq");
        if (!q) return q.error();
        q->bind(1, kiosk.id);
        std::vector<std::uint64_t> waiting;  // stored as signed 64-bit: read back as the seq it was
        while (true) {
            auto row = q->step();
            if (!row) return row.error();
            if (!*row) break;
            waiting.push_back(static_cast<std::uint64_t>(q->column_int(0)));
        }
        s.quarantined = static_cast<std::int64_t>(waiting.size());
        s.gaps = gaps_before(s.last_seq, std::move(waiting));
        s.missing = seq_ranges_text(s.gaps);
        r.kiosks.push_back(std::move(s));
    }

    auto al = db.prepare("SELECT a.kind, coalesce(k.fingerprint, '?'), a.seq, a.detail, "
                         "coalesce(datetime(a.raised_at, 'unixepoch'), '?'), a.repeats, coalesce(datetime(a.last_seen, 'unixepoch'), '?') "
                         "FROM alarms a LEFT JOIN kiosks k ON k.id = a.kiosk ORDER BY a.id");
    if (!al) return al.error();
    while (true) {
        auto row = al->step();
        if (!row) return row.error();
        if (!*row) break;
        const std::int64_t repeats = al->column_int(5);
        r.alarms.push_back(al->column_text(4) + " UTC  " + al->column_text(0) + "  kiosk " + al->column_text(1) + "  batch " +
                           std::to_string(static_cast<std::uint64_t>(al->column_int(2))) + ": " + al->column_text(3) +
                           (repeats > 1 ? "  (seen " + std::to_string(repeats) + " times, last " + al->column_text(6) + " UTC)" : ""));
    }
    return r;
}

namespace {

std::string utc(std::int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    char buf[64];
    if (gmtime_r(&tt, &tm) == nullptr || std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm) == 0)
        return "unix time " + std::to_string(t);  // beyond the calendar gmtime knows
    return buf;
}

Tally total_of(const std::vector<Tally>& v) {
    Tally t;
    t.key = "all";
    for (const auto& x : v) {
        t.received += x.received;
        t.counted += x.counted;
        t.duplicates += x.duplicates;
        t.withdrawn += x.withdrawn;
    }
    return t;
}

}  // namespace

// [SECTION] Text

std::string report_text(const CoordReport& r) {
    std::ostringstream o;
    Tally all = total_of(r.appeals);
    o << "coordinator " << r.coordinator_fingerprint << ", report of " << utc(r.generated_unix) << "\n"
      << "signatures: " << all.counted << " counted (" << all.received << " received, " << all.duplicates << " duplicates, "
      << all.withdrawn << " withdrawn); members: " << r.members << " (" << r.registry_joins << " joined the registry)\n";
    o << "per appeal:\n";
    for (const auto& t : r.appeals)
        o << "  " << registry::terminal_safe(t.key) << ": " << t.counted << " counted, " << t.duplicates << " duplicates, " << t.withdrawn << " withdrawn\n";
    o << "kiosks:\n";
    for (const auto& k : r.kiosks) {
        o << "  " << k.fingerprint << " (" << registry::terminal_safe(k.name) << "): " << k.batches << " batches, last " << k.last_seq << ", "
          << k.signatures << " signatures";
        if (k.quarantined > 0) o << "; " << k.quarantined << " quarantined, MISSING batch " << k.missing;
        o << "\n";
    }
    for (const auto& a : r.alarms) o << "ALARM " << registry::terminal_safe(a) << "\n";   // details may quote a batch
    return o.str();
}

// [SECTION] CSV

std::string report_csv(const CoordReport& r) {
    std::ostringstream o;
    o << "section,key,appeal,received,counted,duplicates,withdrawn\r\n";
    auto rows = [&](const char* section, const std::vector<Tally>& v) {
        for (const auto& t : v)
            o << section << ',' << csv_cell(t.key) << ',' << csv_cell(t.appeal) << ',' << t.received << ',' << t.counted << ','
              << t.duplicates << ',' << t.withdrawn << "\r\n";
    };
    Tally all = total_of(r.appeals);
    rows("total", {all});
    rows("appeal", r.appeals);
    rows("event", r.events);
    rows("country", r.countries);
    rows("kiosk", r.kiosk_tallies);
    rows("day", r.days);
    for (const auto& k : r.kiosks)
        if (!k.missing.empty()) o << "gap," << csv_cell(k.fingerprint) << ",," << csv_cell(k.missing) << ",,,\r\n";
    return o.str();
}

// [SECTION] HTML with inline SVG charts

namespace {

// Controls, bidi controls and invalid UTF-8 first made visible (terminal_safe: a report opened in
// a browser or printed must not show spoofed text), then the HTML specials.
std::string esc(std::string_view raw) {
    const std::string s = registry::terminal_safe(raw);
    std::string o;
    for (char c : s) {
        switch (c) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            case '\'': o += "&#39;"; break;
            default: o += c;
        }
    }
    return o;
}

// Vertical bars (days) or horizontal bars (countries); plain SVG, no script, so it prints.
std::string bar_chart(const std::vector<Tally>& v, bool horizontal, const std::string& title) {
    std::ostringstream o;
    std::int64_t max = 1;
    for (const auto& t : v) max = std::max(max, t.counted);
    if (v.empty()) return "<p class=\"empty\">" + esc(title) + ": no data</p>";
    if (horizontal) {
        const int row = 22, label = 60, width = 640;
        const int height = static_cast<int>(v.size()) * row + 10;
        o << "<svg role=\"img\" aria-label=\"" << esc(title) << "\" viewBox=\"0 0 " << width << " " << height << "\" width=\"" << width
          << "\" height=\"" << height << "\">";
        int y = 5;
        for (const auto& t : v) {
            const int w = static_cast<int>((width - label - 70) * t.counted / max);
            o << "<text x=\"0\" y=\"" << y + 15 << "\">" << esc(t.key) << "</text><rect x=\"" << label << "\" y=\"" << y + 3
              << "\" width=\"" << std::max(w, 1) << "\" height=\"" << row - 6 << "\"/><text x=\"" << label + w + 6 << "\" y=\""
              << y + 15 << "\">" << t.counted << "</text>";
            y += row;
        }
        o << "</svg>";
        return o.str();
    }
    const int height = 220, base = 180, left = 50;
    const int bar = std::clamp(600 / static_cast<int>(v.size()), 4, 40);
    const int width = left + bar * static_cast<int>(v.size()) + 20;
    o << "<svg role=\"img\" aria-label=\"" << esc(title) << "\" viewBox=\"0 0 " << width << " " << height << "\" width=\"" << width
      << "\" height=\"" << height << "\">";
    o << "<line x1=\"" << left << "\" y1=\"" << base << "\" x2=\"" << width - 10 << "\" y2=\"" << base << "\" class=\"axis\"/>";
    o << "<text x=\"0\" y=\"15\">" << max << "</text><text x=\"0\" y=\"" << base << "\">0</text>";
    int x = left;
    const std::size_t label_every = std::max<std::size_t>(1, v.size() / 8);
    for (std::size_t i = 0; i < v.size(); ++i) {
        const auto& t = v[i];
        const int h = static_cast<int>((base - 20) * t.counted / max);
        o << "<rect x=\"" << x + 1 << "\" y=\"" << base - h << "\" width=\"" << bar - 2 << "\" height=\"" << h << "\"><title>"
          << esc(t.key) << ": " << t.counted << "</title></rect>";
        if (i % label_every == 0)
            o << "<text x=\"" << x << "\" y=\"" << base + 16 << "\" class=\"small\">"
              << esc(t.key.size() > 5 ? std::string_view(t.key).substr(5) : std::string_view(t.key)) << "</text>";  // MM-DD
        x += bar;
    }
    o << "</svg>";
    return o.str();
}

void table(std::ostringstream& o, const std::string& title, const char* key_name, const std::vector<Tally>& v, bool with_appeal) {
    o << "<h2>" << esc(title) << "</h2><table><thead><tr><th>" << key_name << "</th>";
    if (with_appeal) o << "<th>appeal</th>";
    o << "<th class=\"n\">counted</th><th class=\"n\">duplicates</th><th class=\"n\">withdrawn</th><th class=\"n\">received</th></tr></thead><tbody>";
    for (const auto& t : v) {
        o << "<tr><td>" << esc(t.key) << "</td>";
        if (with_appeal) o << "<td>" << esc(t.appeal) << "</td>";
        o << "<td class=\"n\">" << t.counted << "</td><td class=\"n\">" << t.duplicates << "</td><td class=\"n\">" << t.withdrawn
          << "</td><td class=\"n\">" << t.received << "</td></tr>";
    }
    o << "</tbody></table>";
}

}  // namespace

std::string report_html(const CoordReport& r) {
    std::ostringstream o;
    Tally all = total_of(r.appeals);
    o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signatures report</title><style>"
         "body{font-family:sans-serif;margin:2em;color:#111}h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}"
         "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #999;padding:.25em .6em;text-align:left}"
         "td.n,th.n{text-align:right}svg rect{fill:#8a1c1c}svg text{font-size:12px;fill:#111}svg text.small{font-size:10px}"
         "svg .axis{stroke:#555}.alarm{color:#b00;font-weight:bold}.summary{font-size:1.1em}"
         "@media print{body{margin:1cm}h2{page-break-after:avoid}table,svg{page-break-inside:avoid}}"
         "</style></head><body>\n";
    o << "<h1>Signatures report</h1><p>Coordinator " << esc(r.coordinator_name) << " (" << esc(r.coordinator_fingerprint)
      << "), generated " << esc(utc(r.generated_unix)) << ".</p>";
    o << "<p class=\"summary\"><b>" << all.counted << "</b> signatures counted (" << all.received << " received, "
      << all.duplicates << " duplicates removed, " << all.withdrawn << " withdrawn); " << r.members << " members, "
      << r.registry_joins << " joined the registry.</p>";
    for (const auto& a : r.alarms) o << "<p class=\"alarm\">ALARM " << esc(a) << "</p>";
    for (const auto& k : r.kiosks)
        if (!k.missing.empty())
            o << "<p class=\"alarm\">Gap: kiosk " << esc(k.fingerprint) << " — batch " << esc(k.missing) << " not received ("
              << k.quarantined << " later batch(es) waiting).</p>";
    o << "<h2>Signatures per day (UTC)</h2>" << bar_chart(r.days, false, "signatures per day");
    o << "<h2>Signatures per country of residence</h2>" << bar_chart(r.countries, true, "signatures per country");
    table(o, "Per appeal", "appeal", r.appeals, false);
    table(o, "Per event", "event", r.events, true);
    table(o, "Per country of residence", "country", r.countries, false);
    table(o, "Per kiosk", "kiosk", r.kiosk_tallies, true);
    table(o, "Per day (UTC)", "day", r.days, false);
    o << "<h2>Kiosks</h2><table><thead><tr><th>kiosk</th><th>name</th><th class=\"n\">batches</th><th class=\"n\">last batch</th>"
         "<th class=\"n\">signatures</th><th>waiting / missing</th></tr></thead><tbody>";
    for (const auto& k : r.kiosks)
        o << "<tr><td>" << esc(k.fingerprint) << "</td><td>" << esc(k.name) << "</td><td class=\"n\">" << k.batches
          << "</td><td class=\"n\">" << k.last_seq << "</td><td class=\"n\">" << k.signatures << "</td><td>"
          << (k.quarantined ? std::to_string(k.quarantined) + " waiting, missing " + esc(k.missing) : std::string("—")) << "</td></tr>";
    o << "</tbody></table>\n</body></html>\n";
    return o.str();
}

}  // namespace embassy::sync
