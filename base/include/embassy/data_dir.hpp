// Where the kiosk's read-only data lives at run time: fonts/, i18n/ (message catalogs) and
// demo/appeals.toml. The executables find it relative to themselves, so an installed package works
// on a machine that never saw the source tree, and no build-machine path is compiled in.
#pragma once

#include "embassy/result.hpp"

#include <filesystem>

namespace embassy {

// The environment variable that overrides the rule below (a translator's edited catalogs, a test).
inline constexpr const char* kDataDirEnv = "EMBASSY_DATA_DIR";

// The data directory for an executable at `exe`: <exe's directory>/../share/embassy-kiosk (the step
// from the install's bin directory to its data directory, from GNUInstallDirs), lexically normal.
// The build tree has the same layout (build/sync/embassy-sync -> build/share/embassy-kiosk).
std::filesystem::path data_dir_beside(const std::filesystem::path& exe);

// $EMBASSY_DATA_DIR when set and not empty, else data_dir_beside(/proc/self/exe). An error when that
// directory does not exist, naming the directory tried (an install path, never personal data).
Result<std::filesystem::path> data_dir();

}  // namespace embassy
