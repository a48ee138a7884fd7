#include "embassy/sync/audit.hpp"

#include "embassy/sync/coord_db.hpp"

#include <algorithm>
#include <sstream>

namespace embassy::sync {
namespace {

bool is_word(std::string_view s) {
    return !s.empty() && s.size() <= 32 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

bool is_note(std::string_view s) {
    return s.size() <= 200 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

// "3F2A9C01…" → "3F2A 9C01 …": the form the kiosks table and every report print.
std::string spaced(const std::string& compact) {
    std::string out;
    for (std::size_t i = 0; i < compact.size(); ++i) {
        if (i && i % 4 == 0) out.push_back(' ');
        out.push_back(compact[i]);
    }
    return out;
}

std::vector<AuditCount> parse_counts(const std::string& text) {
    std::vector<AuditCount> out;
    std::istringstream in(text);
    std::string item;
    while (in >> item) {
        auto eq = item.find('=');
        if (eq == std::string::npos) continue;
        AuditCount c;
        c.key = item.substr(0, eq);
        c.value = std::strtoll(item.c_str() + eq + 1, nullptr, 10);
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace

std::string audit_counts_text(const std::vector<AuditCount>& counts) {
    std::string out;
    for (const auto& c : counts) out += (out.empty() ? "" : " ") + c.key + "=" + std::to_string(c.value);
    return out;
}

Status audit_append(registry::Database& db, const AuditEntry& e) {
    if (!is_word(e.kind)) return make_error("audit log: an entry's kind must be a lowercase word");
    for (const auto& c : e.counts)
        if (!is_word(c.key)) return make_error("audit log: a count's name must be a lowercase word (" + e.kind + ")");
    std::string kiosk;
    if (!e.kiosk.empty()) {
        const std::string compact = normalize_fingerprint(e.kiosk);
        if (compact.empty()) return make_error("audit log: the kiosk of a " + e.kind + " entry must be a fingerprint");
        kiosk = spaced(compact);
    }
    if (!is_note(e.detail)) return make_error("audit log: the detail of a " + e.kind + " entry must be short printable ASCII");
    auto st = db.cached("INSERT INTO audit(at, kind, kiosk, counts, detail) VALUES(?, ?, ?, ?, ?)");
    if (!st) return st.error();
    st->bind(1, e.time_unix).bind(2, e.kind).bind(3, kiosk).bind(4, audit_counts_text(e.counts)).bind(5, e.detail);
    if (auto s = st->run(); !s) return make_error("audit log: " + s.message());
    return {};
}

Status audit_append(registry::Database& db, std::string_view kind, std::int64_t time_unix, std::vector<AuditCount> counts,
                    std::string_view kiosk, std::string_view detail) {
    AuditEntry e;
    e.kind = std::string(kind);
    e.time_unix = time_unix;
    e.counts = std::move(counts);
    e.kiosk = std::string(kiosk);
    e.detail = std::string(detail);
    return audit_append(db, e);
}

Result<std::vector<AuditEntry>> audit_read(registry::Database& db, std::int64_t since_unix, std::size_t limit) {
    auto st = db.prepare("SELECT id, at, kind, kiosk, counts, detail FROM audit WHERE at >= ? ORDER BY id");
    if (!st) return st.error();
    st->bind(1, since_unix);
    std::vector<AuditEntry> out;
    auto s = st->each_row([&](const registry::Statement& r) {
        AuditEntry e;
        e.id = r.column_int(0);
        e.time_unix = r.column_int(1);
        e.kind = r.column_text(2);
        e.kiosk = r.column_text(3);
        e.counts = parse_counts(r.column_text(4));
        e.detail = r.column_text(5);
        out.push_back(std::move(e));
    });
    if (!s) return make_error("audit log: " + s.message());
    if (limit > 0 && out.size() > limit) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(limit));
    return out;
}

}  // namespace embassy::sync
