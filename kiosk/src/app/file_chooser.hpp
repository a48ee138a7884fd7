// State of the small in-app file and folder chooser (drawn by App::OverlayChooser): big rows, no
// typing. USB sticks (mounts under /media and /run/media) are listed first, then home and the
// kiosk's data directory.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace embassy::app {

struct FileChooser {
    enum class Kind { File, Directory };

    // Opens at the first USB mount if any, else at `fallback`. `suffix` filters files (".pack");
    // empty shows every file.
    void Open(Kind kind, std::string suffix, const std::filesystem::path& fallback);
    void Enter(const std::filesystem::path& dir);   // list dir (unreadable: stays empty)
    void Up() { Enter(dir.parent_path()); }

    // Mount points of removable media: /media/<user>/<label>, /media/<label>, /run/media/<user>/<label>.
    static std::vector<std::filesystem::path> UsbMounts();

    bool open = false;
    Kind kind = Kind::File;
    std::string suffix;
    std::filesystem::path dir;
    std::vector<std::filesystem::path> roots;        // shortcuts: USB mounts, home, fallback
    std::vector<std::filesystem::path> dirs, files;  // entries of dir, sorted
};

}  // namespace embassy::app
