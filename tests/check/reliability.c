/* gst-peerjs: figures of docs/reliability.md, checked by the tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The doc holds the limits (one place, so it cannot drift from the tests);
 * the format is explained in scripts/reliability-table.
 */
#include "reliability.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#ifndef RELIABILITY_DOC
#error "RELIABILITY_DOC must name docs/reliability.md"
#endif

typedef struct
{
  gchar op[4];
  gdouble value;
  gchar *unit;
  gchar *test;
} Limit;

static gboolean
find_limit (const gchar * id, Limit * out)
{
  g_autofree gchar *text = NULL;
  g_autofree gchar *prefix = g_strdup_printf ("| `%s` |", id);
  g_auto (GStrv) lines = NULL;
  g_autoptr (GError) err = NULL;
  g_autoptr (GRegex) re = g_regex_new
      ("^(≤|≥|=)\\s*(-?[0-9]+(?:\\.[0-9]+)?)\\s*(\\S*)$", 0, 0, NULL);

  if (!g_file_get_contents (RELIABILITY_DOC, &text, NULL, &err)) {
    g_printerr ("reliability: %s\n", err->message);
    return FALSE;
  }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    g_auto (GStrv) cells = NULL;
    g_autoptr (GMatchInfo) m = NULL;
    g_autofree gchar *limit = NULL;
    g_autofree gchar *num = NULL;
    g_autofree gchar *op = NULL;

    if (!g_str_has_prefix (lines[i], prefix))
      continue;
    /* "", id, done, measured, limit, test, "" */
    cells = g_strsplit (lines[i], "|", -1);
    if (g_strv_length (cells) != 7)
      break;
    limit = g_strstrip (g_strdup (cells[4]));
    if (!g_regex_match (re, limit, 0, &m)) {
      g_printerr ("reliability: `%s`: bad limit '%s'\n", id, limit);
      return FALSE;
    }
    op = g_match_info_fetch (m, 1);
    num = g_match_info_fetch (m, 2);
    g_strlcpy (out->op, op, sizeof (out->op));
    out->value = g_ascii_strtod (num, NULL);
    out->unit = g_match_info_fetch (m, 3);
    out->test = g_strstrip (g_strdelimit (g_strdup (cells[5]), "`", ' '));
    return TRUE;
  }
  g_printerr ("reliability: no row `%s` in %s\n", id, RELIABILITY_DOC);
  return FALSE;
}

gdouble
reliability_limit (const gchar * id, gdouble fallback)
{
  Limit l = { {0}, 0, NULL, NULL };

  if (!find_limit (id, &l))
    return fallback;
  g_free (l.unit);
  g_free (l.test);
  return l.value;
}

static void
record (const gchar * id, gdouble value, const gchar * unit,
    const gchar * limit, const gchar * test, gboolean ok)
{
  const gchar *path = g_getenv ("PEERJS_RELIABILITY_RESULTS");
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *line = NULL;
  FILE *f;

  if (!path || !*path)
    return;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "value");
  json_builder_add_double_value (b, value);
  json_builder_set_member_name (b, "unit");
  json_builder_add_string_value (b, unit);
  json_builder_set_member_name (b, "limit");
  json_builder_add_string_value (b, limit);
  json_builder_set_member_name (b, "test");
  json_builder_add_string_value (b, test);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, ok);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  line = json_generator_to_data (gen, NULL);
  /* O_APPEND: tests running at once each add whole lines */
  f = fopen (path, "a");
  if (f) {
    fprintf (f, "%s\n", line);
    fclose (f);
  }
}

gboolean
reliability_check (const gchar * id, gdouble value, const gchar * unit)
{
  Limit l = { {0}, 0, NULL, NULL };
  g_autofree gchar *limit = NULL;
  gboolean ok;

  if (!find_limit (id, &l))
    return FALSE;
  if (g_strcmp0 (l.unit, unit) != 0) {
    g_printerr ("reliability: `%s` measured in '%s', the doc's limit is in "
        "'%s'\n", id, unit, l.unit);
    g_free (l.unit);
    g_free (l.test);
    return FALSE;
  }
  if (strcmp (l.op, "≤") == 0)
    ok = value <= l.value;
  else if (strcmp (l.op, "≥") == 0)
    ok = value >= l.value;
  else
    ok = value == l.value;
  limit = g_strdup_printf ("%s %g %s", l.op, l.value, l.unit);
  /* printf, not g_print: g_print converts to the locale charset, and a C
   * locale turns ≤ into ? */
  printf ("# reliability `%s`: %g %s (limit %s)%s\n", id, value, unit,
      limit, ok ? "" : " PAST THE LIMIT");
  record (id, value, unit, limit, l.test, ok);
  g_free (l.unit);
  g_free (l.test);
  return ok;
}
