// Receipt commitments already in the coordinator registry, in memory: the rule that a commitment
// is unique registry-wide (counted, duplicate or withdrawn alike), checked at import without an
// index on the random 32-byte key, and the lookup `withdraw` needs.
//
// Each signature's entry is the first 8 bytes of its commitment beside the signature id, sorted:
// 16 bytes a signature. A prefix that matches is confirmed by reading that signature's receipts
// row by id (a primary-key lookup). The id is kept, not only the prefix, because confirming a
// prefix without it would be a scan of `receipts`, and a kiosk key holder can make prefix matches
// at will (copy a published commitment's first 8 bytes, change the rest): one scan per signature
// of a hostile batch would be unbounded work. By chance, two random commitments of a registry of
// 10⁷ signatures share a prefix with probability about 3·10⁻⁶.
//
// Why not a UNIQUE index: its keys arrive in random order, so every batch's commit rewrote most of
// its pages, encrypted (coord_db.cpp, schema 2; docs/coordinator-guide.md, "Import speed").
#pragma once

#include "embassy/registry/bytes.hpp"
#include "embassy/registry/db.hpp"
#include "embassy/result.hpp"

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace embassy::sync {

class ReceiptIndex {
public:
    // Catch up with `receipts`: a full scan the first time, then only signatures above the highest
    // id seen (receipt rows are never deleted and ids only grow, so this also picks up another
    // process's imports).
    Status sync(registry::Database& db);
    // The lowest-id signature whose commitment equals this one, committed or written in the open
    // transaction; 0 if none.
    Result<std::int64_t> find(registry::Database& db, const Hash& commitment) const;
    // A receipt row was written in the open transaction. It stays pending until commit() keeps it
    // or rollback() forgets it, as the transaction does.
    void note(const Hash& commitment, std::int64_t signature);
    void commit();
    void rollback();
    std::size_t size() const { return sorted_.size() + pending_.size(); }

private:
    Status scan_from(registry::Database& db, std::int64_t after_id);

    std::vector<std::pair<std::uint64_t, std::int64_t>> sorted_;    // (prefix, signature id), committed
    std::unordered_multimap<std::uint64_t, std::int64_t> pending_;  // written in the open transaction
    std::int64_t max_id_ = 0, pending_max_id_ = 0;
    bool loaded_ = false;
};

}  // namespace embassy::sync
