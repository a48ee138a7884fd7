// The coordinator's report on the terminal, in CSV and HTML (coord_report.cpp): every section the
// help names, gaps, held batches and alarms in sections of their own, totals that agree with the
// registry, and an HTML page that reads on paper. (The JSON report, built in the CLI, is checked
// against the same totals by tests/e2e/report_render.sh.)
#include "coord_fixture.hpp"

#include "embassy/sync/coord_ops.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

using namespace coord_test;
using Catch::Matchers::ContainsSubstring;
using sync::ImportStatus;

namespace {

constexpr std::int64_t kNov28 = 29931120;   // 2026-11-28 12:00 UTC, in minutes
constexpr std::int64_t kDec01 = 29935440;   // 2026-12-01 12:00 UTC

// Kiosk "Kiosk Alpha": batch 1 (LT: one person three times; PL: two people) imported, batch 3
// waiting for batch 2 (a gap, a held batch); the LT signatures moved to 28 November, the PL ones
// on 1 December (two empty days between); one alarm.
struct Reported {
    test::TempDir tmp;
    std::unique_ptr<sync::Coordinator> c = open_coordinator(tmp.path / "coord");
    std::unique_ptr<Kiosk> k = make_kiosk(0);
    Reported() {
        REQUIRE(c->enroll(k->public_key, "Kiosk Alpha").ok());
        for (int i = 0; i < 3; ++i) submit(*k, submission(k->pack, "Ales", "Bialiatski", 0, false, "LT"));
        submit(*k, submission(k->pack, "Maryja", "Kalesnikava", 0, false, "PL"));
        submit(*k, submission(k->pack, "Ihar", "Losik", 0, false, "PL"));
        REQUIRE(sync::import_batch(*c, export_one(*k, tmp.path / "b1")).status == ImportStatus::accepted);
        submit(*k, submission(k->pack, "Nasta", "Loika", 1, false, "DE"));
        export_one(*k, tmp.path / "b2");   // never brought
        submit(*k, submission(k->pack, "Paval", "Sevjarynets", 1, false, "DE"));
        REQUIRE(sync::import_batch(*c, export_one(*k, tmp.path / "b3")).status == ImportStatus::quarantined);
        REQUIRE(c->db().exec("UPDATE signatures SET unix_minute = " + std::to_string(kNov28) + " WHERE country = 'LT'").ok());
        REQUIRE(c->db().exec("UPDATE signatures SET unix_minute = " + std::to_string(kDec01) + " WHERE country = 'PL'").ok());
        REQUIRE(c->db().exec("INSERT INTO alarms(kind, kiosk, seq, batch_hash, detail, raised_at, last_seen, repeats) "
                             "VALUES('fork', 1, 7, x'00', 'two batches 7', 1795000000, 1795000000, 1)")
                    .ok());
    }
};

std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);) {
        if (!l.empty() && l.back() == '\r') l.pop_back();
        out.push_back(l);
    }
    return out;
}

// The cells of one CSV line (quoted cells, "" inside; no newline in a cell: csv_cell escapes them).
std::vector<std::string> cells(const std::string& line) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char ch = line[i];
        if (quoted) {
            if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') cur += '"', ++i;
            else if (ch == '"') quoted = false;
            else cur += ch;
        } else if (ch == '"') {
            quoted = true;
        } else if (ch == ',') {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += ch;
        }
    }
    out.push_back(cur);
    return out;
}

// The part of the page between two markers.
std::string between(const std::string& s, const std::string& from, const std::string& to) {
    const auto a = s.find(from);
    REQUIRE(a != std::string::npos);
    const auto b = s.find(to, a);
    REQUIRE(b != std::string::npos);
    return s.substr(a, b - a);
}

std::size_t occurrences(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + what.size())) ++n;
    return n;
}

}  // namespace

TEST_CASE("the terminal report has every section its help names, plus held batches, gaps and alarms", "[sync][report][text]") {
    Reported w;
    auto r = sync::build_report(*w.c, 1800000000);
    REQUIRE(r.ok());
    const std::string text = sync::report_text(*r);
    for (const char* section : {"totals: 3 signatures counted (5 received, 2 duplicates, 0 withdrawn)", "per appeal:", "per event [appeal]:", "per country of residence",
                                "per day (UTC):", "per kiosk [appeal]:", "kiosks:", "held batches (not imported yet):", "gaps:", "alarms:"})
        CHECK_THAT(text, ContainsSubstring(section));
    CHECK_THAT(text, ContainsSubstring("  2026-11-28: 1 counted, 2 duplicates, 0 withdrawn (3 received)"));
    CHECK_THAT(text, ContainsSubstring("  LT: 1 counted"));
    CHECK_THAT(text, ContainsSubstring("  political-prisoners: 3 counted"));
    CHECK_THAT(text, ContainsSubstring("  2026-11-28 Rally (Warszawa, PL) [political-prisoners]: 3 counted"));
    CHECK_THAT(text, ContainsSubstring(w.k->fingerprint + " (Kiosk Alpha) [political-prisoners]: 3 counted"));
    CHECK_THAT(text, ContainsSubstring(w.k->fingerprint + " (Kiosk Alpha) batch 3, held since"));
    CHECK_THAT(text, ContainsSubstring(w.k->fingerprint + " (Kiosk Alpha): MISSING batch 2 (1 later batch waits)"));
    CHECK_THAT(text, ContainsSubstring("ALARM "));
    CHECK_THAT(text, ContainsSubstring("1 batch, last 1"));   // not "1 batches"
    for (const char* name : {"Bialiatski", "Kalesnikava", "Losik", "Loika"}) CHECK(text.find(name) == std::string::npos);
}

TEST_CASE("the CSV report: explicit columns; gaps, held batches and alarms are sections of their own", "[sync][report][csv]") {
    Reported w;
    auto r = sync::build_report(*w.c, 1800000000);
    REQUIRE(r.ok());
    const auto rows = lines(sync::report_csv(*r));
    REQUIRE(!rows.empty());
    CHECK(rows[0] == "section,key,label,appeal,received,counted,duplicates,withdrawn,detail");
    std::map<std::string, int> sections;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const auto c = cells(rows[i]);
        INFO(rows[i]);
        REQUIRE(c.size() == 9);
        ++sections[c[0]];
        const bool tally = c[0] != "gap" && c[0] != "held" && c[0] != "alarm";
        for (int f = 4; f <= 7; ++f) {
            if (tally) CHECK(std::regex_match(c[static_cast<std::size_t>(f)], std::regex("[0-9]+")));
            else CHECK(c[static_cast<std::size_t>(f)].empty());   // never a batch number in a figure column
        }
        if (c[0] == "kiosk" || c[0] == "gap" || c[0] == "held" || c[0] == "alarm") {
            CHECK(c[1] == w.k->fingerprint);
            CHECK(c[2] == "Kiosk Alpha");
        }
        if (c[0] == "gap") CHECK(c[8] == "2");
        if (c[0] == "held") CHECK_THAT(c[8], ContainsSubstring("batch 3: "));
        if (c[0] == "alarm") CHECK_THAT(c[8], ContainsSubstring("two batches 7"));
        if (c[0] == "total") CHECK(rows[i] == "total,\"all\",\"all appeals\",\"\",5,3,2,0,\"\"");
    }
    for (const char* s : {"total", "appeal", "event", "country", "day", "kiosk", "gap", "held", "alarm"}) {
        INFO(s);
        CHECK(sections[s] > 0);
    }
    CHECK(sections["gap"] == 1);
    CHECK(sections["held"] == 1);
    CHECK(sections["alarm"] == 1);
}

TEST_CASE("report totals agree in CSV and HTML with the registry", "[sync][report][csv]") {
    Reported w;
    auto r = sync::build_report(*w.c, 1800000000);
    REQUIRE(r.ok());
    const std::int64_t received = count(*w.c, "SELECT count(*) FROM signatures");
    const std::int64_t counted = count(*w.c, "SELECT count(*) FROM signatures WHERE duplicate_of IS NULL AND withdrawn_at IS NULL");
    const std::int64_t dups = count(*w.c, "SELECT count(*) FROM signatures WHERE duplicate_of IS NOT NULL AND withdrawn_at IS NULL");
    REQUIRE(received == 5);
    REQUIRE(counted == 3);

    std::string total;
    for (const auto& l : lines(sync::report_csv(*r)))
        if (l.rfind("total,", 0) == 0) total = l;
    const auto c = cells(total);
    REQUIRE(c.size() == 9);
    CHECK(std::stoll(c[4]) == received);
    CHECK(std::stoll(c[5]) == counted);
    CHECK(std::stoll(c[6]) == dups);

    // (The JSON report is the CLI's: tests/e2e/report_render.sh parses it against the same registry.)
    std::int64_t by_day = 0, by_country = 0;
    for (const auto& d : r->days) by_day += d.counted;
    for (const auto& d : r->countries) by_country += d.counted;
    CHECK(by_day == counted);
    CHECK(by_country == counted);
    REQUIRE(r->held.size() == 1);
    CHECK(r->held[0].seq == 3);
    CHECK(r->held[0].name == "Kiosk Alpha");
    REQUIRE(r->alarm_rows.size() == 1);
    CHECK(r->alarm_rows[0].kind == "fork");

    const std::string html = sync::report_html(*r);
    CHECK_THAT(html, ContainsSubstring("<b>" + std::to_string(counted) + "</b> signatures counted (" + std::to_string(received) +
                                       " received, " + std::to_string(dups) + " duplicates removed"));
}

TEST_CASE("the HTML report reads on paper: sorted as drawn, values written, a continuous dated axis", "[sync][report][html]") {
    Reported w;
    auto r = sync::build_report(*w.c, 1800000000);
    REQUIRE(r.ok());
    const std::string html = sync::report_html(*r);

    // Countries: PL (2 counted, 2 received) before LT (1 counted, 3 received): sorted by counted, as drawn.
    const std::string countries = between(html, "aria-label=\"counted signatures per country\"", "</svg>");
    REQUIRE(countries.find(">PL<") != std::string::npos);
    REQUIRE(countries.find(">LT<") != std::string::npos);
    CHECK(countries.find(">PL<") < countries.find(">LT<"));
    CHECK_THAT(countries, ContainsSubstring("class=\"v\" x="));   // the value beside the bar
    CHECK(r->countries.front().key == "PL");                      // and the table in the same order

    // Days: 28 November to 1 December, every day a bar (the two empty ones too), each value written
    // as text (not only a hover title), the year on the axis.
    const std::string days = between(html, "aria-label=\"counted signatures per day\"", "</svg>");
    CHECK(occurrences(days, "<rect class=\"bar\"") == 4);
    CHECK(occurrences(days, "height=\"0.0\"") == 2);
    CHECK_THAT(days, ContainsSubstring(">2026-11-28<"));
    CHECK_THAT(days, ContainsSubstring("2026-11-28 to 2026-12-01"));
    CHECK(occurrences(days, "<text class=\"v") == 4);   // the two empty days too (a grey 0)
    CHECK(std::regex_search(days, std::regex("<text class=\"v\"[^>]*>1</text>")));
    CHECK(std::regex_search(days, std::regex("<text class=\"v\"[^>]*>2</text>")));

    // Print: A4, nothing forced onto a new page.
    CHECK_THAT(html, ContainsSubstring("@page{size:A4"));
    for (const char* forced : {"page-break-before", "page-break-after:always", "break-before:page", "break-after:page"})
        CHECK(html.find(forced) == std::string::npos);
    // Kiosk tables: the name beside the fingerprint.
    const std::string per_kiosk = between(html, "<h2>Per kiosk</h2>", "</table>");
    CHECK_THAT(per_kiosk, ContainsSubstring("<td>Kiosk Alpha</td><td class=\"fp\">" + w.k->fingerprint + "</td>"));
    CHECK_THAT(html, ContainsSubstring("<h2>Held batches (not imported yet)</h2>"));
    CHECK_THAT(html, ContainsSubstring("<h2 class=\"alarm\">Alarms</h2>"));
}

TEST_CASE("a small value beside a big one keeps a visible bar and its number", "[sync][report][html]") {
    sync::CoordReport r;
    r.countries = {{"PL", "", 5000, 5000, 0, 0}, {"LT", "", 1, 1, 0, 0}};
    r.days = {{"2026-12-01", "", 5000, 5000, 0, 0}, {"2026-12-02", "", 1, 1, 0, 0}};
    r.appeals = {{"a", "a", 5001, 5001, 0, 0}};
    const std::string html = sync::report_html(r);
    const std::string days = between(html, "aria-label=\"counted signatures per day\"", "</svg>");
    CHECK_THAT(days, ContainsSubstring("height=\"2.0\""));
    CHECK(std::regex_search(days, std::regex("<text class=\"v\"[^>]*>1</text>")));
    const std::string countries = between(html, "aria-label=\"counted signatures per country\"", "</svg>");
    CHECK_THAT(countries, ContainsSubstring("width=\"2.0\""));
    CHECK(std::regex_search(countries, std::regex("<text class=\"v\"[^>]*>1</text>")));
}

TEST_CASE("a long span of days is drawn by month, then by years: the axis stays continuous and bounded", "[sync][report][html]") {
    sync::CoordReport r;
    r.days = {{"2025-01-15", "", 3, 3, 0, 0}, {"2026-12-01", "", 4, 4, 0, 0}, {"?", "", 1, 1, 0, 0}};
    std::string days = between(sync::report_html(r), "aria-label=\"counted signatures per month\"", "</svg>");
    CHECK(occurrences(days, "<rect class=\"bar\"") == 24);   // January 2025 .. December 2026
    CHECK_THAT(days, ContainsSubstring("2025-01 to 2026-12"));
    CHECK_THAT(sync::report_html(r), ContainsSubstring("1 signature with a time no calendar shows"));
    r.days = {{"0001-01-01", "", 1, 1, 0, 0}, {"9999-12-31", "", 1, 1, 0, 0}};
    days = between(sync::report_html(r), "aria-label=\"counted signatures per year\"", "</svg>");
    CHECK(occurrences(days, "<rect class=\"bar\"") <= 62);
}

// Not a check: with EMBASSY_REPORT_SAMPLE=FILE, writes a month-long sample report there for
// scripts/render-report (the A4 screenshots in docs/screenshots were made from it).
TEST_CASE("sample report for the A4 render", "[sync][report][html][.sample]") {
    const char* out = std::getenv("EMBASSY_REPORT_SAMPLE");
    if (out == nullptr) SKIP("EMBASSY_REPORT_SAMPLE not set");
    sync::CoordReport r;
    r.coordinator_name = "Belarusian diaspora council, Warszawa";
    r.coordinator_fingerprint = "3F2A 9C01 77D4 0B1E 5A60";
    r.generated_unix = 1796083200;   // 2026-12-01
    const char* countries[] = {"PL", "LT", "DE", "CZ", "GE", "UA", "NL", "GB", "US", "FR", "SE", "IL", "CA", "ES"};
    const std::int64_t per_country[] = {1840, 1220, 610, 240, 180, 95, 60, 41, 33, 12, 9, 4, 2, 1};
    std::int64_t total = 0;
    for (std::size_t i = 0; i < std::size(countries); ++i) {
        r.countries.push_back({countries[i], "", per_country[i] + per_country[i] / 20, per_country[i], per_country[i] / 20, 0});
        total += per_country[i];
    }
    const int per_day[] = {12, 40, 0, 0, 310, 820, 95, 30, 0, 3, 1, 0, 0, 1450, 980, 120, 60, 22, 0, 0, 0, 2, 5, 340, 40, 11, 0, 0, 6, 0};
    std::int64_t day_sum = 0;
    for (int d = 0; d < 30; ++d) {
        if (per_day[d] == 0) continue;
        char key[16];
        std::snprintf(key, sizeof key, "2026-11-%02d", d + 1);
        r.days.push_back({key, "", per_day[d] + per_day[d] / 20, per_day[d], per_day[d] / 20, 0});
        day_sum += per_day[d];
    }
    r.appeals = {{"political-prisoners", "political-prisoners", 3400, 3120, 260, 20}, {"free-elections", "free-elections", 1240, 1227, 13, 0}};
    r.events = {{"2026-11-05 Solidarity day (Warszawa, PL)", "political-prisoners", 1200, 1130, 70, 0},
                {"2026-11-05 Solidarity day (Warszawa, PL)", "free-elections", 400, 398, 2, 0},
                {"2026-11-14 Freedom rally (Vilnius, LT)", "political-prisoners", 2200, 1990, 190, 20},
                {"2026-11-14 Freedom rally (Vilnius, LT)", "free-elections", 840, 829, 11, 0}};
    const std::string a = "3F2A 9C01 77D4 0B1E 5A61", b = "8C11 04DE 9A2B 7710 C3F9", u = "0D9E 55A1 2B7C 4410 9E02";
    r.kiosks = {{a, "Warszawa tent 1", 12, 1530, 0, 12, {}, ""}, {b, "Vilnius hall", 9, 3040, 2, 11, {{10, 10}}, "10"}};
    r.kiosk_tallies = {{a, "political-prisoners", 1200, 1130, 70, 0}, {a, "free-elections", 400, 398, 2, 0},
                       {b, "political-prisoners", 2200, 1990, 190, 20}, {b, "free-elections", 840, 829, 11, 0}};
    r.held = {{b, "Vilnius hall", 11, "gap: batch 10 not received", 1795900000}, {u, "", 1, "kiosk not enrolled", 1795990000}};
    r.alarm_rows = {{"fork", b, 7, "two different batches 7 from this kiosk", 1795500000, 1795600000, 3}};
    r.members = 4100;
    r.registry_joins = 1320;
    (void)total;
    (void)day_sum;
    std::ofstream(out, std::ios::binary) << sync::report_html(r);
    SUCCEED();
}
