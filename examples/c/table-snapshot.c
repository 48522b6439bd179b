/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* table-snapshot: a peerjssrc with table=true built from code; prints who
 * joins and leaves, their camera/mic state and connection states, and writes
 * a PNG of the table every --interval seconds.
 *
 *   table-snapshot --server ws://127.0.0.1:9000/ --peer-id table \
 *       --peers p1,p2 --interval 2 --output-dir /tmp/table
 */

#include <gst/gst.h>
#include <glib/gstdio.h>

static gchar *opt_server = NULL;
static gchar *opt_peer_id = NULL;
static gchar *opt_peers = NULL;
static gchar *opt_labels = NULL;
static gchar *opt_output = NULL;
static gint opt_interval = 5;
static gint opt_duration = 0;

static GOptionEntry entries[] = {
  {"server", 's', 0, G_OPTION_ARG_STRING, &opt_server,
      "PeerJS server URI (default ws://127.0.0.1:9000/)", "URI"},
  {"peer-id", 'i', 0, G_OPTION_ARG_STRING, &opt_peer_id,
      "Our PeerJS ID (default table)", "ID"},
  {"peers", 'p', 0, G_OPTION_ARG_STRING, &opt_peers,
      "The members, comma-separated (default p1,p2,p3,p4)", "IDS"},
  {"labels", 'l', 0, G_OPTION_ARG_STRING, &opt_labels,
      "Tile labels, \"id=Name,...\"", "LABELS"},
  {"interval", 'n', 0, G_OPTION_ARG_INT, &opt_interval,
      "Seconds between snapshots (default 5)", "S"},
  {"output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
      "Where the PNGs go (default .)", "DIR"},
  {"duration", 'd', 0, G_OPTION_ARG_INT, &opt_duration,
      "Stop after this many seconds (default: run until Ctrl-C)", "S"},
  {NULL, 0, 0, 0, NULL, NULL, NULL}
};

typedef struct
{
  GMainLoop *loop;
  GstElement *pipeline;
  GstElement *valve;            /* opens for one frame per snapshot */
  guint count;
} App;

/* one frame went through the valve: close it again */
static GstPadProbeReturn
on_frame (GstPad * pad, GstPadProbeInfo * info, App * app)
{
  g_object_set (app->valve, "drop", TRUE, NULL);
  return GST_PAD_PROBE_OK;
}

/* the frame as PNG: write the file */
static GstPadProbeReturn
on_png (GstPad * pad, GstPadProbeInfo * info, App * app)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMapInfo map;
  gchar *name, *path;
  GError *error = NULL;

  name = g_strdup_printf ("table-%04u.png", app->count++);
  path = g_build_filename (opt_output, name, NULL);
  if (gst_buffer_map (buf, &map, GST_MAP_READ)) {
    if (g_file_set_contents (path, (const gchar *) map.data, map.size, &error))
      g_print ("snapshot %s (%" G_GSIZE_FORMAT " bytes)\n", path, map.size);
    else
      g_printerr ("cannot write %s: %s\n", path, error->message);
    g_clear_error (&error);
    gst_buffer_unmap (buf, &map);
  }
  g_free (path);
  g_free (name);
  return GST_PAD_PROBE_DROP;
}

static gboolean
take_snapshot (gpointer data)
{
  App *app = data;

  g_object_set (app->valve, "drop", FALSE, NULL);
  return G_SOURCE_CONTINUE;
}

static gboolean
stop (gpointer data)
{
  g_main_loop_quit (((App *) data)->loop);
  return G_SOURCE_REMOVE;
}

static void
print_layout (const GstStructure * s)
{
  const GValue *tiles = gst_structure_get_value (s, "tiles");
  guint i, n = tiles ? gst_value_array_get_size (tiles) : 0;

  g_print ("layout: %u tile(s)\n", n);
  for (i = 0; i < n; i++) {
    const GstStructure *t =
        gst_value_get_structure (gst_value_array_get_value (tiles, i));
    gint x = 0, y = 0, w = 0, h = 0;
    gboolean placeholder = FALSE;

    gst_structure_get (t, "x", G_TYPE_INT, &x, "y", G_TYPE_INT, &y,
        "width", G_TYPE_INT, &w, "height", G_TYPE_INT, &h, "placeholder",
        G_TYPE_BOOLEAN, &placeholder, NULL);
    g_print ("  %s \"%s\" %dx%d at %d,%d%s\n",
        gst_structure_get_string (t, "peer-id"),
        gst_structure_get_string (t, "label"), w, h, x, y,
        placeholder ? " (placeholder)" : "");
  }
}

static gboolean
on_message (GstBus * bus, GstMessage * msg, gpointer data)
{
  App *app = data;
  const GstStructure *s = gst_message_get_structure (msg);

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:{
      GError *err = NULL;

      gst_message_parse_error (msg, &err, NULL);
      g_printerr ("error: %s\n", err->message);
      g_clear_error (&err);
      g_main_loop_quit (app->loop);
      break;
    }
    case GST_MESSAGE_LATENCY:
      gst_bin_recalculate_latency (GST_BIN (app->pipeline));
      break;
    case GST_MESSAGE_ELEMENT:
      if (gst_structure_has_name (s, "peerjs-open")) {
        g_print ("registered as %s\n", gst_structure_get_string (s, "peer-id"));
      } else if (gst_structure_has_name (s, "peerjs-peer-joined")) {
        g_print ("joined: %s\n", gst_structure_get_string (s, "peer-id"));
      } else if (gst_structure_has_name (s, "peerjs-peer-left")) {
        g_print ("left: %s\n", gst_structure_get_string (s, "peer-id"));
      } else if (gst_structure_has_name (s, "peerjs-track-state")) {
        gboolean video = TRUE, audio = TRUE;

        gst_structure_get_boolean (s, "video-enabled", &video);
        gst_structure_get_boolean (s, "audio-enabled", &audio);
        g_print ("track state: %s camera %s, mic %s (%s)\n",
            gst_structure_get_string (s, "peer-id"), video ? "on" : "off",
            audio ? "on" : "off", gst_structure_get_string (s, "source"));
      } else if (gst_structure_has_name (s, "peerjs-connection-state")) {
        g_print ("connection: %s %s %s\n",
            gst_structure_get_string (s, "peer-id"),
            gst_structure_get_string (s, "state"),
            gst_structure_get_string (s, "reason") ?
            gst_structure_get_string (s, "reason") : "");
      } else if (gst_structure_has_name (s, "peerjs-table-layout")) {
        print_layout (s);
      } else if (gst_structure_has_name (s, "peerjs-error")) {
        g_print ("peerjs-error: %s: %s\n", gst_structure_get_string (s,
                "type"), gst_structure_get_string (s, "message"));
      }
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char *argv[])
{
  GOptionContext *ctx = g_option_context_new ("- PNG snapshots of a "
      "PeerJS game table");
  GError *error = NULL;
  App app = { 0 };
  GstElement *table, *sink;
  GstPad *pad;
  GstBus *bus;
  gchar *desc;
  int ret = 0;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  g_option_context_free (ctx);
  if (!opt_output)
    opt_output = g_strdup (".");
  if (opt_interval < 1)
    opt_interval = 1;
  g_mkdir_with_parents (opt_output, 0755);

  /* the table's video through a closed valve into pngenc; the audio into a
   * fakesink (the table mixes it either way) */
  desc = g_strdup_printf ("peerjssrc name=t table=true "
      "t.table_video ! queue leaky=downstream max-size-buffers=2 ! "
      "valve name=valve drop=true ! videoconvert ! pngenc ! "
      "fakesink name=png async=false "
      "t.table_audio ! queue ! fakesink async=false");
  app.pipeline = gst_parse_launch (desc, &error);
  g_free (desc);
  if (!app.pipeline) {
    g_printerr ("cannot build the pipeline: %s\n", error->message);
    return 1;
  }
  table = gst_bin_get_by_name (GST_BIN (app.pipeline), "t");
  g_object_set (table, "server", opt_server ? opt_server :
      "ws://127.0.0.1:9000/", "peer-id", opt_peer_id ? opt_peer_id : "table",
      "peers", opt_peers ? opt_peers : "p1,p2,p3,p4", NULL);
  if (opt_labels)
    g_object_set (table, "labels", opt_labels, NULL);
  gst_object_unref (table);
  app.valve = gst_bin_get_by_name (GST_BIN (app.pipeline), "valve");
  pad = gst_element_get_static_pad (app.valve, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER,
      (GstPadProbeCallback) on_frame, &app, NULL);
  gst_object_unref (pad);
  sink = gst_bin_get_by_name (GST_BIN (app.pipeline), "png");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER,
      (GstPadProbeCallback) on_png, &app, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);

  app.loop = g_main_loop_new (NULL, FALSE);
  bus = gst_element_get_bus (app.pipeline);
  gst_bus_add_watch (bus, on_message, &app);
  gst_object_unref (bus);
  g_timeout_add_seconds (opt_interval, take_snapshot, &app);
  if (opt_duration > 0)
    g_timeout_add_seconds (opt_duration, stop, &app);

  if (gst_element_set_state (app.pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    g_printerr ("cannot start (is the plugin on GST_PLUGIN_PATH?)\n");
    ret = 1;
  } else {
    g_main_loop_run (app.loop);
  }

  gst_element_set_state (app.pipeline, GST_STATE_NULL);
  bus = gst_element_get_bus (app.pipeline);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (app.valve);
  gst_object_unref (app.pipeline);
  g_main_loop_unref (app.loop);
  g_print ("%u snapshot(s)\n", app.count);
  return ret;
}
