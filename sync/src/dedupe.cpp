// Deduplication by index (dedupe.hpp states the rule).
#include "embassy/sync/dedupe.hpp"

#include "embassy/registry/matchkey.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <limits>

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

std::int64_t lowest_of(std::int64_t a, std::int64_t b) { return a == 0 ? b : b == 0 ? a : std::min(a, b); }

constexpr auto by_hash = [](const auto& a, const auto& b) { return a.first < b.first; };

}  // namespace

MemberIndex::MemberIndex() { crypto_shorthash_keygen(key_); }

std::uint64_t MemberIndex::hash(Table t, std::string_view a, std::string_view b) const {
    // table, length of a, a, b: no two (table, a, b) give the same input.
    std::string in;
    in.reserve(9 + a.size() + b.size());
    in.push_back(static_cast<char>(t));
    const std::uint64_t n = a.size();
    in.append(reinterpret_cast<const char*>(&n), sizeof n);  // NOLINT: bytes of a length
    in.append(a);
    in.append(b);
    unsigned char out[crypto_shorthash_BYTES];
    crypto_shorthash(out, reinterpret_cast<const unsigned char*>(in.data()), in.size(), key_);  // NOLINT
    std::uint64_t h = 0;
    std::memcpy(&h, out, sizeof h);
    return h;
}

std::uint8_t MemberIndex::flags(std::int64_t id) const {
    if (auto it = pending_flags_.find(id); it != pending_flags_.end()) return it->second;
    return id >= 0 && static_cast<std::uint64_t>(id) < flags_.size() ? flags_[static_cast<std::size_t>(id)] : std::uint8_t{0};
}

bool MemberIndex::in_table(Table t, std::int64_t id) const {
    const std::uint8_t f = flags(id);
    switch (t) {
        case no_email: return (f & kHasEmail) == 0;
        case no_phone: return (f & kHasPhone) == 0;
        case no_contact: return (f & (kHasEmail | kHasPhone)) == 0;
        default: return true;  // the other tables only gain members
    }
}

std::int64_t MemberIndex::lowest(Table t, std::uint64_t h) {
    const bool loses = t == no_email || t == no_phone || t == no_contact;
    std::int64_t committed = 0;
    auto& v = sorted_[t];
    auto [lo, hi] = std::equal_range(v.begin(), v.end(), std::pair<std::uint64_t, std::int64_t>{h, 0}, by_hash);
    if (lo != hi) {
        if (!loses) {
            committed = lo->second;  // sorted by (hash, id): the first is the lowest
        } else {
            auto sk = skip_[t].find(h);
            auto it = sk == skip_[t].end() ? lo : std::lower_bound(lo, hi, std::pair<std::uint64_t, std::int64_t>{h, sk->second});
            const auto from = it;
            while (it != hi && !in_table(t, it->second)) ++it;  // members that learned a key in this transaction
            if (it != from) skip_[t][h] = it != hi ? it->second : std::numeric_limits<std::int64_t>::max();
            if (it != hi) committed = it->second;
        }
    }
    if (committed != 0 && loses) return committed;  // committed ids are below every pending one
    auto p = pending_[t].find(h);
    if (p == pending_[t].end()) return committed;
    Pending& b = p->second;
    if (!loses) return lowest_of(committed, b.lowest);
    while (b.head < b.ids.size() && !in_table(t, b.ids[b.head])) ++b.head;
    return b.head < b.ids.size() ? b.ids[b.head] : committed;
}

// Into the committed table (appended; load() sorts) or the open transaction's.
void MemberIndex::add(Table t, const Row& r, std::int64_t id, bool committed) {
    const std::uint64_t h = t == by_email ? hash(t, r.name_key, r.email_key)
                          : t == by_phone ? hash(t, r.name_key, r.phone_key)
                                       : hash(t, r.name_key, r.country);
    if (committed) {
        sorted_[t].emplace_back(h, id);
        return;
    }
    Pending& b = pending_[t][h];
    b.ids.push_back(id);
    b.lowest = lowest_of(b.lowest, id);
}

void MemberIndex::enter_all(const Row& r, bool committed) {
    if (!r.email_key.empty()) add(by_email, r, r.id, committed);
    if (!r.phone_key.empty()) add(by_phone, r, r.id, committed);
    if (r.name_key.empty() || r.country.empty()) return;  // (c) needs a name and a country
    add(by_country, r, r.id, committed);
    if (r.email_key.empty()) add(no_email, r, r.id, committed);
    if (r.phone_key.empty()) add(no_phone, r, r.id, committed);
    if (r.email_key.empty() && r.phone_key.empty()) add(no_contact, r, r.id, committed);
}

std::uint8_t MemberIndex::flags_of(const Row& r) {
    return static_cast<std::uint8_t>(kKnown | (r.email_key.empty() ? 0 : kHasEmail) | (r.phone_key.empty() ? 0 : kHasPhone));
}

Status MemberIndex::load(Database& db, bool full) {
    if (full) {
        for (auto& v : sorted_) v.clear();
        flags_.clear();
        members_ = 0;
        max_id_ = 0;
        rollback();
    }
    std::size_t old_size[kTables];
    for (int t = 0; t < kTables; ++t) old_size[t] = sorted_[t].size();
    auto st = db.cached("SELECT id, name_key, country, email_key, phone_key FROM members WHERE id > ?1 ORDER BY id");
    if (!st) return st.error();
    st->bind(1, max_id_);
    while (true) {
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) break;
        Row r{st->column_int(0), st->column_text(1), st->column_text(2), st->column_text(3), st->column_text(4)};
        if (r.id <= 0) continue;
        if (static_cast<std::uint64_t>(r.id) >= flags_.size()) flags_.resize(static_cast<std::size_t>(r.id) + 1, 0);
        flags_[static_cast<std::size_t>(r.id)] = flags_of(r);
        enter_all(r, true);
        max_id_ = std::max(max_id_, r.id);
        ++members_;
    }
    st->reset();
    for (int t = 0; t < kTables; ++t) {
        auto& v = sorted_[t];
        const auto mid = v.begin() + static_cast<std::ptrdiff_t>(old_size[t]);
        std::sort(mid, v.end());
        std::inplace_merge(v.begin(), mid, v.end());
        if (full) v.shrink_to_fit();
    }
    loaded_ = true;
    return {};
}

Status MemberIndex::sync(Database& db) {
    // Another connection's commit (PRAGMA data_version changes only for those) may have added
    // members or taught existing ones a key; a full load sees both. This connection's own writes
    // go through this index.
    auto dv = db.query_int("PRAGMA data_version");
    if (!dv) return dv.error();
    const bool full = !loaded_ || *dv != data_version_;
    data_version_ = *dv;
    if (!full && (pending_members_ != 0 || !pending_flags_.empty())) return {};  // mid-transaction: nothing new to see
    return load(db, full);
}

void MemberIndex::commit() {
    for (const auto& [id, f] : pending_flags_) {
        if (static_cast<std::uint64_t>(id) >= flags_.size()) flags_.resize(static_cast<std::size_t>(id) + 1, 0);
        flags_[static_cast<std::size_t>(id)] = f;
    }
    for (int i = 0; i < kTables; ++i) {
        const Table t = static_cast<Table>(i);
        auto& v = sorted_[t];
        const bool loses = t == no_email || t == no_phone || t == no_contact;
        // Members that learned a key leave the "no" tables here, in one pass, not one erase each.
        if (left_ && loses) std::erase_if(v, [&](const auto& e) { return !in_table(t, e.second); });
        const auto old = static_cast<std::ptrdiff_t>(v.size());
        for (const auto& [h, b] : pending_[t])
            for (std::int64_t id : b.ids)
                if (in_table(t, id)) v.emplace_back(h, id);
        std::sort(v.begin() + old, v.end());
        std::inplace_merge(v.begin(), v.begin() + old, v.end());
    }
    members_ += pending_members_;
    max_id_ = std::max(max_id_, pending_max_id_);
    pending_flags_.clear();
    rollback();
}

void MemberIndex::rollback() {
    for (auto& p : pending_) p.clear();
    for (auto& s : skip_) s.clear();
    pending_flags_.clear();
    pending_members_ = 0;
    pending_max_id_ = 0;
    left_ = false;
}

Result<MemberIndex::Row> MemberIndex::read_row(Database& db, std::int64_t id) {
    auto st = db.cached("SELECT name_key, country, email_key, phone_key, coalesce(merged_into, 0) FROM members WHERE id = ?1");
    if (!st) return st.error();
    st->bind(1, id);
    auto row = st->step();
    if (!row) return row.error();
    ++rows_read_;
    Row r;
    if (*row) r = Row{id, st->column_text(0), st->column_text(1), st->column_text(2), st->column_text(3), st->column_int(4)};
    st->reset();
    return r;
}

// The rule over every member with this name key, read in SQL (no index: a scan of the table).
// Only after a hash collision, which nobody can aim for (the key is random).
Result<std::int64_t> MemberIndex::scan(Database& db, const MemberKeys& k, Row& out) {
    auto st = db.cached("SELECT id, country, email_key, phone_key, coalesce(merged_into, 0) FROM members WHERE name_key = ?1 ORDER BY id");
    if (!st) return st.error();
    st->bind(1, k.name_key);
    const bool named = !k.name_key.empty();
    Row e_match, p_match, c_match;
    while (true) {
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) break;
        ++rows_read_;
        Row f{st->column_int(0), k.name_key, st->column_text(1), st->column_text(2), st->column_text(3), st->column_int(4)};
        const bool same_country = named && !k.country.empty() && f.country == k.country;
        if (!k.email_key.empty() && f.email_key == k.email_key) {
            e_match = f;
            break;
        }
        if (p_match.id == 0 && !k.phone_key.empty() && f.phone_key == k.phone_key) p_match = f;
        else if (c_match.id == 0 && same_country && (k.email_key.empty() || f.email_key.empty()) &&
                 (k.phone_key.empty() || f.phone_key.empty() || f.phone_key == k.phone_key))
            c_match = f;
    }
    st->reset();
    out = e_match.id != 0 ? e_match : p_match.id != 0 ? p_match : c_match;
    return out.id;
}

Result<MemberMatch> MemberIndex::find_or_create(Database& db, const MemberKeys& k) {
    if (!loaded_)
        if (auto s = sync(db); !s) return s.error();
    const bool named = !k.name_key.empty();

    // The rule's branches in order: (a) same email, else (b) same phone, else (c) same country
    // without a contradiction; the lowest member id wins within a branch. Each is one bucket.
    Row found;
    bool collision = false;
    auto try_bucket = [&](Table t, std::string_view second, auto&& confirms) -> Status {
        if (found.id != 0 || collision) return {};
        const std::int64_t id = lowest(t, hash(t, k.name_key, second));
        if (id == 0) return {};
        auto r = read_row(db, id);
        if (!r) return r.error();
        if (r->id == id && r->name_key == k.name_key && confirms(*r)) found = std::move(*r);
        else collision = true;  // another key with the same hash
        return {};
    };
    if (!k.email_key.empty())
        if (auto s = try_bucket(by_email, k.email_key, [&](const Row& r) { return r.email_key == k.email_key; }); !s) return s.error();
    if (!k.phone_key.empty())
        if (auto s = try_bucket(by_phone, k.phone_key, [&](const Row& r) { return r.phone_key == k.phone_key; }); !s) return s.error();
    if (named && !k.country.empty()) {
        // (c) with an email wants members without one; with a phone, members without one (an
        // equal phone was (b)).
        const Table t = k.email_key.empty() ? (k.phone_key.empty() ? by_country : no_phone)
                                            : (k.phone_key.empty() ? no_email : no_contact);
        if (auto s = try_bucket(t, k.country,
                                [&](const Row& r) {
                                    return r.country == k.country && (k.email_key.empty() || r.email_key.empty()) &&
                                           (k.phone_key.empty() || r.phone_key.empty() || r.phone_key == k.phone_key);
                                });
            !s)
            return s.error();
    }
    if (collision) {
        ++scans_;
        found = Row{};
        if (auto s = scan(db, k, found); !s) return s.error();
    }

    MemberMatch m;
    // A member merged into another (duplicates.hpp): the registration joins the one it went into,
    // following a chain of merges (each merge absorbs a member not merged before, so it ends).
    for (int hops = 0; found.id != 0 && found.merged_into != 0; ++hops) {
        if (hops > 1'000'000) return make_error("deduplication: a loop of merged members");
        auto next = read_row(db, found.merged_into);
        if (!next) return next.error();
        if (next->id == 0) return make_error("deduplication: a merged member points at no member");
        found = std::move(*next);
    }
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
            if (learn_email) found.email_key = k.email_key;
            if (learn_phone) found.phone_key = k.phone_key;
            pending_flags_[found.id] = flags_of(found);
            if (learn_email) add(by_email, found, found.id, false);
            if (learn_phone) add(by_phone, found, found.id, false);
            left_ = true;  // it leaves the "no" tables it was in
        }
        return m;
    }
    auto ins = db.cached("INSERT INTO members(name_key, country, email_key, phone_key) VALUES(?1, ?2, ?3, ?4)");
    if (!ins) return ins.error();
    ins->bind(1, k.name_key).bind(2, k.country).bind(3, k.email_key).bind(4, k.phone_key);
    if (auto r = ins->run(); !r) return r.error();
    m.member = db.last_insert_rowid();
    m.created = true;
    const Row r{m.member, k.name_key, k.country, k.email_key, k.phone_key};
    pending_flags_[m.member] = flags_of(r);
    enter_all(r, false);
    ++pending_members_;
    pending_max_id_ = std::max(pending_max_id_, m.member);
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
    // Each merge and each unmerge moves signatures between members (duplicates.hpp).
    auto d = db.query_int("SELECT count(*) + count(unmerged_at) FROM merges");
    if (!d) return d.error();
    if (!loaded_ || *w != withdrawn_ || *d != decisions_) {
        decisions_ = *d;
        return load_all(db, *w);
    }
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
