#include "vgpu/common.h"

#include <fmt/format.h>

#include "vgpu/host_gpu.h"

namespace gvtsim::vgpu {

const char* to_string(GmKind k) { return k == GmKind::low ? "low" : "high"; }

std::string format_size(uint64_t bytes) {
  if (bytes % mib(1) == 0) return fmt::format("{} MB", bytes >> 20);
  return fmt::format("{:#x} bytes", bytes);
}

const char* to_string(PageUse u) {
  switch (u) {
    case PageUse::scratch: return "scratch";
    case PageUse::shadow_page_table: return "shadow_page_table";
    case PageUse::shadow_batch: return "shadow_batch";
    case PageUse::shadow_context: return "shadow_context";
    case PageUse::other: return "other";
  }
  return "?";
}

const char* to_string(ScheduleOut r) {
  switch (r) {
    case ScheduleOut::complete: return "complete";
    case ScheduleOut::preempted: return "preempted";
    case ScheduleOut::failed: return "failed";
  }
  return "?";
}

}  // namespace gvtsim::vgpu
