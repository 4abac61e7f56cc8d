/*
 * The field types of the blobs' contract headers (restorer.h, parasite-proto.h): the only
 * ones src/blob/struct-layout.ts lays out, of the same width on every arch criu-ts runs on.
 */
#ifndef CRIU_TS_CONTRACT_TYPES_H
#define CRIU_TS_CONTRACT_TYPES_H

typedef unsigned long long u64;
typedef long long s64;
typedef unsigned int u32;
typedef int s32;
typedef unsigned char u8;

#endif
