/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Waiting on the test thread's own context, for the server tests. */

#ifndef __PEERJS_WAITLOOP_H__
#define __PEERJS_WAITLOOP_H__

#include <glib.h>

typedef gboolean (*Condition) (gconstpointer data);

gboolean waitloop_wait_for (GMainContext * context, Condition cond,
    gconstpointer data, guint ms);
void waitloop_run_for (GMainContext * context, guint ms);

#endif /* __PEERJS_WAITLOOP_H__ */
