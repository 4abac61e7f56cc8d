// What arch/<arch>/native.cc, the host arch's part of the addon (binding.gyp picks it),
// gives the arch-free binding files. Arch-only bindings register themselves there too.
#pragma once

namespace criu_ts {

// The calling thread's thread pointer (the base of its TLS and of glibc's rseq area).
void* ThreadPointer();

}  // namespace criu_ts
