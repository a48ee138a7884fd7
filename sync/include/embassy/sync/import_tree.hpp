// Import from a USB stick as volunteers bring it: which files under the paths a coordinator names
// are batch files, which are skipped, which are refused before anything is read; and the one way
// the importer opens a file it did not write.
//
// A stick has been through other people's computers. macOS leaves an AppleDouble "._<name>" beside
// every file it copies (same name, same extension, 4 KiB of metadata) and .Trashes, .Spotlight-V100,
// .fseventsd; Windows leaves "System Volume Information" and "$RECYCLE.BIN"; anyone can leave a
// symbolic link, a FIFO or a device node. None of them is a batch, and none of them may stop the
// import of the batches beside them, hang it, or make it read a file outside the stick.
//
// walk_import_tree, for each path given:
//   - it does not exist                                   → rejected ("no such file or directory")
//   - it is a symbolic link (the path itself)             → rejected: never followed
//   - it is a regular file                                → a batch file, whatever its name or size
//                                                           (the coordinator chose it)
//   - it is a FIFO, device or socket                      → skipped
//   - it is a directory: searched recursively, entries in byte order of their names; an entry
//       - named "._*"                                     → skipped (AppleDouble)
//       - a system folder (.Trashes, .Spotlight-V100, .fseventsd, .TemporaryItems,
//         .DocumentRevisions-V100, System Volume Information, $RECYCLE.BIN, RECYCLER)
//                                                         → skipped, not entered
//       - any other name starting with "."                → skipped (hidden), folders not entered
//       - a symbolic link named *.embatch                 → rejected: never followed (someone
//                                                           made it; the coordinator should look)
//       - any other symbolic link (to a folder, a loop)   → skipped: never followed
//       - a FIFO, device or socket                        → skipped (never opened)
//       - a folder                                        → searched (at most kMaxTreeDepth deep; a
//                                                           folder already searched, by device and
//                                                           inode, is skipped: no bind-mount loop)
//       - a regular file of 0 bytes                       → skipped (empty)
//       - a regular file not named *.embatch              → skipped (not a batch file)
//       - a regular file named *.embatch                  → a batch file
// Folders are opened with O_NOFOLLOW | O_DIRECTORY relative to their parent's descriptor, so a
// folder swapped for a link while the walk runs is not entered. The walk opens no file: the type
// it sees (fstatat, AT_SYMLINK_NOFOLLOW) is checked again on the descriptor the importer reads
// (open_regular_file), so a file swapped for a link or a FIFO after the walk is refused then.
#pragma once

#include "embassy/result.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace embassy::sync {

inline constexpr int kMaxTreeDepth = 32;

struct TreeEntry {
    std::filesystem::path path;       // as reached: the path given, joined with the names below it
    std::string shown;                // for messages: relative to the folder given ("sub/x.embatch"),
                                      // or the file name of a path given as a file
    std::string reason;               // skipped / rejected: why, one line ("AppleDouble file (macOS)")
};

struct ImportTree {
    std::vector<TreeEntry> files;     // batch files to import, in walk order
    std::vector<TreeEntry> skipped;   // not batches: counted, reported, not an error
    std::vector<TreeEntry> rejected;  // refused before reading (a link, a path that is not there)
};

ImportTree walk_import_tree(const std::vector<std::filesystem::path>& paths);

// Open `path` for reading only if it is a regular file itself: O_NOFOLLOW (a symbolic link as the
// last component is refused, not followed), O_NONBLOCK (opening a FIFO does not wait for a writer)
// and O_CLOEXEC, then the type checked with fstat on the descriptor that will be read, so nothing
// swapped in between the check and the read is read. O_NONBLOCK is cleared again for the read.
// The message names the reason only, not the path (the caller names the file once).
Result<int> open_regular_file(const std::filesystem::path& path);

}  // namespace embassy::sync
