// The in-app chooser's listing (file_chooser.hpp).
#include "file_chooser.hpp"

#include <algorithm>
#include <cstdlib>
#include <system_error>

#include <sys/stat.h>

namespace embassy::app {
namespace fs = std::filesystem;

namespace {
std::vector<fs::path> subdirs(const fs::path& p) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
         it.increment(ec)) {
        std::error_code ec2;
        if (it->is_directory(ec2)) out.push_back(it->path());
    }
    std::sort(out.begin(), out.end());
    return out;
}
}  // namespace

std::vector<fs::path> FileChooser::UsbMounts() {
    // A mount point lives on another device than its parent directory. Covers /media/<label>
    // (usbmount), /media/<user>/<label> (udisks on Debian) and /run/media/<user>/<label>.
    std::vector<fs::path> out;
    auto consider = [&](const fs::path& parent, int depth, auto& self) -> void {
        struct stat ps{};
        if (::stat(parent.c_str(), &ps) != 0) return;
        for (const auto& d : subdirs(parent)) {
            struct stat ds{};
            if (::stat(d.c_str(), &ds) != 0) continue;
            if (ds.st_dev != ps.st_dev) out.push_back(d);
            else if (depth > 0) self(d, depth - 1, self);
        }
    };
    consider("/media", 1, consider);
    consider("/run/media", 1, consider);
    return out;
}

void FileChooser::Open(Kind k, std::string suf, const fs::path& fallback) {
    kind = k;
    suffix = std::move(suf);
    roots = UsbMounts();
    if (const char* home = std::getenv("HOME"); home && *home) roots.emplace_back(home);
    if (!fallback.empty()) roots.push_back(fallback);
    roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
    open = true;
    Enter(roots.empty() ? fs::path("/") : roots.front());
}

void FileChooser::Enter(const fs::path& d) {
    dir = d.empty() ? fs::path("/") : d;
    dirs.clear();
    files.clear();
    std::error_code ec;
    for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
         it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (name.empty() || name[0] == '.') continue;   // hidden files are never what a volunteer wants
        std::error_code ec2;
        if (it->is_directory(ec2)) dirs.push_back(it->path());
        else if (kind == Kind::File && it->is_regular_file(ec2) &&
                 (suffix.empty() || (name.size() >= suffix.size() &&
                                     name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)))
            files.push_back(it->path());
    }
    std::sort(dirs.begin(), dirs.end());
    std::sort(files.begin(), files.end());
}

}  // namespace embassy::app
