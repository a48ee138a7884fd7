// A full disk for one scope of a test: RLIMIT_FSIZE's soft limit lowered, SIGXFSZ ignored, so a
// write that would take a regular file past `bytes` fails with EFBIG (as one on a full file system
// fails with ENOSPC) instead of killing the process. Only the soft limit moves, so the destructor can
// put it back without privileges. In this process, not a forked child: the secure heap is
// MADV_DONTFORK (registry/secure_heap.cpp), so a child cannot use the parent's database or keys.
// Pipes and terminals are not limited: Catch2's output goes on.
#pragma once

#include <csignal>
#include <sys/resource.h>

namespace embassy::test {

class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        getrlimit(RLIMIT_FSIZE, &saved_);
        old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
        rlimit lowered = saved_;
        lowered.rlim_cur = bytes;
        ok_ = setrlimit(RLIMIT_FSIZE, &lowered) == 0;
    }
    ~FileSizeLimit() {
        setrlimit(RLIMIT_FSIZE, &saved_);
        std::signal(SIGXFSZ, old_handler_);
    }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;
    bool ok() const { return ok_; }   // REQUIRE it: a limit that did not apply tests nothing

private:
    rlimit saved_{};
    void (*old_handler_)(int) = SIG_DFL;
    bool ok_ = false;
};

}  // namespace embassy::test
