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
 * Every regular file of a directory is one input, run in a child process
 * of its own (at most 30 s): an input fails when its child does not exit
 * with 0: an assertion or a sanitizer report (in a sanitizer build,
 * LeakSanitizer checks each child as it exits), a critical (with
 * G_DEBUG=fatal-criticals) or the time limit. The number of failed inputs
 * is checked against the row FUZZ_REPLAY_ID of docs/reliability.md
 * (`fuzz-<target>-replay-failures`, named in meson.build); exits 0 when it holds and inputs ran. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "fuzz.h"
#include "../check/reliability.h"

#define INPUT_TIME_LIMIT_S 30

static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar * const *) a, *(const gchar * const *) b);
}

/* Runs @path in a child; FALSE when the input failed. */
static gboolean
run_file (const gchar * path, guint * count)
{
  pid_t pid;
  gint status;

  (*count)++;
  fflush (NULL);
  pid = fork ();
  if (pid < 0) {
    fprintf (stderr, "replay: fork: %s\n", g_strerror (errno));
    return FALSE;
  }
  if (pid == 0) {
    GError *error = NULL;
    gchar *contents;
    gsize length;

    alarm (INPUT_TIME_LIMIT_S);
    if (!g_file_get_contents (path, &contents, &length, &error)) {
      fprintf (stderr, "replay: %s\n", error->message);
      exit (1);
    }
    LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
    g_free (contents);
    /* exit(), not _exit(): LeakSanitizer checks at exit */
    exit (0);
  }

  if (waitpid (pid, &status, 0) != pid) {
    fprintf (stderr, "replay: waitpid: %s\n", g_strerror (errno));
    return FALSE;
  }
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return TRUE;
  if (WIFSIGNALED (status))
    fprintf (stderr, "replay: FAILED %s: killed by signal %d (%s)\n", path,
        WTERMSIG (status), strsignal (WTERMSIG (status)));
  else
    fprintf (stderr, "replay: FAILED %s: exit status %d\n", path,
        WEXITSTATUS (status));
  return FALSE;
}

int
main (int argc, char **argv)
{
  guint count = 0, failed = 0;
  gboolean ok;
  gint i;

  if (argc < 2) {
    fprintf (stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  if (LLVMFuzzerInitialize)
    LLVMFuzzerInitialize (&argc, &argv);

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
          failed++;
      }
      g_ptr_array_unref (names);
    } else if (!run_file (argv[i], &count)) {
      failed++;
    }
  }

  printf ("replayed %u inputs, %u failed\n", count, failed);
  ok = reliability_check (FUZZ_REPLAY_ID, failed, "");
  return count > 0 && ok ? 0 : 1;
}
