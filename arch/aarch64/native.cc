// aarch64's part of the addon: nothing beyond the thread pointer.
#include "../../native/src/arch-native.h"

namespace criu_ts {

void* ThreadPointer() { return __builtin_thread_pointer(); }

}  // namespace criu_ts
