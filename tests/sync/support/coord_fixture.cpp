#include "coord_fixture.hpp"

#include "embassy/registry/db.hpp"
#include "embassy/sync/coord_packs.hpp"
#include "embassy/sync/kiosk_export.hpp"

#include <catch2/catch_test_macros.hpp>
#include <sodium.h>

#include <fstream>
#include <iterator>
#include <mutex>
#include <stdexcept>

namespace coord_test {

namespace {

constexpr const char* kCoordPass = "coordinator passphrase for tests";

registry::AppealPack build_pack() { return test::test_pack("coord-test-pack"); }

World* make_world() {
    auto* w = new World();
    registry::crypto_init();
    w->coord_dir = w->dir.path / "coord";
    if (auto s = sync::coordinator_init(w->coord_dir, kCoordPass, "Test coordinator", registry::kdf_minimum()); !s)
        throw std::runtime_error("coordinator_init: " + s.message());
    auto keys = sync::coordinator_unlock(w->coord_dir, kCoordPass);
    if (!keys) throw std::runtime_error("coordinator_unlock: " + keys.message());
    w->keys = std::move(*keys);
    w->db_key = registry::SecretBytes(32);
    randombytes_buf(w->db_key.data(), 32);
    auto bytes = registry::pack_write(build_pack(), w->keys.sign_secret);
    if (!bytes) throw std::runtime_error("pack_write: " + bytes.message());
    w->pack_file = *bytes;
    return w;
}

struct Template {
    test::TempDir dir;
};

const fs::path& kiosk_template(int index) {
    static std::mutex mu;
    static std::unique_ptr<Template> templates[4];
    std::lock_guard<std::mutex> lock(mu);
    auto& t = templates[index];
    if (!t) {
        t = std::make_unique<Template>();
        const World& w = world();
        auto store = registry::KioskStore::create(t->dir.path / "kiosk", test::kPassphrase, w.keys.identity,
                                                  "kiosk " + std::to_string(index), registry::kdf_minimum());
        if (!store) throw std::runtime_error("create: " + store.message());
        if (auto s = (*store)->load_pack(w.pack_file); !s) throw std::runtime_error("load_pack: " + s.message());
        auto ev = (*store)->create_event({0, "Rally", index % 2 ? "Vilnius" : "Warszawa", index % 2 ? "LT" : "PL", "2026-11-28"});
        if (!ev) throw std::runtime_error("event: " + ev.message());
        if (auto s = (*store)->set_active_event(*ev); !s) throw std::runtime_error(s.message());
        if (auto s = (*store)->set_active_appeals({"political-prisoners", "free-elections"}); !s) throw std::runtime_error(s.message());
        (void)embassy::test::kiosk_db(**store).checkpoint_truncate();
    }
    return t->dir.path;
}

}  // namespace

const World& world() {
    static World* w = make_world();
    return *w;
}

std::unique_ptr<sync::Coordinator> open_coordinator(const fs::path& dir) {
    const World& w = world();
    auto c = sync::Coordinator::open_with(dir, w.keys, w.db_key);
    REQUIRE(c.ok());
    // The coordinator knows the pack its kiosks use (the importer accepts only its appeals).
    auto recorded = sync::record_pack(**c, w.pack_file);
    INFO((recorded.ok() ? std::string() : recorded.message()));
    REQUIRE(recorded.ok());
    return std::move(*c);
}

std::unique_ptr<Kiosk> make_kiosk(int index) {
    const fs::path& t = kiosk_template(index);
    auto k = std::make_unique<Kiosk>();
    fs::copy(t / "kiosk", k->dir.path / "kiosk", fs::copy_options::recursive);
    auto store = registry::KioskStore::open(k->dir.path / "kiosk", test::kPassphrase);
    REQUIRE(store.ok());
    k->store = std::move(*store);
    auto pack = k->store->current_pack();
    REQUIRE(pack.ok());
    k->pack = *pack;
    k->public_key = k->store->info().public_key;
    k->fingerprint = k->store->info().fingerprint;
    return k;
}

registry::Submission submission(const registry::AppealPack& pack, const std::string& given, const std::string& family, int appeal,
                                bool pass_name, const std::string& country) {
    registry::Submission s = test::sample_submission(pack, given, family, "en");
    const registry::Appeal& a = pack.appeals.at(static_cast<std::size_t>(appeal));
    s.appeal_id = a.id;
    s.appeal_version = a.version;
    s.registrant.country = country;
    if (pass_name)
        s.consents.push_back({registry::Purpose::pass_name_to_addressee,
                              pack.consent(registry::Purpose::pass_name_to_addressee, "en")->hash, "en"});
    return s;
}

std::string submit(Kiosk& k, const registry::Submission& s) {
    auto code = k.store->submit(s);
    INFO((code.ok() ? std::string() : code.message()));
    REQUIRE(code.ok());
    return *code;
}

fs::path export_one(Kiosk& k, const fs::path& out_dir) {
    fs::create_directories(out_dir);
    auto r = sync::export_batch(*k.store, out_dir);
    INFO((r.ok() ? std::string() : r.message()));
    REQUIRE(r.ok());
    REQUIRE(r->wrote);
    return r->path;
}

std::string registry_bytes(const fs::path& dir) {
    std::string out;
    for (const char* name : {"registry.db", "registry.db-wal", "registry.db-journal"}) {
        std::ifstream in(dir / name, std::ios::binary);
        if (!in) continue;
        out += std::string(name) + ":";
        out.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return out;
}

std::int64_t count(sync::Coordinator& c, const std::string& sql) {
    auto n = c.db().query_int(sql);
    REQUIRE(n.ok());
    return *n;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void spit(const fs::path& p, const std::string& s) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << s;
}

const registry::AppealPack& world_pack() {
    static const registry::AppealPack pack = [] {
        auto p = registry::pack_read(world().pack_file, world().keys.identity.sign_key);
        REQUIRE(p.ok());
        return *p;
    }();
    return pack;
}

fs::path rewrite(Kiosk& k, const fs::path& real, const fs::path& out_dir, const batch_test::Rewrite& how) {
    const World& w = world();
    auto p = batch_test::rewrite_batch(real, w.keys.box_secret, w.keys.identity.box_key, out_dir,
                                       [&k](std::span<const std::uint8_t> m) { return k.store->sign(m); }, how);
    INFO((p.ok() ? std::string() : p.message()));
    REQUIRE(p.ok());
    return *p;
}

fs::path resign(Kiosk& k, const fs::path& real, const fs::path& out_dir, std::uint64_t seq) {
    return rewrite(k, real, out_dir, {[seq](std::vector<sync::Record>&, sync::ManifestFields& f) { f.seq = seq; }});
}

batch_test::BatchContent content_of(const fs::path& file) {
    auto c = batch_test::read_batch_file(file, world().keys.box_secret, world().keys.identity.box_key);
    REQUIRE(c.ok());
    return std::move(*c);
}

}  // namespace coord_test

