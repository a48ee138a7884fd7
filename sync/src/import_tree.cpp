// Import from a USB stick: the walk over the paths given, and opening a file without following a
// link or blocking on a FIFO (import_tree.hpp states the rules).
#include "embassy/sync/import_tree.hpp"

#include "embassy/sync/batch.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <set>
#include <string_view>
#include <utility>

namespace embassy::sync {
namespace fs = std::filesystem;

namespace {

// Folders other systems keep on a stick for themselves: never batches, never entered.
constexpr std::array<std::string_view, 8> kSystemFolders = {
    ".Trashes", ".Spotlight-V100", ".fseventsd", ".TemporaryItems", ".DocumentRevisions-V100",
    "System Volume Information", "$RECYCLE.BIN", "RECYCLER",
};

bool ends_with(std::string_view s, std::string_view tail) {
    return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

const char* special_kind(mode_t m) {
    if (S_ISFIFO(m)) return "a FIFO (named pipe), not a file; not opened";
    if (S_ISCHR(m) || S_ISBLK(m)) return "a device node, not a file; not opened";
    if (S_ISSOCK(m)) return "a socket, not a file; not opened";
    return "not a regular file; not opened";
}

struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { if (fd >= 0) ::close(fd); }
};

class Walker {
public:
    explicit Walker(ImportTree& out) : out_(out) {}

    // `dir_fd` is open on the folder `path` (shown as `shown`, "" for the folder given); taken over.
    void folder(int dir_fd, const fs::path& path, const std::string& shown, int depth) {
        Fd guard(dir_fd);
        struct stat st {};
        if (::fstat(dir_fd, &st) != 0) return skip(path, shown, std::string("cannot read the folder: ") + std::strerror(errno));
        if (!seen_.insert({st.st_dev, st.st_ino}).second) return skip(path, shown, "a folder already searched (a loop); not entered");
        // readdir on a dup: closedir closes the descriptor it was given, the guard closes ours.
        const int list_fd = ::dup(dir_fd);
        if (list_fd < 0) return skip(path, shown, std::string("cannot read the folder: ") + std::strerror(errno));
        DIR* d = ::fdopendir(list_fd);
        if (d == nullptr) {
            ::close(list_fd);
            return skip(path, shown, std::string("cannot read the folder: ") + std::strerror(errno));
        }
        std::vector<std::string> names;
        while (dirent* e = ::readdir(d)) {
            const std::string_view n = e->d_name;
            if (n != "." && n != "..") names.emplace_back(n);
        }
        ::closedir(d);
        std::sort(names.begin(), names.end());
        for (const auto& name : names) entry(dir_fd, path / name, shown.empty() ? name : shown + "/" + name, name, depth);
    }

    void entry(int dir_fd, const fs::path& path, const std::string& shown, const std::string& name, int depth) {
        if (name.starts_with("._")) return skip(path, shown, "AppleDouble file (macOS metadata)");
        if (std::find(kSystemFolders.begin(), kSystemFolders.end(), name) != kSystemFolders.end())
            return skip(path, shown, "a system folder; not entered");
        if (name.starts_with(".")) return skip(path, shown, "hidden; not entered or read");
        struct stat st {};
        if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            return skip(path, shown, std::string("cannot read: ") + std::strerror(errno));
        if (S_ISLNK(st.st_mode)) {
            if (ends_with(name, kBatchExtension)) return reject(path, shown, "a symbolic link; not followed");
            return skip(path, shown, "a symbolic link; not followed");
        }
        if (S_ISDIR(st.st_mode)) {
            if (depth + 1 > kMaxTreeDepth)
                return skip(path, shown, "folders nested more than " + std::to_string(kMaxTreeDepth) + " deep; not entered");
            const int sub = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            // ELOOP / ENOTDIR: it became a link or a file since fstatat; either way not entered.
            if (sub < 0) return skip(path, shown, std::string("folder not entered: ") + std::strerror(errno));
            return folder(sub, path, shown, depth + 1);
        }
        if (!S_ISREG(st.st_mode)) return skip(path, shown, special_kind(st.st_mode));
        if (st.st_size == 0) return skip(path, shown, "empty (0 bytes)");
        if (!ends_with(name, kBatchExtension)) return skip(path, shown, std::string("not named *") + kBatchExtension);
        out_.files.push_back({path, shown, {}});
    }

    void skip(const fs::path& p, const std::string& shown, std::string why) {
        out_.skipped.push_back({p, shown.empty() ? p.string() : shown, std::move(why)});
    }
    void reject(const fs::path& p, const std::string& shown, std::string why) {
        out_.rejected.push_back({p, shown.empty() ? p.string() : shown, std::move(why)});
    }

private:
    ImportTree& out_;
    std::set<std::pair<dev_t, ino_t>> seen_;
};

}  // namespace

ImportTree walk_import_tree(const std::vector<fs::path>& paths) {
    ImportTree out;
    Walker w(out);
    for (const auto& p : paths) {
        const std::string file_name = p.filename().empty() ? p.string() : p.filename().string();
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0) {
            w.reject(p, p.string(), std::string(errno == ENOENT ? "no such file or directory" : std::strerror(errno)));
            continue;
        }
        if (S_ISLNK(st.st_mode)) {
            w.reject(p, p.string(), "a symbolic link; not followed (name the file or folder it points to)");
        } else if (S_ISDIR(st.st_mode)) {
            const int fd = ::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0) w.reject(p, p.string(), std::string("cannot open the folder: ") + std::strerror(errno));
            else w.folder(fd, p, "", 0);
        } else if (S_ISREG(st.st_mode)) {
            out.files.push_back({p, file_name, {}});
        } else {
            w.skip(p, p.string(), special_kind(st.st_mode));
        }
    }
    return out;
}

Result<int> open_regular_file(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ELOOP) return make_error("a symbolic link; not followed");
        return make_error(std::string("cannot open: ") + std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        return make_error(std::string("cannot read: ") + std::strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return make_error(special_kind(st.st_mode));
    }
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        const int err = errno;
        ::close(fd);
        return make_error(std::string("cannot open: ") + std::strerror(err));
    }
    return fd;
}

}  // namespace embassy::sync
