// SQLite's own error log (sqlite3_config(SQLITE_CONFIG_LOG)), routed through ours.
//
// SQLite's log messages quote statements ("statement aborts at 3: [INSERT … VALUES('Anna', …)]"
// when a caller inlines values) and SQLCipher's name pages; by default SQLCipher also writes its
// own lines to stderr. None of that reaches a terminal here: Database::open silences SQLCipher's
// logger and installs this one before SQLite initialises. What is kept is a count of corruption
// reports (SQLITE_CORRUPT, SQLITE_NOTADB), so a failing statement can say "wrong key or damaged
// file" in one line instead of a code and the SQL (db.cpp). With EMBASSY_SQLITE_LOG=1 in the
// environment each entry prints one line on stderr, "embassy: sqlite log: <the code's generic
// text> (code N)" — never SQLite's message itself.
#pragma once

#include <cstdint>

namespace embassy::registry::sqlite_log {

// Before SQLite initialises (false if it already had: then nothing is routed, and SQLCipher's
// logger is still silenced per connection). Idempotent.
bool install();
// Corruption reports since the process started.
std::uint64_t corruption_reports();

}  // namespace embassy::registry::sqlite_log
