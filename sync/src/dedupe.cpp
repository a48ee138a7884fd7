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

Result<MemberMatch> MemberIndex::find_or_create(Database& db, const MemberKeys& k) {
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
        auto st = db.cached("SELECT name_key, country, email_key, phone_key FROM members WHERE id = ?1");
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
            Found f{id, email, phone};
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
    if (found.id != 0) {
        m.member = found.id;
        // The member learns contact keys it did not have, so the next registration with them matches.
        // (Whether a member joined the registry is not kept here: the report derives it from the
        // registrations, so a returning member costs no write to this table — coord_db.cpp, schema 3.)
        const bool learn_email = found.email_key.empty() && !k.email_key.empty();
        const bool learn_phone = found.phone_key.empty() && !k.phone_key.empty();
        if (learn_email || learn_phone) {
            auto up = db.cached("UPDATE members SET email_key = ?2, phone_key = ?3 WHERE id = ?1");
            if (!up) return up.error();
            up->bind(1, found.id).bind(2, learn_email ? k.email_key : found.email_key)
                .bind(3, learn_phone ? k.phone_key : found.phone_key);
            if (auto r = up->run(); !r) return r.error();
        }
        return m;
    }
    auto ins = db.cached("INSERT INTO members(name_key, country, email_key, phone_key) VALUES(?1, ?2, ?3, ?4)");
    if (!ins) return ins.error();
    ins->bind(1, k.name_key).bind(2, k.country).bind(3, k.email_key).bind(4, k.phone_key);
    if (auto r = ins->run(); !r) return r.error();
    m.member = db.last_insert_rowid();
    m.created = true;
    pending_.emplace_back(h, m.member);
    pending_by_hash_.emplace(h, m.member);
    return m;
}

Result<MemberMatch> find_or_create_member(Database& db, const MemberKeys& k) {
    MemberIndex index;
    if (auto s = index.sync(db); !s) return s.error();
    return index.find_or_create(db, k);
}

// [SECTION] Counted signatures

namespace {
constexpr int kAppealBits = 20;                                     // up to ~10⁶ distinct appeal ids
constexpr std::int64_t kMaxMember = std::int64_t{1} << (63 - kAppealBits);  // member ids below 2⁴³
// (member·appeal key, signature id) pairs are ordered and compared by key alone.
constexpr auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
constexpr auto same_key = [](const auto& a, const auto& b) { return a.first == b.first; };
}  // namespace

std::uint64_t CountedIndex::key_if_known(std::int64_t member, std::string_view appeal_id) const {
    if (member <= 0 || member >= kMaxMember) return 0;
    auto it = appeal_codes_.find(appeal_id);
    if (it == appeal_codes_.end()) return 0;
    return (static_cast<std::uint64_t>(member) << kAppealBits) | it->second;
}

Result<std::uint64_t> CountedIndex::key(std::int64_t member, std::string_view appeal_id) {
    if (const std::uint64_t k = key_if_known(member, appeal_id); k != 0) return k;
    if (member <= 0 || member >= kMaxMember) return make_error("counted signatures: member id out of range");
    if (appeal_codes_.size() + 1 >= (std::size_t{1} << kAppealBits)) return make_error("counted signatures: too many appeals");
    appeal_codes_.emplace(std::string(appeal_id), static_cast<std::uint32_t>(appeal_codes_.size() + 1));
    return key_if_known(member, appeal_id);
}

Status CountedIndex::load_all(Database& db, std::int64_t withdrawn_count) {
    sorted_.clear();
    pending_.clear();
    max_id_ = 0;
    std::vector<std::int64_t> withdrawn;
    {
        auto st = db.cached("SELECT id FROM signatures WHERE withdrawn_at IS NOT NULL ORDER BY id");
        if (!st) return st.error();
        while (true) {
            auto row = st->step();
            if (!row) return row.error();
            if (!*row) break;
            withdrawn.push_back(st->column_int(0));
        }
        st->reset();
    }
    auto st = db.cached("SELECT signature, member, appeal_id FROM receipts ORDER BY signature");
    if (!st) return st.error();
    while (true) {
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) break;
        const std::int64_t id = st->column_int(0);
        max_id_ = std::max(max_id_, id);
        if (std::binary_search(withdrawn.begin(), withdrawn.end(), id)) continue;
        auto k = key(st->column_int(1), st->column_text(2));
        if (!k) {
            st->reset();
            return k.error();
        }
        sorted_.emplace_back(*k, id);
    }
    st->reset();
    // In id order, so the stable sort keeps each key's lowest id first: that one counts.
    std::stable_sort(sorted_.begin(), sorted_.end(), by_key);
    sorted_.erase(std::unique(sorted_.begin(), sorted_.end(), same_key), sorted_.end());
    sorted_.shrink_to_fit();
    withdrawn_ = withdrawn_count;
    loaded_ = true;
    return {};
}

Status CountedIndex::catch_up(Database& db) {
    auto st = db.cached("SELECT signature, member, appeal_id FROM receipts WHERE signature > ?1 ORDER BY signature");
    if (!st) return st.error();
    st->bind(1, max_id_);
    pending_.clear();
    pending_max_id_ = max_id_;
    Status status;
    while (true) {
        auto row = st->step();
        if (!row) {
            status = row.error();
            break;
        }
        if (!*row) break;
        // Newer than anything withdrawn this index has seen, so not withdrawn (the count matched).
        if (auto s = note_signature(st->column_int(1), st->column_text(2), st->column_int(0)); !s) {
            status = s;
            break;
        }
    }
    st->reset();
    if (!status) {
        rollback();
        return status;
    }
    commit();
    return {};
}

Status CountedIndex::sync(Database& db) {
    auto w = db.query_int("SELECT count(*) FROM signatures WHERE withdrawn_at IS NOT NULL");
    if (!w) return w.error();
    if (!loaded_ || *w != withdrawn_) return load_all(db, *w);
    return catch_up(db);
}

std::int64_t CountedIndex::find(std::int64_t member, std::string_view appeal_id) const {
    const std::uint64_t k = key_if_known(member, appeal_id);
    if (k == 0) return 0;
    if (auto p = pending_.find(k); p != pending_.end()) return p->second;
    auto it = std::lower_bound(sorted_.begin(), sorted_.end(), std::pair<std::uint64_t, std::int64_t>{k, 0}, by_key);
    return it != sorted_.end() && it->first == k ? it->second : 0;
}

Status CountedIndex::note_signature(std::int64_t member, std::string_view appeal_id, std::int64_t signature) {
    pending_max_id_ = std::max(pending_max_id_, signature);
    if (find(member, appeal_id) != 0) return {};
    auto k = key(member, appeal_id);
    if (!k) return k.error();
    pending_[*k] = signature;
    return {};
}

Status CountedIndex::note_withdrawal(std::int64_t member, std::string_view appeal_id, bool was_counted, std::int64_t heir) {
    ++pending_withdrawn_;
    if (!was_counted) return {};
    auto k = key(member, appeal_id);
    if (!k) return k.error();
    pending_[*k] = heir;
    return {};
}

void CountedIndex::commit() {
    std::vector<std::pair<std::uint64_t, std::int64_t>> added;
    bool removed = false;
    for (const auto& [k, id] : pending_) {
        auto it = std::lower_bound(sorted_.begin(), sorted_.end(), std::pair<std::uint64_t, std::int64_t>{k, 0}, by_key);
        if (it != sorted_.end() && it->first == k) {
            it->second = id;  // a withdrawal moved the count (0: removed below)
            removed = removed || id == 0;
        } else if (id != 0) {
            added.emplace_back(k, id);
        }
    }
    if (removed) std::erase_if(sorted_, [](const auto& e) { return e.second == 0; });
    std::sort(added.begin(), added.end());
    const auto mid = static_cast<std::ptrdiff_t>(sorted_.size());
    sorted_.insert(sorted_.end(), added.begin(), added.end());
    std::inplace_merge(sorted_.begin(), sorted_.begin() + mid, sorted_.end(), by_key);
    max_id_ = std::max(max_id_, pending_max_id_);
    withdrawn_ += pending_withdrawn_;
    rollback();
}

void CountedIndex::rollback() {
    pending_.clear();
    pending_max_id_ = max_id_;
    pending_withdrawn_ = 0;
}

}  // namespace embassy::sync
