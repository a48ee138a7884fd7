// Deduplication by index (dedupe.hpp states the rule).
#include "embassy/sync/dedupe.hpp"

#include "embassy/registry/matchkey.hpp"

#include <algorithm>

namespace embassy::sync {
using registry::Database;

MemberKeys member_keys(std::string_view given, std::string_view family, std::string_view country,
                       std::string_view email, std::string_view phone) {
    MemberKeys k;
    k.name_key = registry::name_match_key(given, family);
    k.country = std::string(country);
    k.email_key = registry::contact_match_key_email(email);
    k.phone_key = registry::contact_match_key_phone(phone);
    return k;
}

namespace {

bool both_equal(const std::string& a, const std::string& b) { return !a.empty() && a == b; }
bool contradict(const std::string& a, const std::string& b) { return !a.empty() && !b.empty() && a != b; }

}  // namespace

bool same_member(const MemberKeys& a, const MemberKeys& b) {
    if (a.name_key.empty() || b.name_key.empty()) {
        // No name to go on: only an identical contact, and only between two nameless registrations.
        if (!a.name_key.empty() || !b.name_key.empty()) return false;
        return both_equal(a.email_key, b.email_key) || both_equal(a.phone_key, b.phone_key);
    }
    if (a.name_key != b.name_key) return false;
    if (both_equal(a.email_key, b.email_key) || both_equal(a.phone_key, b.phone_key)) return true;
    return !a.country.empty() && a.country == b.country && !contradict(a.email_key, b.email_key) &&
           !contradict(a.phone_key, b.phone_key);
}

namespace {

struct Found {
    std::int64_t id = 0;
    std::string email_key, phone_key;
    std::int64_t joined = 0;
};

}  // namespace

Result<MemberMatch> find_or_create_member(Database& db, const MemberKeys& k, bool joined_registry) {
    // Every branch of the rule needs equal name keys, so one index on name_key finds all candidates
    // (usually none or one; a common name gives a few) and the rule picks among them in its order:
    // (a) same email, else (b) same phone, else (c) same country without a contradiction. The
    // lowest member id wins within each branch, as the rows come in id order.
    auto st = db.cached("SELECT id, country, email_key, phone_key, joined_registry FROM members WHERE name_key = ?1 ORDER BY id");
    if (!st) return st.error();
    st->bind(1, k.name_key);
    Found by_email, by_phone, by_country;
    const bool named = !k.name_key.empty();
    while (by_email.id == 0) {
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) break;
        std::string email = st->column_text(2), phone = st->column_text(3);
        auto found = [&] { return Found{st->column_int(0), email, phone, st->column_int(4)}; };
        if (!k.email_key.empty() && email == k.email_key) {
            by_email = found();
        } else if (by_phone.id == 0 && !k.phone_key.empty() && phone == k.phone_key) {
            by_phone = found();
        } else if (by_country.id == 0 && named && !k.country.empty() && st->column_text(1) == k.country &&
                   (k.email_key.empty() || email.empty()) && (k.phone_key.empty() || phone.empty() || phone == k.phone_key)) {
            by_country = found();
        }
    }
    st->reset();
    const Found& found = by_email.id != 0 ? by_email : by_phone.id != 0 ? by_phone : by_country;
    MemberMatch m;
    const std::int64_t joined = joined_registry ? 1 : 0;
    if (found.id != 0) {
        m.member = found.id;
        // The member learns contact keys it did not have, so the next registration with them matches.
        const bool learn_email = found.email_key.empty() && !k.email_key.empty();
        const bool learn_phone = found.phone_key.empty() && !k.phone_key.empty();
        if (learn_email || learn_phone || found.joined < joined) {
            auto up = db.cached("UPDATE members SET email_key = ?2, phone_key = ?3, joined_registry = ?4 WHERE id = ?1");
            if (!up) return up.error();
            up->bind(1, found.id).bind(2, learn_email ? k.email_key : found.email_key)
                .bind(3, learn_phone ? k.phone_key : found.phone_key).bind(4, std::max(found.joined, joined));
            if (auto r = up->run(); !r) return r.error();
        }
        return m;
    }
    auto ins = db.cached("INSERT INTO members(name_key, country, email_key, phone_key, joined_registry) VALUES(?1, ?2, ?3, ?4, ?5)");
    if (!ins) return ins.error();
    ins->bind(1, k.name_key).bind(2, k.country).bind(3, k.email_key).bind(4, k.phone_key).bind(5, joined);
    if (auto r = ins->run(); !r) return r.error();
    m.member = db.last_insert_rowid();
    m.created = true;
    return m;
}

Result<std::int64_t> counted_signature_of(Database& db, std::int64_t member, std::string_view appeal_id) {
    auto st = db.cached("SELECT id FROM signatures WHERE member = ?1 AND appeal_id = ?2 AND duplicate_of IS NULL "
                        "AND withdrawn_at IS NULL ORDER BY id LIMIT 1");
    if (!st) return st.error();
    st->bind(1, member).bind(2, appeal_id);
    auto row = st->step();
    if (!row) return row.error();
    std::int64_t id = *row ? st->column_int(0) : 0;
    st->reset();
    return id;
}

}  // namespace embassy::sync
