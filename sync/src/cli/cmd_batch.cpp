// Batch commands (export, import, acknowledgements, receipts) are added by the batch work.
#include "cli.hpp"

namespace embassy::cli {
void add_batch_commands(std::vector<Command>&) {}
}  // namespace embassy::cli
