#pragma once
#include "embassy/registry/db.hpp"

namespace embassy::registry {
int schema_latest();
// Run migrations current+1 … target (target ≤ latest; tests build old-schema fixtures with it).
Status schema_migrate(Database& db, int target);
}  // namespace embassy::registry
