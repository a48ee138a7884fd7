// Enrolled, held and revoked kiosks; rename and revoke (kiosks.hpp states the rules).
#include "embassy/sync/kiosks.hpp"

#include "embassy/registry/text.hpp"
#include "embassy/sync/import.hpp"

#include <algorithm>
#include <map>

namespace embassy::sync {

const char* kiosk_state_name(KioskState s) {
    switch (s) {
        case KioskState::enrolled: return "enrolled";
        case KioskState::held: return "held";
        case KioskState::revoked: return "revoked";
    }
    return "?";
}

namespace {

// The smaller of two times where 0 means "none".
std::int64_t earliest(std::int64_t a, std::int64_t b) { return a == 0 ? b : b == 0 ? a : std::min(a, b); }

Result<std::vector<KioskRow>> enrolled_rows(Coordinator& c) {
    std::vector<KioskRow> out;
    auto st = c.db().prepare(
        "SELECT k.fingerprint, k.name, k.last_seq, k.enrolled_at, coalesce(k.revoked_at, 0), k.revoked_reason, "
        "  (SELECT count(*) FROM batches b WHERE b.kiosk = k.id), "
        "  (SELECT coalesce(min(imported_at), 0) FROM batches b WHERE b.kiosk = k.id), "
        "  (SELECT coalesce(max(imported_at), 0) FROM batches b WHERE b.kiosk = k.id), "
        "  (SELECT count(*) FROM revoked_batches r WHERE r.kiosk = k.id), "
        "  (SELECT coalesce(min(first_seen), 0) FROM revoked_batches r WHERE r.kiosk = k.id), "
        "  (SELECT coalesce(max(last_seen), 0) FROM revoked_batches r WHERE r.kiosk = k.id) "
        "FROM kiosks k ORDER BY k.id");
    if (!st) return make_error("kiosks: " + st.message());
    while (true) {
        auto row = st->step();
        if (!row) return make_error("kiosks: " + row.message());
        if (!*row) break;
        KioskRow k;
        k.fingerprint = st->column_text(0);
        k.name = st->column_text(1);
        k.last_seq = static_cast<std::uint64_t>(st->column_int(2));
        k.enrolled_at = st->column_int(3);
        k.revoked_at = st->column_int(4);
        k.revoked_reason = st->column_text(5);
        k.state = k.revoked_at != 0 ? KioskState::revoked : KioskState::enrolled;
        k.batches = st->column_int(6);
        k.held_batches = st->column_int(9);
        k.first_seen = earliest(st->column_int(7), st->column_int(10));
        k.last_seen = std::max(st->column_int(8), st->column_int(11));
        out.push_back(std::move(k));
    }
    return out;
}

// Kiosks not enrolled whose batches wait in <dir>/quarantine, by first seen.
std::vector<KioskRow> held_rows(Coordinator& c) {
    std::map<std::string, KioskRow> by_fp;
    for (const auto& h : held_files(c)) {
        if (c.kiosk_by_key(h.kiosk_key)) continue;   // a gap of an enrolled kiosk, or a revoked one's
        KioskRow& k = by_fp[fingerprint(h.kiosk_key)];
        k.state = KioskState::held;
        k.fingerprint = fingerprint(h.kiosk_key);
        ++k.held_batches;
        k.first_seen = earliest(k.first_seen, h.held_at);
        k.last_seen = std::max(k.last_seen, h.held_at);
    }
    std::vector<KioskRow> out;
    for (auto& [fp, k] : by_fp) out.push_back(std::move(k));
    std::stable_sort(out.begin(), out.end(), [](const KioskRow& a, const KioskRow& b) { return a.first_seen < b.first_seen; });
    return out;
}

Result<EnrolledKiosk> find(Coordinator& c, std::string_view fp, const char* what) {
    const std::string want = normalize_fingerprint(fp);
    if (want.empty()) return make_error(std::string(what) + ": a kiosk fingerprint is 20 hex digits");
    auto k = c.kiosk_by_fingerprint(want);
    if (!k) return make_error(std::string(what) + ": no enrolled kiosk " + want + " (coord kiosks lists them)");
    return *k;
}

}  // namespace

Result<std::vector<KioskRow>> list_kiosks(Coordinator& c) {
    auto rows = enrolled_rows(c);
    if (!rows) return rows.error();
    for (auto& h : held_rows(c)) rows->push_back(std::move(h));
    return rows;
}

Result<std::vector<KioskRow>> held_kiosks(Coordinator& c) {
    auto rows = list_kiosks(c);
    if (!rows) return rows.error();
    std::erase_if(*rows, [](const KioskRow& k) { return k.state == KioskState::enrolled; });
    return rows;
}

Result<EnrolledKiosk> rename_kiosk(Coordinator& c, std::string_view fp, std::string_view name) {
    auto k = find(c, fp, "kiosk rename");
    if (!k) return k.error();
    // Printed in reports, CSV and HTML: the rule enroll applies.
    if (auto ok = registry::check_label(name, "kiosk rename: name"); !ok) return ok.error();
    auto st = c.db().prepare("UPDATE kiosks SET name = ?2 WHERE id = ?1");
    if (!st) return make_error("kiosk rename: " + st.message());
    st->bind(1, k->id).bind(2, name);
    if (auto r = st->run(); !r) return make_error("kiosk rename: " + r.message());
    k->name = std::string(name);
    return k;
}

Result<EnrolledKiosk> revoke_kiosk(Coordinator& c, std::string_view fp, std::string_view reason, std::int64_t now_unix) {
    auto k = find(c, fp, "kiosk revoke");
    if (!k) return k.error();
    if (k->revoked_at != 0) return k;
    if (!reason.empty())
        if (auto ok = registry::check_label(reason, "kiosk revoke: reason"); !ok) return ok.error();
    auto st = c.db().prepare("UPDATE kiosks SET revoked_at = ?2, revoked_reason = ?3 WHERE id = ?1 AND revoked_at IS NULL");
    if (!st) return make_error("kiosk revoke: " + st.message());
    st->bind(1, k->id).bind(2, now_unix).bind(3, reason);
    if (auto r = st->run(); !r) return make_error("kiosk revoke: " + r.message());
    k->revoked_at = now_unix;
    k->revoked_reason = std::string(reason);
    return k;
}

}  // namespace embassy::sync
