// Deduplication by index (dedupe.hpp states the rule).
#include "embassy/sync/dedupe.hpp"

#include "embassy/registry/matchkey.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>

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

std::uint64_t name_hash(std::string_view name_key) {
    unsigned char out[crypto_generichash_BYTES_MIN];  // BLAKE2b's shortest output; 8 bytes of it are used
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(name_key.data()), name_key.size(),  // NOLINT
                       nullptr, 0);
    std::uint64_t h = 0;
    std::memcpy(&h, out, sizeof h);
    return h;
}

}  // namespace

Status MemberIndex::sync(Database& db) {
    auto st = db.cached("SELECT id, name_key FROM members WHERE id > ?1 ORDER BY id");
    if (!st) return st.error();
    st->bind(1, loaded_ ? max_id_ : std::int64_t{0});
    std::vector<std::pair<std::uint64_t, std::int64_t>> more;
    while (true) {
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) break;
        const std::int64_t id = st->column_int(0);
        more.emplace_back(name_hash(st->column_text(1)), id);
        max_id_ = std::max(max_id_, id);
    }
    st->reset();
    loaded_ = true;
    if (more.empty()) return {};
    std::sort(more.begin(), more.end());
    const auto mid = static_cast<std::ptrdiff_t>(sorted_.size());
    sorted_.insert(sorted_.end(), more.begin(), more.end());
    std::inplace_merge(sorted_.begin(), sorted_.begin() + mid, sorted_.end());
    return {};
}

void MemberIndex::commit() {
    if (pending_.empty()) return;
    std::sort(pending_.begin(), pending_.end());
    const auto mid = static_cast<std::ptrdiff_t>(sorted_.size());
    sorted_.insert(sorted_.end(), pending_.begin(), pending_.end());
    std::inplace_merge(sorted_.begin(), sorted_.begin() + mid, sorted_.end());
    for (const auto& [h, id] : pending_) max_id_ = std::max(max_id_, id);
    pending_.clear();
    pending_by_hash_.clear();
}

void MemberIndex::rollback() {
    pending_.clear();
    pending_by_hash_.clear();
}

Result<MemberMatch> MemberIndex::find_or_create(Database& db, const MemberKeys& k, bool joined_registry) {
    if (!loaded_)
        if (auto s = sync(db); !s) return s.error();
    const std::uint64_t h = name_hash(k.name_key);
    std::vector<std::int64_t> ids;
    for (auto r = std::equal_range(sorted_.begin(), sorted_.end(), std::pair<std::uint64_t, std::int64_t>{h, 0},
                                   [](const auto& a, const auto& b) { return a.first < b.first; });
         r.first != r.second; ++r.first)
        ids.push_back(r.first->second);
    for (auto r = pending_by_hash_.equal_range(h); r.first != r.second; ++r.first) ids.push_back(r.first->second);
    std::sort(ids.begin(), ids.end());

    // The rule's branches in order: (a) same email, else (b) same phone, else (c) same country
    // without a contradiction; the lowest member id wins within a branch.
    Found by_email, by_phone, by_country;
    const bool named = !k.name_key.empty();
    if (!ids.empty()) {
        auto st = db.cached("SELECT name_key, country, email_key, phone_key, joined_registry FROM members WHERE id = ?1");
        if (!st) return st.error();
        for (std::int64_t id : ids) {
            st->bind(1, id);
            auto row = st->step();
            if (!row) return row.error();
            if (!*row || st->column_text(0) != k.name_key) {  // a hash collision
                st->reset();
                continue;
            }
            std::string email = st->column_text(2), phone = st->column_text(3);
            Found f{id, email, phone, st->column_int(4)};
            const bool country = named && !k.country.empty() && st->column_text(1) == k.country;
            st->reset();
            if (!k.email_key.empty() && email == k.email_key) {
                by_email = f;
                break;
            }
            if (by_phone.id == 0 && !k.phone_key.empty() && phone == k.phone_key) by_phone = f;
            else if (by_country.id == 0 && country && (k.email_key.empty() || email.empty()) &&
                     (k.phone_key.empty() || phone.empty() || phone == k.phone_key))
                by_country = f;
        }
    }
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
    pending_.emplace_back(h, m.member);
    pending_by_hash_.emplace(h, m.member);
    return m;
}

Result<MemberMatch> find_or_create_member(Database& db, const MemberKeys& k, bool joined_registry) {
    MemberIndex index;
    if (auto s = index.sync(db); !s) return s.error();
    return index.find_or_create(db, k, joined_registry);
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
