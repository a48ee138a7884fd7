// Synthetic submissions and kiosks (simulate.hpp).
#include "embassy/sync/simulate.hpp"

#include "embassy/registry/pack.hpp"
#include "embassy/registry/store.hpp"
#include "embassy/registry/strokes.hpp"
#include "embassy/registry/validate.hpp"
#include "embassy/sync/kiosk_export.hpp"

#include <sodium.h>
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <ctime>

namespace embassy::sync {
namespace fs = std::filesystem;

registry::Strokes synthetic_strokes(std::mt19937_64& rng) {
    std::uniform_int_distribution<int> nstrokes(1, 3), step(-40, 40), npoints(40, 120);
    registry::Strokes out;
    const int strokes = nstrokes(rng);
    for (int s = 0; s < strokes; ++s) {
        registry::Stroke st;
        double x = 300 + 1000.0 * s, y = 800;
        const int n = npoints(rng);
        for (int i = 0; i < n; ++i) {
            x = std::clamp(x + 18 + step(rng) / 4.0, 0.0, double(registry::kCanvasWidth - 1));
            y = std::clamp(y + step(rng) + 120 * std::sin(i / 4.0), 0.0, double(registry::kCanvasHeight - 1));
            st.push_back({static_cast<std::uint16_t>(x), static_cast<std::uint16_t>(y)});
        }
        out.push_back(std::move(st));
    }
    return out;
}

namespace {

const char* const kGiven[] = {"Аляксандр", "Сяргей", "Вольга", "Марыя", "Ілля", "Тацяна", "Андрэй", "Наталля",
                              "Дзмітрый", "Святлана", "Paŭlina", "Maksim", "Kaciaryna", "Ян", "Алена", "Юрась",
                              "Міхась", "Ганна", "Ihar", "Vieranika", "Павел", "Кацярына", "Raman", "Ірына"};
// Family names are built from a stem and an ending so the pool holds many distinct people.
const char* const kStems[] = {"Кавал", "Нові", "Шыман", "Лукашэв", "Гурэв", "Ціхан", "Мельн", "Казл", "Łaban", "Sidar",
                              "Зянков", "Бабар", "Kalesn", "Статкев", "Мацкев", "Пазняк", "Багдан", "Жук", "Ляшк",
                              "Korzh", "Hrynk", "Дуб", "Сакал", "Лазар", "Vasil", "Пятроў", "Shum", "Крывон"};
const char* const kEndings[] = {"енка", "іч", "ская", "ік", "оў", "ава", "еня", "ёнак", "uk", "ovič", "ski", "ец"};
const char* const kCountries[] = {"PL", "LT", "DE", "CZ", "GB", "US", "UA", "NL", "SE", "FR", "GE", "LV"};
const char* const kCities[] = {"Warszawa", "Vilnius", "Berlin", "Praha", "London", "New York", "Kyiv", "Amsterdam",
                               "Stockholm", "Paris", "Tbilisi", "Riga"};

}  // namespace

SyntheticPerson synthetic_person(std::uint64_t index) {
    // A fixed mix of the index, so person i is the same everywhere.
    std::uint64_t h = index * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
    auto next = [&h](std::size_t mod) {
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9ull;
        h ^= h >> 32;
        return static_cast<std::size_t>(h % mod);
    };
    SyntheticPerson p;
    p.given = kGiven[next(std::size(kGiven))];
    p.family = std::string(kStems[next(std::size(kStems))]) + kEndings[next(std::size(kEndings))];
    // A numbered suffix keeps people of a large pool apart, as real surnames are far more varied.
    // Names have no digits: the number becomes a second, hyphenated part made of syllables.
    static const char* const kSyllables[] = {"ба", "ве", "гі", "да", "жо", "зу", "ка", "ле", "мі", "но", "пу", "ра", "сі", "та", "ху", "ча"};
    if (index >= 1000) {
        std::string part = "Ль";
        for (std::uint64_t n = index / 1000; n > 0; n /= 16) part += kSyllables[n % 16];
        p.family += "-" + part;
    }
    const std::size_t c = next(std::size(kCountries));
    p.country = kCountries[c];
    p.city = kCities[c];
    if (next(3) == 0) p.email = "person" + std::to_string(index) + "@example.org";
    if (next(10) == 0) p.phone = "+48 600 " + std::to_string(100000 + index % 900000);
    return p;
}

Result<registry::Submission> synthetic_submission(std::mt19937_64& rng, const registry::AppealPack& pack,
                                                  const std::vector<std::string>& appeal_ids, const SyntheticPerson& who) {
    std::uniform_int_distribution<std::size_t> pick(0, 1u << 30);
    const std::string& appeal_id = appeal_ids[pick(rng) % appeal_ids.size()];
    const registry::Appeal* ap = nullptr;
    for (const auto& x : pack.appeals)
        if (x.id == appeal_id) ap = &x;
    if (ap == nullptr) return make_error("appeal " + appeal_id + " is not in the pack");
    // A language the appeal and the sign consent both exist in.
    std::vector<std::string> langs;
    for (const auto& lang : registry::supported_languages()) {
        const char* l = lang.tag;
        if (ap->text(l) != nullptr && pack.consent(registry::Purpose::sign_appeal, l) != nullptr) langs.emplace_back(l);
    }
    if (langs.empty()) return make_error("appeal " + appeal_id + " has no language with a sign consent");
    const std::string lang = langs[pick(rng) % langs.size()];
    registry::Submission s;
    s.registrant = {who.given, who.family, who.country, who.city, who.email, who.phone, lang};
    s.appeal_id = ap->id;
    s.appeal_version = ap->version;
    s.appeal_lang = lang;
    auto consent = [&](registry::Purpose p) {
        if (const auto* c = pack.consent(p, lang)) s.consents.push_back({p, c->hash, lang});
    };
    consent(registry::Purpose::sign_appeal);
    if (pick(rng) % 2 == 0) consent(registry::Purpose::join_registry);
    if (pick(rng) % 4 == 0) consent(registry::Purpose::be_contacted);
    if (pick(rng) % 2 == 0) consent(registry::Purpose::pass_name_to_addressee);
    if (pick(rng) % 20 == 0) s.typed_name = who.given + " " + who.family;
    else s.strokes = synthetic_strokes(rng);
    return s;
}

Result<std::vector<SimulatedKiosk>> simulate_batches(const SimulateOptions& o) {
    if (o.kiosks < 1) return make_error("simulate: at least one kiosk");
    if (o.batches_per_kiosk < 1) return make_error("simulate: at least one batch per kiosk");
    std::error_code ec;
    fs::create_directories(o.out_dir, ec);
    if (!fs::is_directory(o.out_dir, ec)) return make_error("simulate: " + o.out_dir.string() + " is not a directory");
    registry::crypto_init();
    std::string tmpl = (fs::temp_directory_path() / "embassy-simulate-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) return make_error("simulate: cannot create a temporary directory");
    const fs::path work = tmpl;
    struct Cleanup {
        fs::path p;
        ~Cleanup() {
            std::error_code e;
            fs::remove_all(p, e);
        }
    } cleanup{work};

    // A throwaway passphrase: the temporary kiosks are deleted at the end.
    unsigned char rnd[16];
    randombytes_buf(rnd, sizeof rnd);
    const std::string pass = "sim-" + to_hex(rnd);
    const std::uint64_t people = o.people == 0 ? 200000 : o.people;
    std::mt19937_64 rng(o.seed);
    std::vector<SimulatedKiosk> out;
    for (int k = 0; k < o.kiosks; ++k) {
        auto store_r = registry::KioskStore::create(work / ("k" + std::to_string(k)), pass, o.coordinator,
                                                    "simulated kiosk " + std::to_string(k + 1), o.kdf);
        if (!store_r) return make_error("simulate: kiosk " + std::to_string(k + 1) + ": " + store_r.message());
        registry::KioskStore& store = **store_r;
        if (auto s = store.load_pack(o.pack); !s) return make_error("simulate: the pack: " + s.message());
        auto pack = store.current_pack();
        if (!pack) return pack.error();
        std::vector<std::string> appeals;
        for (const auto& ap : pack->appeals) appeals.push_back(ap.id);
        if (auto s = store.set_active_appeals(appeals); !s) return s.error();
        std::time_t t = std::time(nullptr);
        char date[11];
        std::tm tm{};
        gmtime_r(&t, &tm);
        std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
        const SyntheticPerson venue = synthetic_person(static_cast<std::uint64_t>(k));
        auto ev = store.create_event({0, "Simulated rally " + std::to_string(k + 1), venue.city, venue.country, date});
        if (!ev) return ev.error();
        if (auto s = store.set_active_event(*ev); !s) return s.error();

        SimulatedKiosk sk;
        const auto info = store.info();
        sk.fingerprint = info.fingerprint;
        sk.public_key = info.public_key;
        std::uniform_int_distribution<std::uint64_t> who(0, people - 1);
        std::uint64_t done = 0;
        for (std::uint64_t b = 0; b < o.batches_per_kiosk; ++b) {
            const std::uint64_t upto = o.records_per_kiosk * (b + 1) / o.batches_per_kiosk;
            for (; done < upto; ++done) {
                auto sub = synthetic_submission(rng, *pack, appeals, synthetic_person(who(rng)));
                if (!sub) return sub.error();
                auto code = store.submit(*sub);
                if (!code) return make_error("simulate: submission " + std::to_string(done + 1) + ": " + code.message());
                sk.receipts.push_back(*code);
                if (o.progress && (done % 64 == 0 || done + 1 == o.records_per_kiosk)) o.progress(k, done + 1, o.records_per_kiosk);
            }
            auto exp = export_batch(store, o.out_dir);
            if (!exp) return make_error("simulate: export: " + exp.message());
            if (exp->wrote) sk.batches.push_back(exp->path);
        }
        sk.key_file = o.out_dir / (fingerprint_compact(info.public_key) + ".kiosk-key");
        const std::string hex = to_hex(info.public_key) + "\n";
        if (auto s = write_file_atomic(sk.key_file.string(), as_bytes(hex)); !s) return s.error();
        store.lock();
        out.push_back(std::move(sk));
    }
    return out;
}

}  // namespace embassy::sync
