/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The entry point every fuzz target defines: libFuzzer calls it, and so
 * does replay.c. */

#ifndef __GST_PEERJS_FUZZ_H__
#define __GST_PEERJS_FUZZ_H__

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Aborts (a crash for libFuzzer) with the condition that failed. */
#define FUZZ_ASSERT(cond) \
  do { \
    if (!(cond)) { \
      fprintf (stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, \
          #cond); \
      abort (); \
    } \
  } while (0)

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

/* Optional one-time setup, which libFuzzer calls before the first input
 * and replay.c before it forks a child per input (so that each child
 * does not pay for, e.g., gst_init() again). */
int LLVMFuzzerInitialize (int *argc, char ***argv) __attribute__ ((weak));

#endif /* __GST_PEERJS_FUZZ_H__ */
