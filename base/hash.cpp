#include "base/hash.h"

#include <xxhash.h>

namespace gvtsim {

Hasher::Hasher() : m_state(XXH3_createState()) { XXH3_64bits_reset(static_cast<XXH3_state_t*>(m_state)); }
Hasher::~Hasher() { XXH3_freeState(static_cast<XXH3_state_t*>(m_state)); }
void Hasher::update(const void* data, std::size_t len) { XXH3_64bits_update(static_cast<XXH3_state_t*>(m_state), data, len); }
uint64_t Hasher::digest() const { return XXH3_64bits_digest(static_cast<const XXH3_state_t*>(m_state)); }
uint64_t hash64(const void* data, std::size_t len) { return XXH3_64bits(data, len); }

}  // namespace gvtsim
