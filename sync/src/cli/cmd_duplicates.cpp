// embassy-sync coord duplicates / merge / unmerge / keep-apart: possible duplicates for a person to
// decide, and the decisions (sync/duplicates.hpp). Names are printed only with --names.
#include "cli.hpp"

#include "embassy/sync/coord_db.hpp"
#include "embassy/sync/duplicates.hpp"

#include <ctime>
#include <iostream>
#include <memory>

namespace embassy::cli {
namespace {

struct Opts {
    std::string dir, passphrase_file;
    bool json = false, review = false, names = false;
    std::int64_t a = 0, b = 0;
};

std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

const char* kind_text(sync::ReviewGroup::Kind k) {
    return k == sync::ReviewGroup::Kind::same_key ? "same_key" : "similar";
}

// [SECTION] coord duplicates

int coord_duplicates(const Opts& o) {
    auto c = open_coordinator(o.dir, o.passphrase_file);
    if (!c) return fail(c.message());
    auto groups = sync::review_duplicates(**c, o.review && o.names);
    if (!groups) return fail(groups.message());
    std::int64_t members = 0, joins = 0;
    for (const auto& g : *groups) {
        members += static_cast<std::int64_t>(g.members.size());
        joins += g.rule_joins ? 1 : 0;
    }
    if (o.json) {
        Json j{{"groups_total", groups->size()}, {"members_total", members}, {"rule_joins_total", joins}};
        if (o.review) {
            Json list = Json::array();
            std::size_t n = 0;
            for (const auto& g : *groups) {
                Json jg{{"group", ++n}, {"kind", kind_text(g.kind)}, {"rule_joins", g.rule_joins},
                        {"shared_appeals", g.shared_appeals}};
                Json apart = Json::array();
                for (const auto& [x, y] : g.kept_apart) apart.push_back({x, y});
                jg["kept_apart"] = apart;
                Json ms = Json::array();
                for (const auto& m : g.members) {
                    Json jm{{"id", m.id},
                            {"name_key", std::string(1, m.name)},
                            {"email", std::string(1, m.email)},
                            {"phone", std::string(1, m.phone)}};
                    put_text(jm, "country", m.country);
                    jm["signatures"] = m.signatures;
                    jm["counted"] = m.counted;
                    jm["registrations"] = m.registrations;
                    Json ks = Json::array(), es = Json::array();
                    for (const auto& k : m.kiosks) {
                        Json t;
                        put_text(t, "kiosk", k);
                        ks.push_back(t);
                    }
                    for (const auto& e : m.events) {
                        Json t;
                        put_text(t, "event", e);
                        es.push_back(t);
                    }
                    jm["kiosks"] = ks;
                    jm["events"] = es;
                    jm["first_day"] = m.first_day;
                    jm["last_day"] = m.last_day;
                    if (o.names) {
                        put_text(jm, "given_name", m.given);
                        put_text(jm, "family_name", m.family);
                    }
                    ms.push_back(jm);
                }
                jg["members"] = ms;
                list.push_back(jg);
            }
            j["groups"] = list;
        }
        print_json(j);
        return exit_ok;
    }
    std::cout << plural(static_cast<std::int64_t>(groups->size()), "group", "groups") << " of possible duplicates ("
              << plural(members, "member", "members") << "; in " << plural(joins, "group", "groups")
              << " the rule joins two members now, after a rule change)\n";
    if (!o.review) {
        if (!groups->empty()) std::cout << "list them: embassy-sync coord duplicates --review\n";
        return exit_ok;
    }
    if (!o.names && !groups->empty())
        std::cout << "Names are not shown (--names shows them: read the coordinator guide's warning first).\n"
                     "Letters compare keys within a group: the same letter is the same name, email or phone key; - none.\n";
    std::size_t n = 0;
    for (const auto& g : *groups) {
        std::cout << "\ngroup " << ++n << ": " << (g.kind == sync::ReviewGroup::Kind::same_key ? "one name key" : "similar names");
        if (g.rule_joins) std::cout << "; the rule joins two of them now (keys rebuilt)";
        std::cout << "; merging all turns " << plural(g.shared_appeals, "counted signature", "counted signatures")
                  << " into duplicates\n";
        for (const auto& m : g.members) {
            std::cout << "  member " << m.id << "  name " << m.name << "  email " << m.email << "  phone " << m.phone << "  "
                      << terminal_safe(m.country) << "  " << plural(m.signatures, "signature", "signatures") << " (" << m.counted
                      << " counted)";
            if (m.registrations > 0) std::cout << ", " << plural(m.registrations, "registration", "registrations") << " without";
            if (!m.first_day.empty()) std::cout << "  " << m.first_day << (m.last_day != m.first_day ? ".." + m.last_day : "");
            std::cout << "\n";
            if (o.names) std::cout << "      name: " << terminal_safe(m.given) << " " << terminal_safe(m.family) << "\n";
            for (const auto& k : m.kiosks) std::cout << "      kiosk " << terminal_safe(k) << "\n";
            for (const auto& e : m.events) std::cout << "      event " << terminal_safe(e) << "\n";
        }
        for (const auto& [x, y] : g.kept_apart) std::cout << "  kept apart already: " << x << " and " << y << "\n";
    }
    if (!groups->empty())
        std::cout << "\nDecide with: coord merge KEEP OTHER, coord keep-apart A B (coord unmerge OTHER undoes a merge).\n";
    return exit_ok;
}

// [SECTION] coord merge / unmerge / keep-apart

// The refusals each decision can meet, as one line and an exit code.
int refused(const sync::MergeOutcome& r, const char* what) {
    using R = sync::MergeOutcome::Result;
    switch (r.result) {
        case R::done: break;
        case R::no_such_member: return fail(std::string(what) + ": no such member", exit_not_found);
        case R::already_merged:
            return fail(std::string(what) + ": a member given was merged into another already (nothing changed; "
                        "coord unmerge it first, or name the member it went into)",
                        exit_already);
        case R::same_member: return fail(std::string(what) + ": the two member ids are the same", exit_usage);
        case R::not_merged: return fail(std::string(what) + ": member " + std::to_string(r.absorbed) + " is not merged into another (nothing changed)", exit_already);
    }
    return -1;
}

Json outcome_json(const char* result, const sync::MergeOutcome& r) {
    return {{"result", result},
            {"kept", r.kept},
            {"absorbed", r.absorbed},
            {"signatures_moved", r.signatures_moved},
            {"registrations_moved", r.registrations_moved},
            {"counted_before", r.counted_before},
            {"counted_after", r.counted_after}};
}

int coord_merge(const Opts& o) {
    auto c = open_coordinator(o.dir, o.passphrase_file);
    if (!c) return fail(c.message());
    auto r = sync::merge_members(**c, o.a, o.b, now());
    if (!r) return fail(r.message());
    if (int code = refused(*r, "merge"); code >= 0) return code;
    if (o.json) {
        print_json(outcome_json("merged", *r));
        return exit_ok;
    }
    std::cout << "member " << r->absorbed << " merged into member " << r->kept << ": "
              << plural(r->signatures_moved, "signature", "signatures") << " and "
              << plural(r->registrations_moved, "registration", "registrations") << " moved; counted signatures "
              << r->counted_before << " -> " << r->counted_after << " (undo: embassy-sync coord unmerge " << r->absorbed << ")\n";
    return exit_ok;
}

int coord_unmerge(const Opts& o) {
    auto c = open_coordinator(o.dir, o.passphrase_file);
    if (!c) return fail(c.message());
    auto r = sync::unmerge_member(**c, o.a, now());
    if (!r) return fail(r.message());
    if (int code = refused(*r, "unmerge"); code >= 0) return code;
    if (o.json) {
        print_json(outcome_json("unmerged", *r));
        return exit_ok;
    }
    std::cout << "member " << r->absorbed << " is its own again (was merged into member " << r->kept << "): "
              << plural(r->signatures_moved, "signature", "signatures") << " and "
              << plural(r->registrations_moved, "registration", "registrations") << " moved back; counted signatures "
              << r->counted_before << " -> " << r->counted_after << "\n";
    return exit_ok;
}

int coord_keep_apart(const Opts& o) {
    auto c = open_coordinator(o.dir, o.passphrase_file);
    if (!c) return fail(c.message());
    auto r = sync::keep_apart(**c, o.a, o.b, now());
    if (!r) return fail(r.message());
    if (int code = refused(*r, "keep-apart"); code >= 0) return code;
    if (o.json) {
        print_json({{"result", "kept_apart"}, {"members", {r->kept, r->absorbed}}});
        return exit_ok;
    }
    std::cout << "members " << r->kept << " and " << r->absorbed << " are different people: the review no longer lists them together\n";
    return exit_ok;
}

std::shared_ptr<Opts> command(CLI::App& group, const std::string& name, const std::string& summary, int (*run)(const Opts&),
                              CLI::App** out, const std::string& exit_notes) {
    auto o = std::make_shared<Opts>();
    *out = &add_command(group, name, summary, [o, run] { return run(*o); }, exit_notes);
    add_coord_dir(**out, o->dir);
    add_passphrase_file(**out, o->passphrase_file);
    add_json_flag(**out, o->json);
    return o;
}

}  // namespace

void add_duplicates_commands(Tree& t) {
    CLI::App* c = nullptr;
    auto d = command(t.coord, "duplicates", "possible duplicates the rule did not merge: how many, or --review to list them", coord_duplicates,
                     &c, "");
    c->add_flag("--review", d->review, "list each group: member ids, kiosks, events, days, and which keys agree (never names)");
    c->add_flag("--names", d->names,
                "with --review: also print each member's given and family name. Personal data on your screen, in the "
                "terminal's scrollback and in any log of it: see the coordinator guide first");

    auto m = command(t.coord, "merge", "one person: OTHER's signatures and registrations become KEEP's (audit-logged)", coord_merge, &c,
                     "  2  the two ids are the same\n  3  no such member\n  4  a member given was merged already: nothing changed\n");
    c->add_option("keep", m->a, "the member id that stays")->required()->check(non_negative());
    c->add_option("other", m->b, "the member id merged into it")->required()->check(non_negative());

    auto u = command(t.coord, "unmerge", "undo the merge of OTHER: what it moved goes back (audit-logged)", coord_unmerge, &c,
                     "  3  no such member\n  4  the member is not merged: nothing changed\n");
    c->add_option("other", u->a, "the member id that was merged into another")->required()->check(non_negative());

    auto k = command(t.coord, "keep-apart", "two different people: the review stops listing them together (audit-logged)",
                     coord_keep_apart, &c, "  2  the two ids are the same\n  3  no such member\n  4  a member given was merged already: nothing changed\n");
    c->add_option("a", k->a, "a member id")->required()->check(non_negative());
    c->add_option("b", k->b, "the other member id")->required()->check(non_negative());
}

}  // namespace embassy::cli
