// embassy-sync: the command-line tool of kiosks and coordinators. Links registry and sync only —
// no GLFW, no OpenGL — so coordinators can run it on machines with no display.
#include "cli.hpp"

#include "embassy/registry/memscan.hpp"
#include "embassy/registry/secure.hpp"
#include "embassy/registry/wiped_memory.hpp"

#include <cstring>
#include <exception>
#include <iostream>

namespace {

void print_help(const std::vector<embassy::cli::Command>& cmds) {
    std::cout << "embassy-sync " EMBASSY_VERSION " — People's Embassy kiosk and coordinator tool\n\n"
                 "Usage: embassy-sync <group> <command> [options]\n\n";
    for (const auto& c : cmds) {
        std::string full = std::string(c.group) + (c.group[0] ? " " : "") + c.name;
        std::cout << "  " << full << std::string(full.size() < 28 ? 28 - full.size() : 1, ' ') << c.summary << "\n";
    }
    std::cout << "\nPassphrases come from --passphrase-file FILE or a prompt, never from an argument.\n"
                 "Run 'embassy-sync <group> <command> --help' for a command's options.\n";
}

// A command has returned: everything it decoded is out of scope. Freed blocks were wiped as they
// were freed (wiped_memory.hpp); what is left is the stack below this frame.
int finish(int rc) {
    embassy::registry::wiped_memory::scrub_stack();
    embassy::registry::memscan::report("exit");   // test builds of the environment only (memscan.hpp)
    return rc;
}

}  // namespace

int main(int argc, char** argv) {
    // Setup: no core dumps, no ptrace, files 0600; the memory-scan test hook, if asked. (Freed
    // memory, ICU's too, is wiped from before main(): registry/wipe_new.)
    embassy::registry::harden_process();
    if (!embassy::registry::memscan::arm_from_env()) return 2;

    std::vector<embassy::cli::Command> cmds;
    embassy::cli::add_kiosk_commands(cmds);
    embassy::cli::add_coord_commands(cmds);
    embassy::cli::add_batch_commands(cmds);

    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        print_help(cmds);
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version") {
        std::cout << "embassy-sync " EMBASSY_VERSION "\n";
        return 0;
    }
    for (const auto& c : cmds) {
        std::size_t words = c.group[0] ? 2 : 1;
        if (args.size() < words) continue;
        if (c.group[0] ? (args[0] == c.group && args[1] == c.name) : args[0] == c.name) {
            std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(words), args.end());
            for (const auto& a : rest)
                if (a == "--help" || a == "-h") {
                    std::cout << "Usage: embassy-sync " << c.group << (c.group[0] ? " " : "") << c.name << " " << c.usage
                              << "\n\n" << c.summary << "\n";
                    return 0;
                }
            try {
                return finish(c.run(rest));
            } catch (const std::exception& e) {
                // Expected failures come back as values; this is the last line against a surprise.
                std::cerr << "embassy-sync: internal error: " << e.what() << "\n";
                return finish(1);
            }
        }
    }
    std::cerr << "embassy-sync: unknown command '" << args[0] << (args.size() > 1 ? " " + args[1] : "")
              << "'; see embassy-sync --help\n";
    return 2;
}
