// SignatureRecord: one submission as it travels — a kiosk database row, a batch record, a row at
// the coordinator. Its canonical encoding (docs/record-encoding.md) is what the tamper-evident log
// hashes, so the coordinator can recompute the kiosk's log from the records it receives and detect
// a record that was edited, deleted or reordered before export.
#pragma once

#include "embassy/registry/model.hpp"

namespace embassy::registry {

struct SignatureRecord {
    std::int64_t seq = 0;              // kiosk-local record sequence, 1, 2, 3 … (= log position)
    std::int64_t event_id = 0;
    std::string event_name, event_city, event_country, event_date;
    std::string appeal_id;
    std::uint32_t appeal_version = 1;
    Hash text_hash{};                  // the exact appeal text shown
    LangTag lang;                      // language of that text
    std::int64_t signed_minute = 0;    // unix time / 60: no finer timing is kept
    Bytes strokes;                     // encode_strokes(); empty when typed_name is used
    std::string typed_name;
    Hash receipt_commitment{};
    // Key of this record's log hash: 32 random bytes drawn at submit, kept beside the personal data
    // and purged with it, so the hash left in the log after an acknowledgement confirms no guessed
    // name. All zero = a record logged before schema 3 (legacy, unkeyed hash). Not part of the
    // canonical encoding: it keys the hash instead (docs/record-encoding.md).
    Hash log_salt{};
    Registrant registrant;
    bool joined_registry = false;
    std::vector<ConsentGiven> consents;
};

constexpr std::size_t kMaxRecordSize = 128 * 1024;

Bytes encode_record(const SignatureRecord& r);
Result<SignatureRecord> decode_record(std::span<const std::uint8_t> data);

// Log: entry_hash(pos) = H("embassy-log-v1", entry_hash(pos-1), pos, record_hash); entry_hash(0) = 0…0.
// record_hash = BLAKE2b-256 keyed with r.log_salt over "embassy-log-record-v2" || encode_record(r);
// with an all-zero salt the legacy unkeyed H("embassy-log-record-v1", encode_record(r)).
Hash log_record_hash(const SignatureRecord& r);
Hash log_chain_next(const Hash& previous, std::int64_t position, const Hash& record_hash);

}  // namespace embassy::registry
