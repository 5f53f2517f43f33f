#include "harness/driver.h"

#include "harness/platform.h"

namespace gvtsim::harness {

const char* to_string(DriverKind k) { return k == DriverKind::functional ? "functional" : "systemc"; }

void Driver::run_for(Platform& p, Duration d) { run_until(p, p.now() + d); }

void FunctionalDriver::run_until(Platform& p, Time limit) { p.queue().run_until(limit); }

}  // namespace gvtsim::harness
