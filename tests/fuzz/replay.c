/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Runs a fuzz target over files without libFuzzer, so a gcc build replays
 * the corpus (and any crash file) as a test:
 *
 *   replay-<target> DIR_OR_FILE...
 *
 * Every regular file of a directory is one input. Exits 0 when all ran;
 * a failing input aborts, like under libFuzzer. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "fuzz.h"

static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar * const *) a, *(const gchar * const *) b);
}

static gboolean
run_file (const gchar * path, guint * count)
{
  GError *error = NULL;
  gchar *contents;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &error)) {
    fprintf (stderr, "replay: %s\n", error->message);
    g_error_free (error);
    return FALSE;
  }
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
  g_free (contents);
  (*count)++;
  return TRUE;
}

int
main (int argc, char **argv)
{
  guint count = 0;
  gint i;

  if (argc < 2) {
    fprintf (stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
    return 2;
  }

  for (i = 1; i < argc; i++) {
    if (g_file_test (argv[i], G_FILE_TEST_IS_DIR)) {
      GError *error = NULL;
      GDir *dir = g_dir_open (argv[i], 0, &error);
      GPtrArray *names;
      const gchar *name;
      guint j;

      if (dir == NULL) {
        fprintf (stderr, "replay: %s\n", error->message);
        g_error_free (error);
        return 1;
      }
      /* in name order, so a run is reproducible */
      names = g_ptr_array_new_with_free_func (g_free);
      while ((name = g_dir_read_name (dir)))
        g_ptr_array_add (names, g_build_filename (argv[i], name, NULL));
      g_dir_close (dir);
      g_ptr_array_sort (names, compare_paths);
      for (j = 0; j < names->len; j++) {
        const gchar *path = g_ptr_array_index (names, j);

        if (g_file_test (path, G_FILE_TEST_IS_REGULAR)
            && !run_file (path, &count))
          return 1;
      }
      g_ptr_array_unref (names);
    } else if (!run_file (argv[i], &count)) {
      return 1;
    }
  }

  printf ("replayed %u inputs\n", count);
  return count > 0 ? 0 : 1;
}
