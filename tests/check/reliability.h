/* gst-peerjs: figures of docs/reliability.md, checked by the tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Checks @value (in @unit, which must be the unit of the limit) against the
 * limit the row `id` of docs/reliability.md states, records it in
 * $PEERJS_RELIABILITY_RESULTS (JSON lines) when set, and returns whether it
 * is within the limit. A missing row or a unit mismatch fails (returns
 * FALSE, with a message on stderr). */
gboolean reliability_check (const gchar * id, gdouble value,
    const gchar * unit);

/* The limit of row `id` (for a test that needs it to size its run), or
 * @fallback when the row is missing. */
gdouble reliability_limit (const gchar * id, gdouble fallback);

G_END_DECLS
