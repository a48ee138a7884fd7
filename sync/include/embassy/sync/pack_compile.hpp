// The appeal pack source: a TOML file the coordinator edits (schema in docs/appeal-pack.md),
// compiled into an AppealPack that registry::pack_write then signs.
#pragma once

#include "embassy/registry/model.hpp"
#include "embassy/result.hpp"

#include <string_view>

namespace embassy::sync {

// Parse and check the source. Every error names the file, the line and the key path
// ("appeals.toml:12: appeal 'political-prisoners' has no text for language 'lt'"). `source_name` is
// only used in messages. Never throws. Hashes are filled in; pack_hash is left zero (it belongs to
// the signed file). A missing pack.created means "now".
Result<registry::AppealPack> pack_from_toml(std::string_view toml_text, std::string_view source_name = "appeals.toml");

}  // namespace embassy::sync
