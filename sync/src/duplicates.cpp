// Possible duplicates and a coordinator's decisions (duplicates.hpp). Index:
//   [SECTION] Helpers
//   [SECTION] Stored keys made by an earlier rule
//   [SECTION] Review
//   [SECTION] Decisions
#include "embassy/sync/duplicates.hpp"

#include "embassy/registry/matchkey.hpp"
#include "embassy/sync/audit.hpp"
#include "embassy/sync/dedupe.hpp"

#include <algorithm>
#include <ctime>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

namespace embassy::sync {
using registry::Database;

namespace {

// [SECTION] Helpers

// Rows of a member's own registrations: where a signature or a registration without one came from
// before any merge still in force moved it. A row in several merges (moved on by a later one) is
// the absorbed member's of the earliest.
constexpr const char* kOwnerOfSignature =
    "WITH o AS (SELECT mm.signature AS row, min(mm.merge) AS m FROM merge_moves mm JOIN merges g ON g.id = mm.merge "
    "           WHERE g.unmerged_at IS NULL AND mm.signature IS NOT NULL GROUP BY mm.signature) "
    "SELECT coalesce(g.absorbed, s.member), s.batch, s.id, s.given_name, s.family_name "
    "FROM signatures s LEFT JOIN o ON o.row = s.id LEFT JOIN merges g ON g.id = o.m";
constexpr const char* kOwnerOfRegistration =
    "WITH o AS (SELECT mm.registration AS row, min(mm.merge) AS m FROM merge_moves mm JOIN merges g ON g.id = mm.merge "
    "           WHERE g.unmerged_at IS NULL AND mm.registration IS NOT NULL GROUP BY mm.registration) "
    "SELECT coalesce(g.absorbed, r.member), r.batch, r.id, r.given_name, r.family_name "
    "FROM registrations r LEFT JOIN o ON o.row = r.id LEFT JOIN merges g ON g.id = o.m";

// The registration that made a member: the lowest batch, in it a signature before a registration
// without one (the importer's order), then the lowest id.
struct Earliest {
    std::int64_t batch = std::numeric_limits<std::int64_t>::max(), kind = 2, id = 0;
    std::string given, family;
    bool before(std::int64_t b, std::int64_t k, std::int64_t i) const {
        return std::tie(b, k, i) < std::tie(batch, kind, id);
    }
};

Status collect_earliest(Database& db, const char* sql, std::int64_t kind, std::unordered_map<std::int64_t, Earliest>& out) {
    auto st = db.prepare(sql);
    if (!st) return st.error();
    return st->each_row([&](const registry::Statement& row) {
        Earliest& e = out[row.column_int(0)];
        const std::int64_t batch = row.column_int(1), id = row.column_int(2);
        if (e.before(batch, kind, id)) e = Earliest{batch, kind, id, row.column_text(3), row.column_text(4)};
    });
}

// The counted signature of each appeal is the lowest id not withdrawn; every other signature not
// withdrawn points at it. A withdrawn one keeps "was counted" (NULL) or points at the counted one
// if it was a duplicate (coord check's rule). The member's signatures come from the narrow
// receipts table, as in a withdrawal.
Status recount(Database& db, std::int64_t member) {
    auto st = db.prepare("SELECT r.signature, r.appeal_id, coalesce(s.duplicate_of, 0), s.withdrawn_at IS NOT NULL "
                         "FROM receipts r JOIN signatures s ON s.id = r.signature WHERE r.member = ?1 "
                         "ORDER BY r.appeal_id, r.signature");
    if (!st) return st.error();
    st->bind(1, member);
    struct Sig {
        std::int64_t id, duplicate_of;
        std::string appeal;
        bool withdrawn;
    };
    std::vector<Sig> sigs;
    if (auto s = st->each_row([&](const registry::Statement& row) {
            sigs.push_back({row.column_int(0), row.column_int(2), row.column_text(1), row.column_int(3) != 0});
        });
        !s)
        return s;
    auto up = db.prepare("UPDATE signatures SET duplicate_of = ?2 WHERE id = ?1");
    if (!up) return up.error();
    for (std::size_t b = 0; b < sigs.size();) {
        std::size_t e = b;
        std::int64_t counted = 0;
        while (e < sigs.size() && sigs[e].appeal == sigs[b].appeal) {
            if (counted == 0 && !sigs[e].withdrawn) counted = sigs[e].id;
            ++e;
        }
        for (std::size_t i = b; i < e; ++i) {
            const Sig& s = sigs[i];
            const std::int64_t want = s.id == counted ? 0 : s.withdrawn ? (s.duplicate_of != 0 ? counted : 0) : counted;
            if (want == s.duplicate_of) continue;
            up->bind(1, s.id);
            if (want == 0) up->bind_null(2);
            else up->bind(2, want);
            if (auto r = up->run(); !r) return r;
            up->reset();
        }
        b = e;
    }
    return {};
}

Result<std::int64_t> counted_of(Database& db, std::int64_t a, std::int64_t b) {
    auto st = db.prepare("SELECT count(*) FROM receipts r JOIN signatures s ON s.id = r.signature "
                         "WHERE r.member IN (?1, ?2) AND s.duplicate_of IS NULL AND s.withdrawn_at IS NULL");
    if (!st) return st.error();
    st->bind(1, a).bind(2, b);
    auto row = st->step();
    if (!row) return row.error();
    return *row ? st->column_int(0) : 0;
}

struct MemberState {
    bool exists = false;
    std::int64_t merged_into = 0;
    std::string name_key, country, email_key, phone_key;
};

Result<MemberState> member_state(Database& db, std::int64_t id) {
    auto st = db.prepare("SELECT coalesce(merged_into, 0), name_key, country, email_key, phone_key FROM members WHERE id = ?1");
    if (!st) return st.error();
    st->bind(1, id);
    auto row = st->step();
    if (!row) return row.error();
    MemberState m;
    if (*row) m = {true, st->column_int(0), st->column_text(1), st->column_text(2), st->column_text(3), st->column_text(4)};
    return m;
}

template <class... Ids>
Status run(Database& db, const char* sql, Ids... ids) {
    auto st = db.prepare(sql);
    if (!st) return st.error();
    int i = 1;
    (st->bind(i++, static_cast<std::int64_t>(ids)), ...);
    return st->run();
}

std::string utc_day(std::int64_t unix_minute) {
    // Minutes a date cannot show (the import bounds them; another writer may not) read "?".
    if (unix_minute < 0 || unix_minute > std::int64_t{4'000'000'000} / 60 * 60) return "?";
    const std::time_t t = static_cast<std::time_t>(unix_minute * 60);
    std::tm tm{};
    if (!gmtime_r(&t, &tm)) return "?";
    char buf[16];
    return std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm) ? std::string(buf) : std::string("?");
}

}  // namespace

// [SECTION] Stored keys made by an earlier rule

Result<MatchKeyRebuild> rebuild_match_keys(Database& db) {
    MatchKeyRebuild out;
    out.to = registry::name_match_key_version;
    auto v = db.query_int("SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'match_key_version'), 0)");
    if (!v) return make_error("rebuilding match keys: " + v.message());
    out.from = static_cast<int>(*v);
    if (out.from == out.to) return out;

    registry::Transaction tx(db);
    if (!tx.begun()) return tx.begun().error();
    std::unordered_map<std::int64_t, Earliest> earliest;
    if (auto s = collect_earliest(db, kOwnerOfSignature, 0, earliest); !s) return make_error("rebuilding match keys: " + s.message());
    if (auto s = collect_earliest(db, kOwnerOfRegistration, 1, earliest); !s)
        return make_error("rebuilding match keys: " + s.message());

    struct Stored {
        std::int64_t id;
        std::string key;
        bool merged;
    };
    std::vector<Stored> members;
    {
        auto st = db.prepare("SELECT id, name_key, merged_into IS NOT NULL FROM members ORDER BY id");
        if (!st) return st.error();
        if (auto s = st->each_row([&](const registry::Statement& row) {
                members.push_back({row.column_int(0), row.column_text(1), row.column_int(2) != 0});
            });
            !s)
            return s.error();
    }
    auto up = db.prepare("UPDATE members SET name_key = ?2 WHERE id = ?1");
    if (!up) return up.error();
    std::unordered_map<std::string, std::int64_t> live_keys;
    for (Stored& m : members) {
        if (auto it = earliest.find(m.id); it != earliest.end()) {
            std::string key = registry::name_match_key(it->second.given, it->second.family);
            ++out.members;
            if (key != m.key) {
                up->bind(1, m.id).bind(2, key);
                if (auto r = up->run(); !r) return make_error("rebuilding match keys: " + r.message());
                up->reset();
                ++out.changed;
                m.key = std::move(key);
            }
        }
        if (!m.merged && !m.key.empty()) ++live_keys[m.key];
    }
    for (const auto& [key, n] : live_keys)
        if (n > 1) out.sharing += n;
    auto put = db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES('match_key_version', ?1)");
    if (!put) return put.error();
    put->bind(1, std::int64_t{out.to});
    if (auto r = put->run(); !r) return make_error("rebuilding match keys: " + r.message());
    // In the audit log with the rebuild (a registry with no member yet has nothing to tell).
    if (out.members > 0)
        if (auto s = audit_append(db, "match_keys", static_cast<std::int64_t>(std::time(nullptr)),
                                  {{"from_version", out.from}, {"to_version", out.to}, {"members", out.members},
                                   {"changed", out.changed}, {"sharing", out.sharing}});
            !s)
            return make_error("rebuilding match keys: " + s.message());
    if (auto s = tx.commit(); !s) return make_error("rebuilding match keys: " + s.message());
    out.rebuilt = true;
    return out;
}

// [SECTION] Review

Result<std::vector<ReviewGroup>> review_duplicates(Coordinator& c, bool with_names) {
    Database& db = c.db();
    struct M {
        std::int64_t id;
        MemberKeys keys;
    };
    std::vector<M> members;
    {
        auto st = db.prepare("SELECT id, name_key, country, email_key, phone_key FROM members "
                             "WHERE merged_into IS NULL AND name_key <> '' ORDER BY id");
        if (!st) return st.error();
        if (auto s = st->each_row([&](const registry::Statement& row) {
                members.push_back({row.column_int(0), {row.column_text(1), row.column_text(2), row.column_text(3), row.column_text(4)}});
            });
            !s)
            return s.error();
    }
    // One bucket per loose key; a name key with no consonant has no loose key and stands alone.
    std::map<std::string, std::vector<std::size_t>> buckets;
    for (std::size_t i = 0; i < members.size(); ++i) {
        std::string loose = registry::name_loose_key(members[i].keys.name_key);
        buckets[loose.empty() ? "=" + members[i].keys.name_key : "~" + loose].push_back(i);
    }
    std::set<std::pair<std::int64_t, std::int64_t>> apart;
    {
        auto st = db.prepare("SELECT low, high FROM kept_apart");
        if (!st) return st.error();
        if (auto s = st->each_row([&](const registry::Statement& row) { apart.emplace(row.column_int(0), row.column_int(1)); }); !s)
            return s.error();
    }

    std::vector<ReviewGroup> groups;
    std::unordered_map<std::int64_t, std::pair<std::size_t, std::size_t>> where;  // member → (group, index)
    for (const auto& [loose, idx] : buckets) {
        if (idx.size() < 2) continue;
        ReviewGroup g;
        std::map<std::string, char> names, emails, phones;
        const auto letter = [](std::map<std::string, char>& seen, const std::string& key) {
            if (key.empty()) return '-';
            auto [it, fresh] = seen.emplace(key, static_cast<char>('A' + std::min<std::size_t>(seen.size(), 25)));
            return it->second;
        };
        std::size_t pairs = 0;
        for (std::size_t a = 0; a < idx.size(); ++a)
            for (std::size_t b = a + 1; b < idx.size(); ++b) {
                const std::int64_t x = members[idx[a]].id, y = members[idx[b]].id;
                ++pairs;
                if (apart.count({x, y})) g.kept_apart.emplace_back(x, y);
                else if (!g.rule_joins && same_member(members[idx[a]].keys, members[idx[b]].keys)) g.rule_joins = true;
            }
        if (g.kept_apart.size() == pairs) continue;
        for (const std::size_t i : idx) {
            const M& m = members[i];
            ReviewMember r;
            r.id = m.id;
            r.name = letter(names, m.keys.name_key);
            r.email = letter(emails, m.keys.email_key);
            r.phone = letter(phones, m.keys.phone_key);
            r.country = m.keys.country;
            g.members.push_back(std::move(r));
        }
        g.kind = names.size() == 1 ? ReviewGroup::Kind::same_key : ReviewGroup::Kind::similar;
        for (std::size_t k = 0; k < g.members.size(); ++k) where[g.members[k].id] = {groups.size(), k};
        groups.push_back(std::move(g));
    }
    if (groups.empty()) return groups;

    // Where and when each listed member registered: the rows of those members only, found through
    // an in-memory table of their ids (temp_store is MEMORY).
    std::map<std::int64_t, std::string> kiosk_label, event_label;
    {
        auto st = db.prepare("SELECT id, fingerprint, name FROM kiosks");
        if (!st) return st.error();
        if (auto s = st->each_row([&](const registry::Statement& row) {
                kiosk_label[row.column_int(0)] = row.column_text(1) + " (" + row.column_text(2) + ")";
            });
            !s)
            return s.error();
        auto ev = db.prepare("SELECT id, date || ' ' || name || ' (' || city || ', ' || country || ')' FROM events");
        if (!ev) return ev.error();
        if (auto s = ev->each_row([&](const registry::Statement& row) { event_label[row.column_int(0)] = row.column_text(1); }); !s)
            return s.error();
    }
    if (auto s = db.exec("CREATE TEMP TABLE IF NOT EXISTS review_members(id INTEGER PRIMARY KEY); DELETE FROM temp.review_members"); !s)
        return s.error();
    struct DropTemp {
        Database& db;
        ~DropTemp() { (void)db.exec("DROP TABLE IF EXISTS temp.review_members"); }
    } drop_temp{db};
    {
        auto ins = db.prepare("INSERT INTO temp.review_members(id) VALUES(?1)");
        if (!ins) return ins.error();
        for (const auto& [id, at] : where) {
            ins->bind(1, id);
            if (auto r = ins->run(); !r) return r.error();
            ins->reset();
        }
    }
    struct Seen {
        std::set<std::int64_t> kiosks, events;
        std::set<std::string> counted_appeals;
        std::int64_t first = std::numeric_limits<std::int64_t>::max(), last = std::numeric_limits<std::int64_t>::min();
        Earliest earliest;
    };
    std::unordered_map<std::int64_t, Seen> seen;
    const auto note = [&](const registry::Statement& row, bool signature) {
        Seen& s = seen[row.column_int(0)];
        s.kiosks.insert(row.column_int(1));
        if (!row.column_is_null(2)) s.events.insert(row.column_int(2));
        s.first = std::min(s.first, row.column_int(3));
        s.last = std::max(s.last, row.column_int(3));
        const std::int64_t batch = row.column_int(4), id = row.column_int(5), kind = signature ? 0 : 1;
        if (with_names && s.earliest.before(batch, kind, id))
            s.earliest = Earliest{batch, kind, id, row.column_text(6), row.column_text(7)};
        ReviewMember& m = groups[where[row.column_int(0)].first].members[where[row.column_int(0)].second];
        if (!signature) {
            ++m.registrations;
            return;
        }
        ++m.signatures;
        if (row.column_int(8) != 0) {
            ++m.counted;
            s.counted_appeals.insert(row.column_text(9));
        }
    };
    {
        // CROSS JOIN keeps receipts (narrow, no index on member) as the outer loop: one pass, and
        // a signature row read only for a listed member.
        auto st = db.prepare("SELECT r.member, s.kiosk, s.event, s.unix_minute, s.batch, s.id, s.given_name, s.family_name, "
                             "s.duplicate_of IS NULL AND s.withdrawn_at IS NULL, s.appeal_id "
                             "FROM receipts r CROSS JOIN temp.review_members t CROSS JOIN signatures s "
                             "WHERE t.id = r.member AND s.id = r.signature");
        if (!st) return st.error();
        if (auto s = st->each_row([&](const registry::Statement& row) { note(row, true); }); !s) return s.error();
        auto rg = db.prepare("SELECT g.member, g.kiosk, g.event, g.unix_minute, g.batch, g.id, g.given_name, g.family_name "
                             "FROM registrations g CROSS JOIN temp.review_members t WHERE t.id = g.member");
        if (!rg) return rg.error();
        if (auto s = rg->each_row([&](const registry::Statement& row) { note(row, false); }); !s) return s.error();
    }
    for (ReviewGroup& g : groups) {
        std::map<std::string, std::int64_t> per_appeal;
        for (ReviewMember& m : g.members) {
            const Seen& s = seen[m.id];
            for (const auto k : s.kiosks) m.kiosks.push_back(kiosk_label.count(k) ? kiosk_label[k] : "kiosk " + std::to_string(k));
            for (const auto e : s.events) m.events.push_back(event_label.count(e) ? event_label[e] : "event " + std::to_string(e));
            if (s.first <= s.last) {
                m.first_day = utc_day(s.first);
                m.last_day = utc_day(s.last);
            }
            if (with_names) {
                m.given = s.earliest.given;
                m.family = s.earliest.family;
            }
            for (const auto& a : s.counted_appeals) ++per_appeal[a];
        }
        for (const auto& [a, n] : per_appeal) g.shared_appeals += n - 1;
    }
    return groups;
}

// [SECTION] Decisions

Result<MergeOutcome> merge_members(Coordinator& c, std::int64_t keep, std::int64_t absorb, std::int64_t now_unix) {
    Database& db = c.db();
    MergeOutcome o;
    o.kept = keep;
    o.absorbed = absorb;
    if (keep == absorb) {
        o.result = MergeOutcome::Result::same_member;
        return o;
    }
    registry::Transaction tx(db);
    if (!tx.begun()) return tx.begun().error();
    auto k = member_state(db, keep);
    if (!k) return k.error();
    auto a = member_state(db, absorb);
    if (!a) return a.error();
    if (!k->exists || !a->exists) {
        o.result = MergeOutcome::Result::no_such_member;
        return o;
    }
    if (k->merged_into != 0 || a->merged_into != 0) {
        o.result = MergeOutcome::Result::already_merged;
        return o;
    }
    auto before = counted_of(db, keep, absorb);
    if (!before) return before.error();
    o.counted_before = *before;

    auto ins = db.prepare("INSERT INTO merges(kept, absorbed, merged_at, kept_email_key, kept_phone_key) VALUES(?1, ?2, ?3, ?4, ?5)");
    if (!ins) return ins.error();
    ins->bind(1, keep).bind(2, absorb).bind(3, now_unix).bind(4, k->email_key).bind(5, k->phone_key);
    if (auto r = ins->run(); !r) return r.error();
    o.merge_id = db.last_insert_rowid();
    if (auto s = run(db, "INSERT INTO merge_moves(merge, signature) SELECT ?1, signature FROM receipts WHERE member = ?2", o.merge_id, absorb); !s)
        return s.error();
    o.signatures_moved = db.changes();
    if (auto s = run(db, "INSERT INTO merge_moves(merge, registration) SELECT ?1, id FROM registrations WHERE member = ?2", o.merge_id, absorb); !s)
        return s.error();
    o.registrations_moved = db.changes();
    for (const char* sql : {"UPDATE signatures SET member = ?1 WHERE id IN (SELECT signature FROM receipts WHERE member = ?2)",
                            "UPDATE receipts SET member = ?1 WHERE member = ?2",
                            "UPDATE registrations SET member = ?1 WHERE member = ?2",
                            // The kept member learns the contact keys it lacks, as on import.
                            "UPDATE members SET email_key = CASE WHEN email_key = '' THEN (SELECT email_key FROM members WHERE id = ?2) "
                            "ELSE email_key END, phone_key = CASE WHEN phone_key = '' THEN (SELECT phone_key FROM members WHERE id = ?2) "
                            "ELSE phone_key END WHERE id = ?1",
                            "UPDATE members SET merged_into = ?1 WHERE id = ?2",
                            "DELETE FROM kept_apart WHERE low = min(?1, ?2) AND high = max(?1, ?2)"})
        if (auto s = run(db, sql, keep, absorb); !s) return s.error();
    if (auto s = recount(db, keep); !s) return s.error();
    auto after = counted_of(db, keep, absorb);
    if (!after) return after.error();
    o.counted_after = *after;
    if (auto s = audit_append(db, "merge", now_unix,
                              {{"kept", keep}, {"absorbed", absorb}, {"signatures", o.signatures_moved},
                               {"registrations", o.registrations_moved}, {"counted_before", o.counted_before},
                               {"counted_after", o.counted_after}});
        !s)
        return s.error();
    if (auto s = tx.commit(); !s) return s.error();
    c.member_index().invalidate();
    c.counted_index().invalidate();
    return o;
}

Result<MergeOutcome> unmerge_member(Coordinator& c, std::int64_t absorbed, std::int64_t now_unix) {
    Database& db = c.db();
    MergeOutcome o;
    o.absorbed = absorbed;
    registry::Transaction tx(db);
    if (!tx.begun()) return tx.begun().error();
    auto st = db.prepare("SELECT id, kept, kept_email_key, kept_phone_key FROM merges WHERE absorbed = ?1 AND unmerged_at IS NULL");
    if (!st) return st.error();
    st->bind(1, absorbed);
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) {
        st->reset();
        auto m = member_state(db, absorbed);
        if (!m) return m.error();
        o.result = m->exists ? MergeOutcome::Result::not_merged : MergeOutcome::Result::no_such_member;
        return o;
    }
    o.merge_id = st->column_int(0);
    o.kept = st->column_int(1);
    const std::string kept_email = st->column_text(2), kept_phone = st->column_text(3);
    st->reset();

    // Whoever holds the moved rows now (the kept member, or one it was merged into since).
    std::set<std::int64_t> holders{o.kept};
    {
        auto h = db.prepare("SELECT DISTINCT r.member FROM merge_moves mm JOIN receipts r ON r.signature = mm.signature WHERE mm.merge = ?1 "
                            "UNION SELECT g.member FROM merge_moves mm JOIN registrations g ON g.id = mm.registration WHERE mm.merge = ?1");
        if (!h) return h.error();
        h->bind(1, o.merge_id);
        if (auto s = h->each_row([&](const registry::Statement& r) { holders.insert(r.column_int(0)); }); !s) return s.error();
    }
    std::int64_t before = 0;
    for (const auto m : holders) {
        auto n = counted_of(db, m, absorbed);
        if (!n) return n.error();
        before += *n;
    }
    o.counted_before = before;
    if (auto s = run(db, "UPDATE signatures SET member = ?2 WHERE id IN (SELECT signature FROM merge_moves WHERE merge = ?1)", o.merge_id, absorbed); !s)
        return s.error();
    o.signatures_moved = db.changes();
    if (auto s = run(db, "UPDATE receipts SET member = ?2 WHERE signature IN (SELECT signature FROM merge_moves WHERE merge = ?1)", o.merge_id, absorbed); !s)
        return s.error();
    if (auto s = run(db, "UPDATE registrations SET member = ?2 WHERE id IN (SELECT registration FROM merge_moves WHERE merge = ?1)", o.merge_id, absorbed); !s)
        return s.error();
    o.registrations_moved = db.changes();
    // Those rows are the absorbed member's again: a later merge that moved them on no longer did.
    if (auto s = run(db, "DELETE FROM merge_moves WHERE merge > ?1 AND merge IN (SELECT id FROM merges WHERE unmerged_at IS NULL) AND "
                         "(signature IN (SELECT signature FROM merge_moves WHERE merge = ?1 AND signature IS NOT NULL) OR "
                         " registration IN (SELECT registration FROM merge_moves WHERE merge = ?1 AND registration IS NOT NULL))",
                     o.merge_id);
        !s)
        return s.error();
    // The kept member's contact keys as they were, where the merge taught them and nothing since.
    auto a = member_state(db, absorbed);
    if (!a) return a.error();
    auto restore = db.prepare("UPDATE members SET email_key = CASE WHEN ?2 = '' AND email_key = ?4 THEN '' ELSE email_key END, "
                              "phone_key = CASE WHEN ?3 = '' AND phone_key = ?5 THEN '' ELSE phone_key END WHERE id = ?1");
    if (!restore) return restore.error();
    restore->bind(1, o.kept).bind(2, kept_email).bind(3, kept_phone).bind(4, a->email_key).bind(5, a->phone_key);
    if (auto r = restore->run(); !r) return r.error();
    if (auto s = run(db, "UPDATE members SET merged_into = NULL WHERE id = ?1", absorbed); !s) return s.error();
    if (auto s = run(db, "UPDATE merges SET unmerged_at = ?2 WHERE id = ?1", o.merge_id, now_unix); !s) return s.error();
    holders.insert(absorbed);
    for (const auto m : holders)
        if (auto s = recount(db, m); !s) return s.error();
    std::int64_t after = 0;
    for (const auto m : holders) {
        if (m == absorbed) continue;
        auto n = counted_of(db, m, absorbed);
        if (!n) return n.error();
        after += *n;
    }
    o.counted_after = after;
    if (auto s = audit_append(db, "unmerge", now_unix,
                              {{"kept", o.kept}, {"absorbed", absorbed}, {"signatures", o.signatures_moved},
                               {"registrations", o.registrations_moved}, {"counted_before", o.counted_before},
                               {"counted_after", o.counted_after}});
        !s)
        return s.error();
    if (auto s = tx.commit(); !s) return s.error();
    c.member_index().invalidate();
    c.counted_index().invalidate();
    return o;
}

Result<MergeOutcome> keep_apart(Coordinator& c, std::int64_t a, std::int64_t b, std::int64_t now_unix) {
    Database& db = c.db();
    MergeOutcome o;
    o.kept = std::min(a, b);
    o.absorbed = std::max(a, b);
    if (a == b) {
        o.result = MergeOutcome::Result::same_member;
        return o;
    }
    auto x = member_state(db, a);
    if (!x) return x.error();
    auto y = member_state(db, b);
    if (!y) return y.error();
    if (!x->exists || !y->exists) {
        o.result = MergeOutcome::Result::no_such_member;
        return o;
    }
    if (x->merged_into != 0 || y->merged_into != 0) {
        o.result = MergeOutcome::Result::already_merged;
        return o;
    }
    registry::Transaction tx(db);
    if (!tx.begun()) return tx.begun().error();
    auto st = db.prepare("INSERT OR REPLACE INTO kept_apart(low, high, decided_at) VALUES(?1, ?2, ?3)");
    if (!st) return st.error();
    st->bind(1, o.kept).bind(2, o.absorbed).bind(3, now_unix);
    if (auto r = st->run(); !r) return r.error();
    if (auto s = audit_append(db, "keep_apart", now_unix, {{"member", o.kept}, {"other", o.absorbed}}); !s) return s.error();
    if (auto s = tx.commit(); !s) return s.error();
    return o;
}

}  // namespace embassy::sync
