// Receipt commitments in memory (receipt_index.hpp states why).
#include "embassy/sync/receipt_index.hpp"

#include <algorithm>
#include <cstring>

namespace embassy::sync {
using registry::Database;

namespace {

std::uint64_t prefix_of(const std::uint8_t* p) {
    std::uint64_t v = 0;
    std::memcpy(&v, p, sizeof v);
    return v;
}

constexpr auto by_prefix = [](const auto& a, const auto& b) { return a.first < b.first; };

}  // namespace

Status ReceiptIndex::scan_from(Database& db, std::int64_t after_id) {
    auto st = db.cached("SELECT signature, commitment FROM receipts WHERE signature > ?1 ORDER BY signature");
    if (!st) return st.error();
    st->bind(1, after_id);
    std::vector<std::pair<std::uint64_t, std::int64_t>> added;
    std::int64_t max_id = max_id_;  // kept only if the whole scan succeeds
    while (true) {
        auto row = st->step();
        if (!row) {
            st->reset();
            return row.error();
        }
        if (!*row) break;
        const Bytes c = st->column_blob(1);
        if (c.size() != Hash{}.size()) {
            st->reset();
            return make_error("registry: the receipt commitment of signature " + std::to_string(st->column_int(0)) +
                              " has the wrong size");
        }
        const std::int64_t id = st->column_int(0);
        added.emplace_back(prefix_of(c.data()), id);
        max_id = std::max(max_id, id);
    }
    st->reset();
    max_id_ = max_id;
    // Stable: equal prefixes keep id order, so find() meets the lowest id first.
    std::stable_sort(added.begin(), added.end(), by_prefix);
    const auto mid = static_cast<std::ptrdiff_t>(sorted_.size());
    sorted_.insert(sorted_.end(), added.begin(), added.end());
    std::inplace_merge(sorted_.begin(), sorted_.begin() + mid, sorted_.end(), by_prefix);
    pending_max_id_ = max_id_;
    return {};
}

Status ReceiptIndex::sync(Database& db) {
    rollback();
    if (!loaded_) {
        sorted_.clear();
        max_id_ = 0;
        if (auto s = scan_from(db, 0); !s) {
            sorted_.clear();
            max_id_ = pending_max_id_ = 0;
            return s;
        }
        sorted_.shrink_to_fit();
        loaded_ = true;
        return {};
    }
    return scan_from(db, max_id_);
}

Result<std::int64_t> ReceiptIndex::find(Database& db, const Hash& commitment) const {
    const std::uint64_t p = prefix_of(commitment.data());
    std::vector<std::int64_t> candidates;
    for (auto it = std::lower_bound(sorted_.begin(), sorted_.end(), std::pair<std::uint64_t, std::int64_t>{p, 0}, by_prefix);
         it != sorted_.end() && it->first == p; ++it)
        candidates.push_back(it->second);
    auto [lo, hi] = pending_.equal_range(p);
    for (auto it = lo; it != hi; ++it) candidates.push_back(it->second);
    if (candidates.empty()) return std::int64_t{0};
    std::sort(candidates.begin(), candidates.end());
    auto st = db.cached("SELECT commitment FROM receipts WHERE signature = ?1");
    if (!st) return st.error();
    for (std::int64_t id : candidates) {
        st->bind(1, id);
        auto row = st->step();
        if (!row) {
            st->reset();
            return row.error();
        }
        const bool same = *row && st->column_blob(0) == Bytes(commitment.begin(), commitment.end());
        st->reset();
        if (same) return id;
    }
    return std::int64_t{0};
}

void ReceiptIndex::note(const Hash& commitment, std::int64_t signature) {
    pending_.emplace(prefix_of(commitment.data()), signature);
    pending_max_id_ = std::max(pending_max_id_, signature);
}

void ReceiptIndex::commit() {
    std::vector<std::pair<std::uint64_t, std::int64_t>> added(pending_.begin(), pending_.end());
    std::sort(added.begin(), added.end());
    const auto mid = static_cast<std::ptrdiff_t>(sorted_.size());
    sorted_.insert(sorted_.end(), added.begin(), added.end());
    std::inplace_merge(sorted_.begin(), sorted_.begin() + mid, sorted_.end(), by_prefix);
    max_id_ = std::max(max_id_, pending_max_id_);
    rollback();
}

void ReceiptIndex::rollback() {
    pending_.clear();
    pending_max_id_ = max_id_;
}

}  // namespace embassy::sync
