// ppc64le's part of the addon: nothing beyond the thread pointer.
#include "../../native/src/arch-native.h"

namespace criu_ts {

// gcc 12 has no __builtin_thread_pointer on powerpc64; r13 is the thread pointer.
void* ThreadPointer() {
  register void* tp asm("r13");
  return tp;
}

}  // namespace criu_ts
