// The packs this coordinator signed (coord_packs.hpp).
#include "embassy/sync/coord_packs.hpp"

#include "embassy/registry/pack.hpp"

#include <ctime>

namespace embassy::sync {
using registry::Database;

namespace {

Hash hash_of_blob(const Bytes& b) {
    Hash h{};
    if (b.size() == h.size()) std::copy(b.begin(), b.end(), h.begin());
    return h;
}

}  // namespace

Result<registry::AppealPack> record_pack(Coordinator& c, std::span<const std::uint8_t> pack_file) {
    // Only a pack this coordinator signed: a pack signed by another key is refused here exactly as
    // a kiosk bound to this coordinator would refuse it.
    auto pack = registry::pack_read(pack_file, c.keys().identity.sign_key);
    if (!pack) return pack.error();
    Database& db = c.db();
    {
        // Recorded before: not even a transaction (opening a registry that knows its packs writes nothing).
        auto st = db.prepare("SELECT 1 FROM packs WHERE pack_hash = ?1");
        if (!st) return st.error();
        st->bind_blob(1, pack->pack_hash);
        auto row = st->step();
        if (!row) return row.error();
        if (*row) return std::move(*pack);
    }
    registry::Transaction tx(db);
    if (!tx.begun()) return tx.begun().error();
    auto ins = db.prepare("INSERT INTO packs(pack_hash, pack_id, created, added_at, bytes) VALUES(?1,?2,?3,?4,?5)");
    if (!ins) return ins.error();
    ins->bind_blob(1, pack->pack_hash).bind(2, pack->pack_id).bind(3, static_cast<std::int64_t>(pack->created_unix))
        .bind(4, static_cast<std::int64_t>(std::time(nullptr))).bind_blob(5, pack_file);
    if (auto s = ins->run(); !s) return s.error();
    for (const auto& a : pack->appeals) {
        auto ia = db.prepare("INSERT OR IGNORE INTO pack_appeals(pack_hash, appeal_id, version, content_hash) VALUES(?1,?2,?3,?4)");
        if (!ia) return ia.error();
        ia->bind_blob(1, pack->pack_hash).bind(2, a.id).bind(3, std::int64_t{a.version}).bind_blob(4, a.content_hash);
        if (auto s = ia->run(); !s) return s.error();
        for (const auto& t : a.texts) {
            auto it = db.prepare("INSERT OR IGNORE INTO pack_texts(pack_hash, appeal_id, version, lang, text_hash) VALUES(?1,?2,?3,?4,?5)");
            if (!it) return it.error();
            it->bind_blob(1, pack->pack_hash).bind(2, a.id).bind(3, std::int64_t{a.version}).bind(4, t.lang).bind_blob(5, t.hash);
            if (auto s = it->run(); !s) return s.error();
        }
    }
    for (const auto& k : pack->consents) {
        auto ic = db.prepare("INSERT OR IGNORE INTO pack_consents(pack_hash, purpose, lang, text_hash) VALUES(?1,?2,?3,?4)");
        if (!ic) return ic.error();
        ic->bind_blob(1, pack->pack_hash).bind(2, std::int64_t{static_cast<int>(k.purpose)}).bind(3, k.lang).bind_blob(4, k.hash);
        if (auto s = ic->run(); !s) return s.error();
    }
    if (auto s = tx.commit(); !s) return s.error();
    return std::move(*pack);
}

Result<SignedPacks> load_signed_packs(Database& db) {
    SignedPacks out;
    auto read = [&db](const char* sql, auto&& row) -> Status {
        auto st = db.prepare(sql);
        if (!st) return st.error();
        while (true) {
            auto r = st->step();
            if (!r) return r.error();
            if (!*r) return {};
            row(*st);
        }
    };
    auto u32 = [](std::int64_t v) { return static_cast<std::uint32_t>(v); };
    if (auto s = read("SELECT pack_hash FROM packs", [&](registry::Statement& st) { out.packs.insert(hash_of_blob(st.column_blob(0))); }); !s)
        return s.error();
    if (auto s = read("SELECT appeal_id, version, content_hash, pack_hash FROM pack_appeals",
                      [&](registry::Statement& st) {
                          out.appeals.emplace(st.column_text(0), u32(st.column_int(1)), hash_of_blob(st.column_blob(2)),
                                              hash_of_blob(st.column_blob(3)));
                      });
        !s)
        return s.error();
    if (auto s = read("SELECT appeal_id, version, lang, text_hash FROM pack_texts",
                      [&](registry::Statement& st) {
                          out.texts.emplace(st.column_text(0), u32(st.column_int(1)), st.column_text(2), hash_of_blob(st.column_blob(3)));
                      });
        !s)
        return s.error();
    if (auto s = read("SELECT purpose, lang, text_hash FROM pack_consents",
                      [&](registry::Statement& st) {
                          out.consents.emplace(static_cast<std::uint8_t>(st.column_int(0)), st.column_text(1),
                                               hash_of_blob(st.column_blob(2)));
                      });
        !s)
        return s.error();
    return out;
}

}  // namespace embassy::sync
