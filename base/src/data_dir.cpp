#include "embassy/data_dir.hpp"

#include <cstdlib>
#include <system_error>

#ifndef EMBASSY_DATA_FROM_BIN
#error "EMBASSY_DATA_FROM_BIN: base/CMakeLists.txt sets it from GNUInstallDirs"
#endif

namespace embassy {
namespace fs = std::filesystem;

fs::path data_dir_beside(const fs::path& exe) {
    return (exe.parent_path() / EMBASSY_DATA_FROM_BIN).lexically_normal();
}

Result<fs::path> data_dir() {
    fs::path dir;
    const char* from = "";
    if (const char* env = std::getenv(kDataDirEnv); env != nullptr && *env != '\0') {
        dir = env;
        from = " (from $EMBASSY_DATA_DIR)";
    } else {
        // /proc/self/exe names the binary actually running, whatever PATH or symlink started it.
        std::error_code ec;
        const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
        if (ec) return make_error("data directory: cannot read /proc/self/exe: " + ec.message());
        dir = data_dir_beside(exe);
    }
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return make_error("data directory " + dir.string() + from + " does not exist (fonts, catalogs, demo pack)");
    return dir;
}

}  // namespace embassy
