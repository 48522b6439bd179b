/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#include "waitloop.h"

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
keep_polling (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static GSource *
attach_timer (GMainContext * context, guint ms, GSourceFunc func, gpointer data)
{
  GSource *timer = g_timeout_source_new (ms);

  g_source_set_callback (timer, func, data, NULL);
  g_source_attach (timer, context);
  return timer;
}

static void
detach_timer (GSource * timer)
{
  g_source_destroy (timer);
  g_source_unref (timer);
}

/* Runs @context until @cond holds or @ms passed. Some conditions change
 * in the server thread, which does not wake our context: hence the poll
 * every 10 ms. */
gboolean
waitloop_wait_for (GMainContext * context, Condition cond,
    gconstpointer data, guint ms)
{
  gboolean timed_out = FALSE;
  GSource *timer = attach_timer (context, ms, set_flag, &timed_out);
  GSource *poll = attach_timer (context, 10, keep_polling, NULL);

  while (!cond (data) && !timed_out)
    g_main_context_iteration (context, TRUE);
  detach_timer (poll);
  detach_timer (timer);
  return cond (data);
}

static gboolean
never (gconstpointer data)
{
  return FALSE;
}

void
waitloop_run_for (GMainContext * context, guint ms)
{
  waitloop_wait_for (context, never, NULL, ms);
}
