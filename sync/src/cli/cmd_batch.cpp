// Registers the batch-related commands: the coordinator side (cmd_coordinator.cpp). The kiosk
// side (kiosk export, kiosk apply-ack) lives in cmd_kiosk.cpp.
#include "cli.hpp"

namespace embassy::cli {

void add_coordinator_commands(std::vector<Command>& out);  // cmd_coordinator.cpp

void add_batch_commands(std::vector<Command>& out) { add_coordinator_commands(out); }

}  // namespace embassy::cli
