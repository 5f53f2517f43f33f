#include "model/gen8/access.h"

namespace gvtsim::model::gen8 {

const char* to_string(Initiator i) {
  switch (i) {
    case Initiator::context: return "context";
    case Initiator::engine_internal: return "engine-internal";
    case Initiator::aperture: return "aperture";
    case Initiator::display: return "display";
    case Initiator::software: return "software";
  }
  return "?";
}

}  // namespace gvtsim::model::gen8
