// embassy-sync: the command-line tool of kiosks and coordinators. Links registry and sync only —
// no GLFW, no OpenGL — so coordinators can run it on machines with no display.
//
// main() reads as steps: harden the process, build the command tree (each cmd_*.cpp adds its
// commands), parse (CLI11; a usage error is exit 2), run the chosen command, scrub and exit.
#include "cli.hpp"

#include "embassy/registry/memscan.hpp"
#include "embassy/registry/secure.hpp"
#include "embassy/registry/wiped_memory.hpp"

#include <exception>
#include <functional>
#include <iostream>
#include <string_view>

namespace {

using embassy::cli::exit_usage;

// A command has returned: everything it decoded is out of scope. Freed blocks were wiped as they
// were freed (wiped_memory.hpp); what is left is the stack below this frame.
int finish(int rc) {
    embassy::registry::wiped_memory::scrub_stack();
    embassy::registry::memscan::report("exit");   // test builds of the environment only (memscan.hpp)
    return rc;
}

// The deepest command named on the line: root, a group, or a command.
CLI::App* chosen(CLI::App& app) {
    CLI::App* at = &app;
    while (!at->get_subcommands().empty()) at = at->get_subcommands().front();
    return at;
}

// "embassy-sync coord import": the words that name a node, for usage lines and messages.
std::string full_name(const CLI::App* app) {
    std::string name = app->get_name();
    for (const CLI::App* p = app->get_parent(); p; p = p->get_parent()) name = p->get_name() + " " + name;
    return name;
}

// `embassy-sync help coord import`: the node those words name, or nullptr.
CLI::App* find_words(CLI::App& root, const std::vector<std::string>& words) {
    CLI::App* at = &root;
    for (const auto& w : words) {
        CLI::App* next = nullptr;
        for (CLI::App* sub : at->get_subcommands({}))
            if (sub->get_name() == w) next = sub;
        if (!next) return nullptr;
        at = next;
    }
    return at;
}

// --help-all (the man page's source): the root's help, then every group's and command's, each
// under a heading line of its own words, indented, without the exit-code table the root's help has.
void print_all_help(CLI::App& root) {
    std::cout << root.help();
    std::function<void(CLI::App&)> walk = [&](CLI::App& app) {
        for (CLI::App* sub : app.get_subcommands({})) {
            if (sub->get_name() == "help") continue;
            std::string text = sub->help(full_name(&app));
            if (auto at = text.find(embassy::cli::exit_code_table()); at != std::string::npos) text.erase(at);
            std::cout << "\n" << full_name(sub) << ":\n";
            std::size_t start = 0;
            for (int line = 0; start < text.size(); ++line) {
                std::size_t end = text.find('\n', start);
                if (end == std::string::npos) end = text.size();
                if (end > start) std::cout << "  " << text.substr(start, end - start);
                std::cout << (line == 0 ? "\n\n" : "\n");   // the summary a paragraph of its own
                start = end + 1;
            }
            walk(*sub);
        }
    };
    walk(root);
}

// A list's default is "[]" in CLI11's help: said by "..." already, so left out.
void tidy_defaults(CLI::App& app) {
    for (CLI::Option* o : app.get_options())
        if (o->get_default_str() == "[]") o->default_str("");
    for (CLI::App* sub : app.get_subcommands({})) tidy_defaults(*sub);
}

}  // namespace

int main(int argc, char** argv) {
    // Setup: no core dumps, no ptrace, files 0600; the memory-scan test hook, if asked. (Freed
    // memory, ICU's too, is wiped from before main(): registry/wipe_new.)
    embassy::registry::harden_process();
    if (!embassy::registry::memscan::arm_from_env()) return exit_usage;

    // The command tree. Every option shows its default in --help; every help ends with the exit codes.
    CLI::App root("embassy-sync " EMBASSY_VERSION ": People's Embassy kiosk and coordinator tool.\n"
                  "Passphrases come from --passphrase-file FILE or a prompt, never from an argument.",
                  "embassy-sync");
    root.option_defaults()->always_capture_default();
    root.set_help_all_flag("--help-all", "print the help of every command (the man page is made of it)");
    root.set_version_flag("-V,--version", "embassy-sync " EMBASSY_VERSION);
    root.footer(std::string("\nRun 'embassy-sync help GROUP COMMAND' or 'embassy-sync GROUP COMMAND --help' for a command's options.\n\n") +
                embassy::cli::exit_code_table());
    CLI::App* kiosk = root.add_subcommand("kiosk", "commands for a kiosk's data directory (run on the kiosk laptop)");
    CLI::App* coord = root.add_subcommand("coord", "commands for the coordinator's registry (default --dir: $EMBASSY_COORD_DIR)");
    kiosk->footer(root.get_footer());
    coord->footer(root.get_footer());
    CLI::App* help = root.add_subcommand("help", "print the help of a group or command: help [GROUP [COMMAND]]");
    (void)help;   // answered before parsing (below); added so that listings show it

    embassy::cli::Tree tree{root, *kiosk, *coord};
    embassy::cli::add_kiosk_commands(tree);
    embassy::cli::add_coord_commands(tree);
    embassy::cli::add_coordinator_commands(tree);
    embassy::cli::add_audit_commands(tree);
    embassy::cli::add_kiosks_commands(tree);
    embassy::cli::add_duplicates_commands(tree);
    tidy_defaults(root);

    // `help WORDS...` is answered before parsing: its words name commands, and CLI11 would run them.
    if (argc >= 2 && std::string_view(argv[1]) == "help") {
        CLI::App* target = find_words(root, std::vector<std::string>(argv + 2, argv + argc));
        if (!target) return embassy::cli::fail("help: no such group or command; see 'embassy-sync --help'", exit_usage);
        std::cout << target->help(target->get_parent() ? full_name(target->get_parent()) : "");
        return embassy::cli::exit_ok;
    }

    // Parse. CLI11 reports --help, --version and every usage error as an exception; all of them end here.
    try {
        root.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::cout << root.help();
        return embassy::cli::exit_ok;
    } catch (const CLI::CallForAllHelp&) {
        print_all_help(root);
        return embassy::cli::exit_ok;
    } catch (const CLI::CallForVersion&) {
        std::cout << "embassy-sync " EMBASSY_VERSION "\n";
        return embassy::cli::exit_ok;
    } catch (const CLI::ParseError& e) {
        // Unknown command, unknown option, a value of the wrong type: one exit code for all.
        return embassy::cli::fail(std::string(e.what()) + "; see '" + full_name(chosen(root)) + " --help'", exit_usage);
    }

    CLI::App* at = chosen(root);
    auto run = embassy::cli::command_of(*at);
    if (!run) {
        // No command, or a group without one: its listing, and exit 2 (nothing was done).
        std::cout << root.help();
        return exit_usage;
    }
    try {
        return finish(run());
    } catch (const std::exception& e) {
        // Expected failures come back as values; this is the last line against a surprise.
        std::cerr << "embassy-sync: internal error: " << embassy::registry::terminal_safe(e.what()) << "\n";
        return finish(embassy::cli::exit_failure);
    }
}
