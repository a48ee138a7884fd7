// Coordinator reports: totals without names (coord_ops.hpp). Index:
//   [SECTION] Gathering
//   [SECTION] Text
//   [SECTION] CSV
//   [SECTION] HTML with inline SVG charts (the date axis, the charts, the page)
#include "embassy/sync/coord_ops.hpp"
#include "embassy/sync/kiosks.hpp"

#include "embassy/registry/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <sstream>
#include <tuple>

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

std::string utc(std::int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    char buf[64];
    if (gmtime_r(&tt, &tm) == nullptr || std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm) == 0)
        return "unix time " + std::to_string(t);  // beyond the calendar gmtime knows
    return buf;
}

// Raw (not escaped): each output escapes it its own way.
std::string alarm_line(const ReportAlarm& a) {
    return utc(a.raised_unix) + "  " + a.kind + "  kiosk " + a.kiosk + "  batch " + std::to_string(a.seq) + ": " + a.detail +
           (a.repeats > 1 ? "  (seen " + std::to_string(a.repeats) + " times, last " + utc(a.last_seen_unix) + ")" : "");
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
    auto co = tallies(db, "s.country", false, "", "4 DESC, 1");  // by counted: what the chart draws
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
    if (auto held = held_kiosks(c); held) r.held_kiosks = std::move(*held);
    else return held.error();

    // Held for a gap: what the registry records now (held-for-enrollment files of kiosks not yet
    // enrolled have no row; import.hpp, held_batches_of).
    auto hq = db.prepare("SELECT k.fingerprint, k.name, q.seq, q.reason, q.added_at FROM quarantine q "
                         "JOIN kiosks k ON k.id = q.kiosk ORDER BY k.fingerprint, q.seq, q.id");
    if (!hq) return hq.error();
    while (true) {
        auto row = hq->step();
        if (!row) return row.error();
        if (!*row) break;
        r.held.push_back({hq->column_text(0), hq->column_text(1), static_cast<std::uint64_t>(hq->column_int(2)),
                          hq->column_text(3), hq->column_int(4)});
    }

    auto al = db.prepare("SELECT a.kind, coalesce(k.fingerprint, '?'), a.seq, a.detail, a.raised_at, a.repeats, a.last_seen "
                         "FROM alarms a LEFT JOIN kiosks k ON k.id = a.kiosk ORDER BY a.id");
    if (!al) return al.error();
    while (true) {
        auto row = al->step();
        if (!row) return row.error();
        if (!*row) break;
        ReportAlarm alarm{al->column_text(0), al->column_text(1), static_cast<std::uint64_t>(al->column_int(2)), al->column_text(3),
                      al->column_int(4), al->column_int(6), al->column_int(5)};
        r.alarms.push_back(alarm_line(alarm));
        r.alarm_rows.push_back(std::move(alarm));
    }
    return r;
}


std::string report_kiosk_name(const CoordReport& r, std::string_view fingerprint) {
    for (const auto& k : r.kiosks)
        if (k.fingerprint == fingerprint) return k.name;
    return {};
}

namespace {

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

std::string plural(std::int64_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

// At most `max` code points of s, then "…": a registry may hold a 200 kB event name (bounds.test),
// and a terminal line or a chart label need not show it all. Cuts before a lead byte only.
std::string clip(std::string_view s, std::size_t max) {
    std::size_t points = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
        if (++points > max) return std::string(s.substr(0, i)) + "…";
    }
    return std::string(s);
}

// Terminal: escaped and clipped.
std::string term(std::string_view s, std::size_t max = 120) { return registry::terminal_safe(clip(s, max)); }

std::string figures_text(const Tally& t) {
    return std::to_string(t.counted) + " counted, " + std::to_string(t.duplicates) + (t.duplicates == 1 ? " duplicate, " : " duplicates, ") +
           std::to_string(t.withdrawn) + " withdrawn (" + std::to_string(t.received) + " received)";
}

std::string kiosk_label_text(const CoordReport& r, const std::string& fp) {
    const std::string name = report_kiosk_name(r, fp);
    return fp + " (" + (name.empty() ? std::string("not enrolled") : term(name)) + ")";
}

}  // namespace

// [SECTION] Text

std::string report_text(const CoordReport& r) {
    std::ostringstream o;
    const Tally all = total_of(r.appeals);
    o << "coordinator " << r.coordinator_fingerprint << " (" << term(r.coordinator_name) << "), report of " << utc(r.generated_unix) << "\n"
      << "totals: " << all.counted << " signatures counted (" << all.received << " received, " << all.duplicates << " duplicates, "
      << all.withdrawn << " withdrawn); members: " << r.members << " (" << r.registry_joins << " joined the registry)\n";
    auto section = [&](const char* title, const std::vector<Tally>& v, bool kiosk_key) {
        o << title << (v.empty() ? ": none\n" : ":\n");
        for (const auto& t : v) {
            o << "  " << (kiosk_key ? kiosk_label_text(r, t.key) : term(t.key));
            if (!t.appeal.empty() && t.appeal != t.key) o << " [" << term(t.appeal) << "]";
            o << ": " << figures_text(t) << "\n";
        }
    };
    section("per appeal", r.appeals, false);
    section("per event [appeal]", r.events, false);
    section("per country of residence (by counted)", r.countries, false);
    section("per day (UTC)", r.days, false);
    section("per kiosk [appeal]", r.kiosk_tallies, true);
    o << "kiosks" << (r.kiosks.empty() ? ": none enrolled\n" : ":\n");
    for (const auto& k : r.kiosks) {
        o << "  " << k.fingerprint << " (" << term(k.name) << "): " << plural(k.batches, "batch", "batches") << ", last " << k.last_seq << ", "
          << plural(k.signatures, "signature", "signatures");
        if (k.quarantined > 0) o << "; " << k.quarantined << " waiting, MISSING batch " << k.missing;
        o << "\n";
    }
    o << "held batches" << (r.held.empty() ? ": none\n" : " (not imported yet):\n");
    for (const auto& h : r.held)
        o << "  " << h.fingerprint << " (" << (h.name.empty() ? std::string("not enrolled") : term(h.name)) << ") batch " << h.seq
          << ", held since " << utc(h.since_unix) << ": " << term(h.reason) << "\n";
    // Kiosks whose batches are kept and counted nowhere: not enrolled yet, or revoked.
    o << "kiosks not counted" << (r.held_kiosks.empty() ? ": none\n" : " (their batches are kept, not counted):\n");
    for (const auto& k : r.held_kiosks)
        o << "  " << k.fingerprint << " (" << (k.name.empty() ? std::string("not enrolled") : term(k.name)) << "): "
          << sync::kiosk_state_name(k.state) << ", " << plural(k.held_batches, "batch", "batches") << " held, first seen "
          << utc(k.first_seen) << (k.revoked_reason.empty() ? std::string() : ", revoked: " + term(k.revoked_reason)) << "\n";
    bool any_gap = false;
    for (const auto& k : r.kiosks) any_gap = any_gap || !k.gaps.empty();
    o << "gaps" << (any_gap ? ":\n" : ": none\n");
    for (const auto& k : r.kiosks)
        if (!k.gaps.empty())
            o << "  " << k.fingerprint << " (" << term(k.name) << "): MISSING batch " << k.missing << " ("
              << plural(k.quarantined, "later batch waits", "later batches wait") << ")\n";
    o << "alarms" << (r.alarms.empty() ? ": none\n" : ":\n");
    for (const auto& a : r.alarms) o << "ALARM " << term(a, 400) << "\n";   // details may quote a batch
    return o.str();
}

// [SECTION] CSV

std::string report_csv(const CoordReport& r) {
    std::ostringstream o;
    o << "section,key,label,appeal,received,counted,duplicates,withdrawn,detail\r\n";
    auto rows = [&](const char* section, const std::vector<Tally>& v, bool kiosk_key) {
        for (const auto& t : v)
            o << section << ',' << csv_cell(t.key) << ',' << csv_cell(kiosk_key ? report_kiosk_name(r, t.key) : t.key) << ','
              << csv_cell(t.appeal) << ',' << t.received << ',' << t.counted << ',' << t.duplicates << ',' << t.withdrawn << ",\"\"\r\n";
    };
    // A row with no figures: the four figure cells stay empty.
    auto note = [&](const char* section, const std::string& kiosk, const std::string& detail) {
        o << section << ',' << csv_cell(kiosk) << ',' << csv_cell(report_kiosk_name(r, kiosk)) << ",\"\",,,,," << csv_cell(detail) << "\r\n";
    };
    Tally all = total_of(r.appeals);
    o << "total,\"all\",\"all appeals\",\"\"," << all.received << ',' << all.counted << ',' << all.duplicates << ',' << all.withdrawn
      << ",\"\"\r\n";
    rows("appeal", r.appeals, false);
    rows("event", r.events, false);
    rows("country", r.countries, false);
    rows("day", r.days, false);
    rows("kiosk", r.kiosk_tallies, true);
    for (const auto& k : r.kiosks)
        for (const auto& g : k.gaps) note("gap", k.fingerprint, seq_ranges_text({g}));
    for (const auto& h : r.held) note("held", h.fingerprint, "batch " + std::to_string(h.seq) + ": " + h.reason);
    for (const auto& k : r.held_kiosks)
        note("kiosk_not_counted", k.fingerprint,
             std::string(sync::kiosk_state_name(k.state)) + ": " + std::to_string(k.held_batches) + " held" +
                 (k.revoked_reason.empty() ? std::string() : ", revoked: " + k.revoked_reason));
    for (const auto& a : r.alarm_rows) note("alarm", a.kiosk, alarm_line(a));
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

std::string num(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f", v);
    return b;
}

// [SECTION] The date axis: one bin per day, month or run of years, every bin from the first to
// the last present (an empty day is a bar of height 0, not a missing column).
struct DayBins {
    enum class Unit { day, month, years } unit = Unit::day;
    std::int64_t first = 0, step = 1;          // unit index of bin 0; years per bin
    std::vector<std::int64_t> counted;         // per bin
    std::int64_t undated = 0;                  // day "?" (a minute beyond the calendar)
};

constexpr std::size_t kMaxBins = 62;

// "YYYY-MM-DD" → (year, month 1..12, day index since 1970 by timegm); false if not a date.
bool parse_day(const std::string& s, int& y, int& m, std::int64_t& day) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (s[i] < '0' || s[i] > '9') return false;
    y = std::stoi(s.substr(0, 4));
    m = std::stoi(s.substr(5, 2));
    const int d = std::stoi(s.substr(8, 2));
    if (m < 1 || m > 12 || d < 1 || d > 31) return false;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    day = static_cast<std::int64_t>(timegm(&tm)) / 86400;   // midnight UTC: exact
    return true;
}

DayBins bin_days(const std::vector<Tally>& days) {
    struct D { int y, m; std::int64_t day, n; };
    std::vector<D> ds;
    DayBins b;
    for (const auto& t : days) {
        D d{};
        if (parse_day(t.key, d.y, d.m, d.day)) {
            d.n = t.counted;
            ds.push_back(d);
        } else {
            b.undated += t.counted;
        }
    }
    if (ds.empty()) return b;
    auto index = [&](const D& d) -> std::int64_t {
        switch (b.unit) {
            case DayBins::Unit::day: return d.day;
            case DayBins::Unit::month: return std::int64_t{d.y} * 12 + (d.m - 1);
            case DayBins::Unit::years: return d.y;
        }
        return 0;
    };
    auto span = [&] {
        std::int64_t lo = index(ds.front()), hi = lo;
        for (const auto& d : ds) lo = std::min(lo, index(d)), hi = std::max(hi, index(d));
        return std::pair{lo, hi};
    };
    auto [lo, hi] = span();
    if (hi - lo + 1 > static_cast<std::int64_t>(kMaxBins)) {
        b.unit = DayBins::Unit::month;
        std::tie(lo, hi) = span();
    }
    if (hi - lo + 1 > static_cast<std::int64_t>(kMaxBins)) {
        b.unit = DayBins::Unit::years;
        std::tie(lo, hi) = span();
        b.step = (hi - lo) / static_cast<std::int64_t>(kMaxBins) + 1;
    }
    b.first = lo;
    b.counted.assign(static_cast<std::size_t>((hi - lo) / b.step + 1), 0);
    for (const auto& d : ds) b.counted[static_cast<std::size_t>((index(d) - lo) / b.step)] += d.n;
    return b;
}

// The label of bin i: "2026-12-01", "2026-12", "2026" or "2026–2030".
std::string bin_label(const DayBins& b, std::size_t i, bool with_year) {
    const std::int64_t idx = b.first + static_cast<std::int64_t>(i) * b.step;
    char buf[48];
    switch (b.unit) {
        case DayBins::Unit::day: {
            std::time_t t = static_cast<std::time_t>(idx * 86400);
            std::tm tm{};
            gmtime_r(&t, &tm);
            std::strftime(buf, sizeof buf, with_year ? "%Y-%m-%d" : "%m-%d", &tm);
            return buf;
        }
        case DayBins::Unit::month:
            std::snprintf(buf, sizeof buf, "%04lld-%02lld", static_cast<long long>(idx / 12), static_cast<long long>(idx % 12 + 1));
            return buf;
        case DayBins::Unit::years:
            if (b.step == 1) return std::to_string(idx);
            return std::to_string(idx) + "–" + std::to_string(idx + b.step - 1);
    }
    return {};
}

std::int64_t bin_year(const DayBins& b, std::size_t i) {
    const std::int64_t idx = b.first + static_cast<std::int64_t>(i) * b.step;
    if (b.unit == DayBins::Unit::month) return idx / 12;
    if (b.unit == DayBins::Unit::years) return idx;
    std::time_t t = static_cast<std::time_t>(idx * 86400);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

// Counted signatures per day: vertical bars with the value written above each (so it prints), a
// bar of at least 2 px for any value above 0, and the date under every few bars.
std::string day_chart(const std::vector<Tally>& days) {
    const DayBins b = bin_days(days);
    std::ostringstream o;
    if (b.counted.empty() && b.undated == 0) return "<p class=\"empty\">No signatures yet.</p>";
    if (!b.counted.empty()) {
        const double width = 700, left = 8, right = 8, top = 18, base = 112, height = 150;
        const std::size_t n = b.counted.size();
        const double bw = (width - left - right) / static_cast<double>(n);
        std::int64_t max = 1;
        for (auto v : b.counted) max = std::max(max, v);
        const char* unit = b.unit == DayBins::Unit::day ? "day" : b.unit == DayBins::Unit::month ? "month" : "year";
        o << "<svg class=\"chart\" role=\"img\" aria-label=\"counted signatures per " << unit << "\" viewBox=\"0 0 " << num(width) << ' '
          << num(height) << "\" width=\"" << num(width) << "\" height=\"" << num(height) << "\">";
        o << "<line class=\"axis\" x1=\"" << num(left) << "\" y1=\"" << num(base) << "\" x2=\"" << num(width - right) << "\" y2=\""
          << num(base) << "\"/>";
        const bool vertical_values = bw < 26;   // a 4-digit value no longer fits across the bar
        // Labels far enough apart for "2026-12-01" (about 62 px at 10 px).
        const std::size_t every = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(66.0 / bw)));
        double last_label_end = -1e9;
        std::int64_t last_year = INT64_MIN;
        for (std::size_t i = 0; i < n; ++i) {
            const std::int64_t v = b.counted[i];
            const double x = left + bw * static_cast<double>(i);
            double h = (base - top - (vertical_values ? 30 : 4)) * static_cast<double>(v) / static_cast<double>(max);
            if (v > 0) h = std::max(h, 2.0);
            const double bar = std::min(bw * 0.8, 36.0);   // one day alone is a bar, not a wall
            o << "<rect class=\"bar\" x=\"" << num(x + (bw - bar) / 2) << "\" y=\"" << num(base - h) << "\" width=\"" << num(bar)
              << "\" height=\"" << num(h) << "\"><title>" << esc(bin_label(b, i, true)) << ": " << v << "</title></rect>";
            const double cx = x + bw / 2;
            const char* vclass = v == 0 ? "v v0" : "v";
            if (vertical_values)
                o << "<text class=\"" << vclass << "\" transform=\"translate(" << num(cx + 3.5) << ' ' << num(base - h - 3) << ") rotate(-90)\">" << v
                  << "</text>";
            else
                o << "<text class=\"" << vclass << "\" text-anchor=\"middle\" x=\"" << num(cx) << "\" y=\"" << num(base - h - 3) << "\">" << v << "</text>";
            if (i % every == 0) {
                const bool year = bin_year(b, i) != last_year;   // the year on the first label and wherever it changes
                const std::string label = bin_label(b, i, year);
                const double at = std::max(cx, left + 32), half = 3.0 * static_cast<double>(label.size());   // ~6 px a character
                if (at - half < last_label_end + 6) continue;   // a dated label is wider: the next one gives way
                last_label_end = at + half;
                last_year = bin_year(b, i);
                o << "<line class=\"tick\" x1=\"" << num(cx) << "\" y1=\"" << num(base) << "\" x2=\"" << num(cx) << "\" y2=\""
                  << num(base + 4) << "\"/><text class=\"d\" text-anchor=\"middle\" x=\""
                  << num(at) << "\" y=\"" << num(base + 16) << "\">" << esc(label) << "</text>";
            }
        }
        o << "<text class=\"d\" x=\"" << num(left) << "\" y=\"" << num(base + 34) << "\">" << esc(bin_label(b, 0, true)) << " to "
          << esc(bin_label(b, n - 1, true)) << ", every " << unit << " shown (UTC)</text>";
        o << "</svg>";
    }
    if (b.undated > 0)
        o << "<p class=\"note\">" << plural(b.undated, "signature", "signatures")
          << " with a time no calendar shows (day \"?\" in the tables).</p>";
    return o.str();
}

// Counted signatures per country, largest first (the order of what is drawn), the value written
// beside every bar, at least 2 px for any value above 0; beyond 20 countries the rest are one row.
std::string country_chart(const std::vector<Tally>& countries) {
    if (countries.empty()) return "<p class=\"empty\">No signatures yet.</p>";
    std::vector<std::pair<std::string, std::int64_t>> rows;
    for (const auto& t : countries) rows.emplace_back(clip(t.key, 12), t.counted);
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    constexpr std::size_t kRows = 20;
    if (rows.size() > kRows) {
        std::int64_t rest = 0;
        for (std::size_t i = kRows - 1; i < rows.size(); ++i) rest += rows[i].second;
        const std::size_t others = rows.size() - (kRows - 1);
        rows.resize(kRows - 1);
        rows.emplace_back(std::to_string(others) + " others", rest);
    }
    std::int64_t max = 1;
    for (const auto& r : rows) max = std::max(max, r.second);
    const double width = 700, label = 90, row = 15, value_room = 60;
    const double height = static_cast<double>(rows.size()) * row + 4;
    std::ostringstream o;
    o << "<svg class=\"chart\" role=\"img\" aria-label=\"counted signatures per country\" viewBox=\"0 0 " << num(width) << ' ' << num(height)
      << "\" width=\"" << num(width) << "\" height=\"" << num(height) << "\">";
    double y = 2;
    for (const auto& [key, v] : rows) {
        double w = (width - label - value_room) * static_cast<double>(v) / static_cast<double>(max);
        if (v > 0) w = std::max(w, 2.0);
        o << "<text x=\"0\" y=\"" << num(y + 11) << "\">" << esc(key) << "</text><rect class=\"bar\" x=\"" << num(label) << "\" y=\""
          << num(y + 2) << "\" width=\"" << num(w) << "\" height=\"" << num(row - 4) << "\"/><text class=\"v\" x=\"" << num(label + w + 5)
          << "\" y=\"" << num(y + 11) << "\">" << v << "</text>";
        y += row;
    }
    o << "</svg>";
    return o.str();
}

std::string kiosk_cell(const CoordReport& r, const std::string& fp) {
    const std::string name = report_kiosk_name(r, fp);
    return "<td>" + (name.empty() ? std::string("<i>not enrolled</i>") : esc(name)) + "</td><td class=\"fp\">" + esc(fp) + "</td>";
}

void table(std::ostringstream& o, const CoordReport& r, const std::string& title, const char* key_name, const std::vector<Tally>& v,
           bool with_appeal, bool kiosk_key = false) {
    o << "<section><h2>" << esc(title) << "</h2>";
    if (v.empty()) {
        o << "<p class=\"empty\">none</p></section>";
        return;
    }
    o << "<table><thead><tr>";
    if (kiosk_key) o << "<th>kiosk</th><th>fingerprint</th>";
    else o << "<th>" << key_name << "</th>";
    if (with_appeal) o << "<th>appeal</th>";
    o << "<th class=\"n\">counted</th><th class=\"n\">dupl.</th><th class=\"n\">withdr.</th><th class=\"n\">received</th></tr></thead><tbody>";
    for (const auto& t : v) {
        o << "<tr>" << (kiosk_key ? kiosk_cell(r, t.key) : "<td>" + esc(t.key) + "</td>");
        if (with_appeal) o << "<td>" << esc(t.appeal) << "</td>";
        o << "<td class=\"n\">" << t.counted << "</td><td class=\"n\">" << t.duplicates << "</td><td class=\"n\">" << t.withdrawn
          << "</td><td class=\"n\">" << t.received << "</td></tr>";
    }
    o << "</tbody></table></section>";
}

}  // namespace

std::string report_html(const CoordReport& r) {
    std::ostringstream o;
    Tally all = total_of(r.appeals);
    // Print: A4 with 12 mm margins, nothing forced onto a new page, rows kept whole; the charts
    // scale to the page's width.
    o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signatures report</title><style>"
         "@page{size:A4;margin:12mm}"
         "body{font-family:'DejaVu Sans',sans-serif;font-size:10pt;line-height:1.3;margin:1.5em auto;max-width:186mm;color:#111}"
         "h1{font-size:15pt;margin:0 0 .2em}h2{font-size:11pt;margin:.8em 0 .25em;break-after:avoid}p{margin:.3em 0}"
         "table{border-collapse:collapse;font-size:9pt}td,th{border:1px solid #999;padding:1px 5px;text-align:left;vertical-align:top;"
         "overflow-wrap:break-word}th{background:#eee}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
         "td.fp{font-family:'DejaVu Sans Mono',monospace;font-size:8pt;white-space:nowrap}td.t{white-space:nowrap}"
         "td.w{overflow-wrap:anywhere;min-width:12em}"   // an alarm's detail: text from a batch, any length
         ".row{display:flex;flex-wrap:wrap;gap:0 2em;align-items:flex-start}"
         "svg.chart{display:block;width:100%;max-width:700px;height:auto}svg rect.bar{fill:#8a1c1c}svg text{font-size:11px;fill:#111}"
         "svg text.v{font-size:10px;fill:#333}svg text.v0{fill:#aaa}svg text.d{font-size:10px}svg .axis,svg .tick{stroke:#555}"
         ".alarm{color:#b00;font-weight:bold}.summary{font-size:11pt}.empty,.note{color:#555;font-style:italic}"
         "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
         "@media print{body{margin:0;max-width:none}tr{break-inside:avoid}svg.chart{break-inside:avoid}}"
         "</style></head><body>\n";
    o << "<h1>Signatures report</h1><p>Coordinator " << esc(r.coordinator_name) << " (" << esc(r.coordinator_fingerprint)
      << "), generated " << esc(utc(r.generated_unix)) << ".</p>";
    o << "<p class=\"summary\"><b>" << all.counted << "</b> signatures counted (" << all.received << " received, "
      << all.duplicates << " duplicates removed, " << all.withdrawn << " withdrawn); " << r.members << " members, "
      << r.registry_joins << " joined the registry.</p>";
    if (!r.alarm_rows.empty()) {
        o << "<section><h2 class=\"alarm\">Alarms</h2><table><thead><tr><th>raised</th><th>kind</th><th>kiosk</th><th>fingerprint</th>"
             "<th class=\"n\">batch</th><th>detail</th><th class=\"n\">seen</th></tr></thead><tbody>";
        for (const auto& a : r.alarm_rows)
            o << "<tr><td class=\"t\">" << esc(utc(a.raised_unix)) << "</td><td class=\"alarm\">" << esc(a.kind) << "</td>"
              << kiosk_cell(r, a.kiosk) << "<td class=\"n\">" << a.seq << "</td><td class=\"w\">" << esc(a.detail) << "</td><td class=\"n\">" << a.repeats
              << (a.repeats > 1 ? " times, last " + esc(utc(a.last_seen_unix)) : std::string()) << "</td></tr>";
        o << "</tbody></table></section>";
    }
    for (const auto& k : r.kiosks)
        if (!k.missing.empty())
            o << "<p class=\"alarm\">Gap: kiosk " << esc(k.name) << " (" << esc(k.fingerprint) << ") — batch " << esc(k.missing)
              << " not received (" << plural(k.quarantined, "later batch waits", "later batches wait") << ").</p>";
    if (!r.held.empty()) {
        o << "<section><h2>Held batches (not imported yet)</h2><table><thead><tr><th>kiosk</th><th>fingerprint</th><th class=\"n\">batch</th>"
             "<th>held since</th><th>reason</th></tr></thead><tbody>";
        for (const auto& h : r.held)
            o << "<tr><td>" << (h.name.empty() ? std::string("<i>not enrolled</i>") : esc(h.name)) << "</td><td class=\"fp\">"
              << esc(h.fingerprint) << "</td><td class=\"n\">" << h.seq << "</td><td class=\"t\">" << esc(utc(h.since_unix)) << "</td><td class=\"w\">"
              << esc(h.reason) << "</td></tr>";
        o << "</tbody></table></section>";
    }
    if (!r.held_kiosks.empty()) {
        o << "<section><h2>Kiosks not counted (batches kept)</h2><table><thead><tr><th>kiosk</th><th>fingerprint</th><th>state</th>"
             "<th class=\"n\">held batches</th><th>first seen</th><th>reason</th></tr></thead><tbody>";
        for (const auto& k : r.held_kiosks)
            o << "<tr><td>" << (k.name.empty() ? std::string("<i>not enrolled</i>") : esc(k.name)) << "</td><td class=\"fp\">"
              << esc(k.fingerprint) << "</td><td>" << sync::kiosk_state_name(k.state) << "</td><td class=\"n\">" << k.held_batches
              << "</td><td class=\"t\">" << esc(utc(k.first_seen)) << "</td><td class=\"w\">" << esc(k.revoked_reason) << "</td></tr>";
        o << "</tbody></table></section>";
    }
    o << "<section><h2>Counted signatures per day (UTC)</h2>" << day_chart(r.days) << "</section>";
    o << "<section><h2>Counted signatures per country of residence</h2>" << country_chart(r.countries) << "</section>";
    table(o, r, "Per appeal", "appeal", r.appeals, false);
    // The two long narrow tables side by side (each continues on the next page by itself).
    o << "<div class=\"row\">";
    table(o, r, "Per country of residence", "country", r.countries, false);
    table(o, r, "Per day (UTC)", "day", r.days, false);
    o << "</div>";
    table(o, r, "Per event", "event", r.events, true);
    table(o, r, "Per kiosk", "kiosk", r.kiosk_tallies, true, true);
    o << "<section><h2>Kiosks</h2><table><thead><tr><th>kiosk</th><th>fingerprint</th><th class=\"n\">batches</th><th class=\"n\">last batch</th>"
         "<th class=\"n\">signatures</th><th>waiting / missing</th></tr></thead><tbody>";
    for (const auto& k : r.kiosks)
        o << "<tr><td>" << esc(k.name) << "</td><td class=\"fp\">" << esc(k.fingerprint) << "</td><td class=\"n\">" << k.batches
          << "</td><td class=\"n\">" << k.last_seq << "</td><td class=\"n\">" << k.signatures << "</td><td>"
          << (k.quarantined ? std::to_string(k.quarantined) + " waiting, missing " + esc(k.missing) : std::string("—")) << "</td></tr>";
    o << "</tbody></table></section>\n</body></html>\n";
    return o.str();
}

}  // namespace embassy::sync
