// Submit latency against a bare SQLCipher insert+commit on the same disk, and unlock time.
//   bench_registry [N] [DIR]   (DIR: where the databases live; default $TMPDIR)
#include "kiosk_fixture.hpp"

#include "embassy/registry/db.hpp"
#include "embassy/registry/keyfile.hpp"

#include <sqlcipher/sqlite3.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace embassy;
using namespace embassy::registry;
using Clock = std::chrono::steady_clock;

namespace {

struct Stats {
    double median_ms, p99_ms, mean_ms;
};

Stats stats(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    double sum = 0;
    for (double x : v) sum += x;
    return {v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 99 / 100)], sum / static_cast<double>(v.size())};
}

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

}  // namespace

int main(int argc, char** argv) {
    int n = argc > 1 ? std::atoi(argv[1]) : 1000;
    crypto_init();

    // Baseline and subject interleaved, one of each per round, so both see the same disk weather:
    // a bare SQLCipher insert+commit of one small row (same pragmas) and a full submit
    // (registrant + consents + signature + log entry in one transaction).
    std::vector<double> bare, submit;
    test::TempDir t;
    SecretBytes key(32);
    randombytes_buf(key.data(), 32);
    auto db = Database::open(t.path / "bare.db", key);
    if (!db) return std::fprintf(stderr, "%s\n", db.message().c_str()), 1;
    (void)(*db)->exec("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b BLOB)");
    Bytes blob(600, 7);
    auto k = test::make_test_kiosk();
    auto sub = test::sample_submission(k->pack, "Аляксандр", "Каваленка", "be");
    sub.consents.push_back({Purpose::join_registry, k->pack.consent(Purpose::join_registry, "be")->hash, "be"});
    for (int i = 0; i < n; ++i) {
        auto t0 = Clock::now();
        {
            Transaction tx(**db);
            auto st = (*db)->cached("INSERT INTO t(a, b) VALUES(?1, ?2)");
            st->bind(1, "Аляксандр Каваленка").bind_blob(2, blob);
            (void)st->run();
            (void)tx.commit();
        }
        bare.push_back(ms_since(t0));
        t0 = Clock::now();
        auto code = k->store->submit(sub);
        submit.push_back(ms_since(t0));
        if (!code) return std::fprintf(stderr, "%s\n", code.message().c_str()), 1;
    }
    Stats b = stats(bare), s = stats(submit);
    std::printf("submit latency over %d submits (synchronous=FULL, WAL, same disk):\n", n);
    std::printf("  %-34s median %7.3f ms   p99 %7.3f ms\n", "bare SQLCipher insert+commit", b.median_ms, b.p99_ms);
    std::printf("  %-34s median %7.3f ms   p99 %7.3f ms\n", "KioskStore::submit", s.median_ms, s.p99_ms);
    std::printf("  ratio of medians: %.2fx (target <= 1.5x); p99 %s 10 ms target\n", s.median_ms / b.median_ms,
                s.p99_ms <= 10.0 ? "within" : "OVER");

    // Unlock: Argon2id at the parameters a new kiosk gets here (calibrated to ~1 s), and at the floor.
    for (double target : {0.0, 1.0}) {
        test::TempDir kt;
        SecretBytes secret(32);
        KdfParams p = target > 0 ? calibrate_kdf(target) : kdf_minimum();
        (void)keyfile_create(kt.path / "k.key", KeyFileKind::kiosk_database, "bench passphrase", secret, p);
        auto t0 = Clock::now();
        auto r = keyfile_unlock(kt.path / "k.key", KeyFileKind::kiosk_database, "bench passphrase");
        double ms = ms_since(t0);
        std::printf("unlock (%s: t=%llu, m=%llu MiB): %.0f ms%s\n", target > 0 ? "calibrated to 1 s" : "MODERATE floor",
                    static_cast<unsigned long long>(p.opslimit), static_cast<unsigned long long>(p.memlimit >> 20), ms,
                    r ? "" : " (FAILED)");
    }
    return 0;
}
