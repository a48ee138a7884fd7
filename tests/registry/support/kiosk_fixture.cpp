#include "kiosk_fixture.hpp"

#include "embassy/registry/db.hpp"
#include "embassy/registry/identity.hpp"
#include "embassy/registry/secure.hpp"

#include <sodium.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace embassy::test {
namespace fs = std::filesystem;
using namespace embassy::registry;

TempDir::TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "embassy-test-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
}
TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
}

namespace {

struct Template {
    TempDir dir;
    AppealPack pack;
};

AppealPack build_pack(SecretBytes& sign_sk, Bytes& file) {
    AppealPack p = test_pack("test-pack");
    auto bytes = pack_write(p, sign_sk);
    if (!bytes) throw std::runtime_error("pack_write: " + bytes.message());
    file = *bytes;
    return p;
}

const Template& the_template() {
    static Template* t = [] {
        auto* tp = new Template();
        crypto_init();
        PublicIdentity coord;
        coord.name = "Test coordinator";
        SecretBytes box_sk(32), sign_sk(64);
        crypto_box_keypair(coord.box_key.data(), box_sk.data());
        crypto_sign_keypair(coord.sign_key.data(), sign_sk.data());
        Bytes pack_file;
        tp->pack = build_pack(sign_sk, pack_file);
        auto store = KioskStore::create(tp->dir.path / "kiosk", kPassphrase, coord, "test kiosk", kdf_minimum());
        if (!store) throw std::runtime_error("create: " + store.message());
        if (auto s = (*store)->load_pack(pack_file); !s) throw std::runtime_error("load_pack: " + s.message());
        // Reload hashes as the kiosk sees them.
        auto cur = (*store)->current_pack();
        if (!cur) throw std::runtime_error("current_pack: " + cur.message());
        tp->pack = *cur;
        auto ev = (*store)->create_event({0, "Rally", "Warszawa", "PL", "2026-11-28"});
        if (!ev) throw std::runtime_error("event: " + ev.message());
        if (auto s = (*store)->set_active_event(*ev); !s) throw std::runtime_error(s.message());
        if (auto s = (*store)->set_active_appeals({"political-prisoners", "free-elections"}); !s) throw std::runtime_error(s.message());
        (void)embassy::test::kiosk_db(**store).checkpoint_truncate();
        return tp;
    }();
    return *t;
}

}  // namespace

AppealPack test_pack(const std::string& pack_id) {
    AppealPack p;
    p.pack_id = pack_id;
    p.created_unix = 1700000000;
    p.languages = {"en", "be"};
    for (const char* id : {"political-prisoners", "free-elections"}) {
        Appeal a;
        a.id = id;
        a.version = 1;
        a.addressee = "Test addressee";
        a.texts.push_back({"en", std::string("Title ") + id, "Body text of the appeal.", {}});
        a.texts.push_back({"be", "Загаловак", "Тэкст звароту.", {}});
        p.appeals.push_back(a);
    }
    for (int purpose = 1; purpose <= 4; ++purpose)
        for (const char* lang : {"en", "be"})
            p.consents.push_back({static_cast<Purpose>(purpose), 1, lang, std::string("Consent text ") + std::to_string(purpose) + " " + lang, {}});
    compute_pack_hashes(p);
    return p;
}

std::unique_ptr<TestKiosk> make_test_kiosk() {
    const Template& t = the_template();
    auto k = std::make_unique<TestKiosk>();
    fs::copy(t.dir.path / "kiosk", k->dir.path / "kiosk", fs::copy_options::recursive);
    auto store = KioskStore::open(k->dir.path / "kiosk", kPassphrase);
    if (!store) throw std::runtime_error("open: " + store.message());
    k->store = std::move(*store);
    k->pack = t.pack;
    return k;
}

Submission sample_submission(const AppealPack& pack, std::string given, std::string family, const std::string& lang) {
    Submission s;
    s.registrant = {std::move(given), std::move(family), "PL", "Warszawa", "", "", lang};
    const Appeal& a = pack.appeals.front();
    s.appeal_id = a.id;
    s.appeal_version = a.version;
    s.appeal_lang = lang;
    s.consents.push_back({Purpose::sign_appeal, pack.consent(Purpose::sign_appeal, lang)->hash, lang});
    Stroke st;
    for (int i = 0; i < 60; ++i)
        st.push_back({static_cast<std::uint16_t>(200 + i * 40), static_cast<std::uint16_t>(800 + (i % 7) * 60)});
    s.strokes.push_back(st);
    return s;
}

int count_hits_in_dir(const fs::path& dir, std::string_view needle) {
    int hits = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        std::ifstream in(e.path(), std::ios::binary);
        std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        for (std::size_t pos = data.find(needle); pos != std::string::npos; pos = data.find(needle, pos + 1)) ++hits;
    }
    return hits;
}

}  // namespace embassy::test
