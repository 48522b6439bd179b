/* server-load: load generator for a PeerJS signalling server (issue 7,
 * item 5). Not a test: tests/bench/server.mjs runs it against
 * gst-peerjs-server and the real `peer` in one run and compares them.
 *
 *   server-load --url ws://127.0.0.1:9000/ --server-pid PID [options]
 *
 * N clients register over libsoup WebSockets in this one GMainContext, the
 * way peerjs 1.5.5 does (an ID of our own, so no GET /id first:
 * {path}peerjs?key=K&id=ID&token=T&version=1.5.5), wait for OPEN, and send
 * a HEARTBEAT every 5 s each. Client 2i and 2i+1 are partners. Each client
 * sends to its partner in bursts shaped like a trickle-ICE call: an OFFER
 * (or ANSWER, for the odd one) with an SDP of --sdp-bytes, then 3
 * CANDIDATEs, again and again. Every payload ends with
 *   "__bench":[sender,phase,seq,t]
 * t being CLOCK_MONOTONIC ns at send; the receiver (same process, same
 * clock) takes relay latency = now - t.
 *
 * Phases, in this order, on the same registered clients:
 *   idle   server RSS and CPU with N registered clients that only heartbeat
 *   rate   open loop, --rate msgs/s in total, paced from a 1 ms timer:
 *          latency p50/p99 of the messages sent in the window, server CPU
 *          (utime+stime of --server-pid, all threads) from the window's
 *          start until every message is in / messages delivered meanwhile
 *   closed each client keeps --inflight messages in flight to its partner
 *          (a delivered message is answered with the next one): msgs/s
 * Each measured window follows --warmup seconds of the same load; after it
 * the load stops and we wait (bounded) for what is still in flight, so a
 * message that never arrives is counted as lost, never silently.
 *
 * Our own CPU use (getrusage) is reported per phase: at ~100 % of a core the
 * generator, not the server, may be the limit, and the throughput is then a
 * lower bound ("at least").
 *
 * Prints progress on stderr and one JSON object with every figure as the
 * last line of stdout.
 */

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <sys/resource.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>

#define MARK "\"__bench\":"
#define CONNECT_PARALLEL 64
#define HEARTBEAT_MS 5000
#define HB_TICK_MS 100
#define CANDIDATES_PER_BURST 3

typedef enum
{
  PHASE_NONE = 0,
  PHASE_RATE = 1,
  PHASE_CLOSED = 2,
} Phase;

typedef struct
{
  guint idx;
  gchar *id;
  SoupWebsocketConnection *conn;
  gboolean open, closed, connecting;
  guint partner;
  guint64 seq;
  /* message text around the marker: [0] OFFER/ANSWER, [1] CANDIDATE */
  gchar *pre[2], *post[2];
} Client;

typedef struct
{
  /* counted by send / delivery, for the current phase */
  guint64 sent, sent_in_window, recv, recv_in_window, recv_sent_in_window;
  GArray *lat_ns;               /* of messages sent (rate) / delivered (closed) in the window */
} PhaseStats;

static struct
{
  gchar *url, *key;
  guint n_clients, inflight, rate;
  gdouble duration, warmup, drain;
  gint server_pid;
  gint nice;
  guint sdp_bytes;
  gchar *prefix;
} opt = {
  NULL, NULL, 1000, 4, 10000, 10.0, 1.0, 10.0, 0, 0, 2500, NULL
};

static SoupSession *session;
static Client *clients;
static guint n_open, n_closed, n_connect_failed, next_connect;
static guint n_refused;         /* ERROR / ID-TAKEN frames */
static guint64 n_other_frames, n_misrouted, n_stale;
static GHashTable *other_types; /* type -> count of unexpected frames */
static gchar *first_error;

static Phase phase;
static gint64 win_start, win_end;       /* ns, CLOCK_MONOTONIC */
static gboolean sending;
static PhaseStats st;
static guint next_sender;

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static gdouble
self_cpu_s (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
      ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* busy CPU time of the whole machine (every core), in seconds */
static gdouble
machine_busy_s (void)
{
  gchar *text = NULL;
  gdouble s = -1;

  if (g_file_get_contents ("/proc/stat", &text, NULL, NULL) &&
      g_str_has_prefix (text, "cpu ")) {
    gchar **f = g_strsplit_set (text + 4, " \n", 12);
    gdouble total = 0;
    guint n = 0;

    /* user nice system idle iowait irq softirq steal: busy = all - idle - iowait */
    for (guint i = 0; f[i] && n < 8; i++) {
      if (!*f[i])
        continue;
      if (n != 3 && n != 4)
        total += g_ascii_strtod (f[i], NULL);
      n++;
    }
    s = total / sysconf (_SC_CLK_TCK);
    g_strfreev (f);
  }
  g_free (text);
  return s;
}

/* utime+stime of the whole server process (every thread), in seconds */
static gdouble
server_cpu_s (void)
{
  gchar *path, *text = NULL, *p;
  gdouble s = -1;

  if (opt.server_pid <= 0)
    return -1;
  path = g_strdup_printf ("/proc/%d/stat", opt.server_pid);
  if (g_file_get_contents (path, &text, NULL, NULL)) {
    /* the command name may hold spaces: fields count from the last ')' */
    p = strrchr (text, ')');
    if (p) {
      gchar **f = g_strsplit (p + 2, " ", 0);

      /* after ')': state is field 3, utime 14, stime 15 */
      if (g_strv_length (f) > 13)
        s = (g_ascii_strtod (f[11], NULL) + g_ascii_strtod (f[12], NULL)) /
            sysconf (_SC_CLK_TCK);
      g_strfreev (f);
    }
  }
  g_free (text);
  g_free (path);
  return s;
}

/* a /proc/PID/status field in kB (VmRSS, VmHWM), -1 if unknown */
static gint64
server_status_kb (const gchar * field)
{
  gchar *path, *text = NULL, *p;
  gint64 kb = -1;

  if (opt.server_pid <= 0)
    return -1;
  path = g_strdup_printf ("/proc/%d/status", opt.server_pid);
  if (g_file_get_contents (path, &text, NULL, NULL)) {
    gchar *key = g_strconcat ("\n", field, ":", NULL);

    p = strstr (text, key);
    if (p)
      kb = g_ascii_strtoll (p + strlen (key), NULL, 10);
    g_free (key);
  }
  g_free (text);
  g_free (path);
  return kb;
}

static gboolean
server_alive (void)
{
  gchar *path;
  gboolean ok;

  if (opt.server_pid <= 0)
    return TRUE;
  path = g_strdup_printf ("/proc/%d", opt.server_pid);
  ok = g_file_test (path, G_FILE_TEST_IS_DIR);
  g_free (path);
  return ok;
}

/* ------------------------------------------------------------------ */
/* messages                                                           */

/* A plausible SDP of about @len bytes: what matters to a relay is the size
 * and that it is an escaped JSON string (\r\n in it). */
static gchar *
fake_sdp (guint len, const gchar * type)
{
  GString *s = g_string_new (NULL);
  guint i = 0;

  g_string_append_printf (s, "v=0\r\no=- 46117317 2 IN IP4 127.0.0.1\r\n"
      "s=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\na=msid-semantic: WMS\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n"
      "a=setup:%s\r\na=mid:0\r\na=rtpmap:111 opus/48000/2\r\n",
      g_str_equal (type, "offer") ? "actpass" : "active");
  while (s->len < len)
    g_string_append_printf (s, "a=fingerprint:sha-256 %02X:%02X:%02X:%02X:"
        "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01\r\n",
        i & 0xff, (i >> 8) & 0xff, i * 7 & 0xff, i * 13 & 0xff), i++;
  g_string_truncate (s, len);
  return g_string_free (s, FALSE);
}

/* The frame a peerjs 1.5.5 client sends, built with json-glib once per
 * client and kind; the marker's value is spliced in per message. */
static void
make_template (Client * c, gboolean sdp_kind)
{
  JsonBuilder *b = json_builder_new ();
  JsonGenerator *g = json_generator_new ();
  gchar *conn_id = g_strdup_printf ("mc_bench%u", MIN (c->idx, c->partner));
  const gchar *type;
  gchar *text, *at;
  gint k = sdp_kind ? 0 : 1;

  if (sdp_kind)
    type = c->idx % 2 == 0 ? "OFFER" : "ANSWER";
  else
    type = "CANDIDATE";

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, "payload");
  json_builder_begin_object (b);
  if (sdp_kind) {
    const gchar *sdp_type = c->idx % 2 == 0 ? "offer" : "answer";
    gchar *sdp = fake_sdp (opt.sdp_bytes, sdp_type);

    json_builder_set_member_name (b, "sdp");
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "sdp");
    json_builder_add_string_value (b, sdp);
    json_builder_set_member_name (b, "type");
    json_builder_add_string_value (b, sdp_type);
    json_builder_end_object (b);
    g_free (sdp);
  } else {
    json_builder_set_member_name (b, "candidate");
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "candidate");
    json_builder_add_string_value (b, "candidate:448721621 1 udp 2122260223 "
        "127.0.0.1 34995 typ host generation 0 ufrag xZVE network-id 1 "
        "network-cost 50");
    json_builder_set_member_name (b, "sdpMid");
    json_builder_add_string_value (b, "0");
    json_builder_set_member_name (b, "sdpMLineIndex");
    json_builder_add_int_value (b, 0);
    json_builder_set_member_name (b, "usernameFragment");
    json_builder_add_string_value (b, "xZVE");
    json_builder_end_object (b);
  }
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "media");
  json_builder_set_member_name (b, "connectionId");
  json_builder_add_string_value (b, conn_id);
  json_builder_set_member_name (b, "__bench");
  json_builder_add_string_value (b, "@@");
  json_builder_end_object (b);
  json_builder_set_member_name (b, "dst");
  json_builder_add_string_value (b, clients[c->partner].id);
  json_builder_end_object (b);

  json_generator_set_root (g, json_builder_get_root (b));
  text = json_generator_to_data (g, NULL);
  at = strstr (text, MARK "\"@@\"");
  g_assert (at);
  c->pre[k] = g_strndup (text, at - text + strlen (MARK));
  c->post[k] = g_strdup (at + strlen (MARK "\"@@\""));
  g_free (text);
  g_free (conn_id);
  g_object_unref (g);
  g_object_unref (b);
}

static void
send_next (Client * c)
{
  gint k = c->seq % (1 + CANDIDATES_PER_BURST) == 0 ? 0 : 1;
  gchar mark[96];
  gchar *text;
  gint64 t;

  if (!c->open || c->closed)
    return;
  t = now_ns ();
  g_snprintf (mark, sizeof (mark), "[%u,%d,%" G_GUINT64_FORMAT ",%"
      G_GINT64_FORMAT "]", c->idx, phase, c->seq, t);
  text = g_strconcat (c->pre[k], mark, c->post[k], NULL);
  soup_websocket_connection_send_text (c->conn, text);
  g_free (text);
  c->seq++;
  st.sent++;
  if (t >= win_start && t < win_end)
    st.sent_in_window++;
}

static void
count_other (const gchar * type, const gchar * frame)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (other_types, type));

  g_hash_table_insert (other_types, g_strdup (type), GUINT_TO_POINTER (n + 1));
  n_other_frames++;
  if (!first_error)
    first_error = g_strndup (frame, 300);
}

static void
on_message (SoupWebsocketConnection * conn, gint type, GBytes * message,
    Client * c)
{
  gsize len;
  const gchar *data = g_bytes_get_data (message, &len);
  const gchar *m = g_strstr_len (data, len, MARK "[");

  if (m) {
    gchar *end;
    guint sender = strtoul (m + strlen (MARK "["), &end, 10);
    gint ph = strtol (end + 1, &end, 10);
    gint64 t, lat, now = now_ns ();

    strtoull (end + 1, &end, 10);
    t = strtoll (end + 1, &end, 10);
    if (sender != c->partner) {
      n_misrouted++;
      return;
    }
    if (ph != (gint) phase) {
      /* a late one from an earlier phase: counted, not measured */
      n_stale++;
      return;
    }
    st.recv++;
    if (now >= win_start && now < win_end)
      st.recv_in_window++;
    lat = now - t;
    if (phase == PHASE_RATE && t >= win_start && t < win_end) {
      st.recv_sent_in_window++;
      g_array_append_val (st.lat_ns, lat);
    } else if (phase == PHASE_CLOSED && now >= win_start && now < win_end) {
      g_array_append_val (st.lat_ns, lat);
    }
    if (phase == PHASE_CLOSED && sending)
      send_next (c);
    return;
  }

  /* anything else is rare: parse it properly */
  {
    JsonParser *p = json_parser_new ();
    const gchar *t = NULL;

    if (json_parser_load_from_data (p, data, len, NULL) &&
        JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)))
      t = json_object_get_string_member_with_default (json_node_get_object
          (json_parser_get_root (p)), "type", NULL);
    if (g_strcmp0 (t, "OPEN") == 0) {
      if (!c->open) {
        c->open = TRUE;
        n_open++;
      }
    } else {
      gchar *f = g_strndup (data, len);

      if (g_strcmp0 (t, "ERROR") == 0 || g_strcmp0 (t, "ID-TAKEN") == 0)
        n_refused++;
      count_other (t ? t : "(not json)", f);
      g_free (f);
    }
    g_object_unref (p);
  }
}

static void
on_closed (SoupWebsocketConnection * conn, Client * c)
{
  if (!c->closed) {
    c->closed = TRUE;
    n_closed++;
    if (c->open)
      n_open--;
    c->open = FALSE;
    if (n_closed <= 5)
      g_printerr ("client %s closed (code %u)\n", c->id,
          soup_websocket_connection_get_close_code (conn));
  }
}

static void connect_more (void);

static void
on_connected (GObject * source, GAsyncResult * res, gpointer data)
{
  Client *c = data;
  GError *error = NULL;

  c->connecting = FALSE;
  c->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), res,
      &error);
  if (!c->conn) {
    n_connect_failed++;
    if (n_connect_failed <= 5)
      g_printerr ("client %s: connect failed: %s\n", c->id, error->message);
    g_clear_error (&error);
    c->closed = TRUE;
  } else {
    g_signal_connect (c->conn, "message", G_CALLBACK (on_message), c);
    g_signal_connect (c->conn, "closed", G_CALLBACK (on_closed), c);
  }
  connect_more ();
}

static guint n_connecting;

static void
connect_more (void)
{
  n_connecting = 0;
  for (guint i = 0; i < next_connect; i++)
    if (clients[i].connecting)
      n_connecting++;
  /* a bounded number of handshakes at a time, as real clients trickle in
   * (and `peer`'s listen backlog is 511) */
  while (next_connect < opt.n_clients && n_connecting < CONNECT_PARALLEL) {
    Client *c = &clients[next_connect++];
    gchar *uri = g_strdup_printf ("%speerjs?key=%s&id=%s&token=tok%u"
        "&version=1.5.5", opt.url, opt.key, c->id, c->idx);
    SoupMessage *msg = soup_message_new ("GET", uri);

    c->connecting = TRUE;
    n_connecting++;
    soup_session_websocket_connect_async (session, msg, NULL, NULL,
        G_PRIORITY_DEFAULT, NULL, on_connected, c);
    g_object_unref (msg);
    g_free (uri);
  }
}

static guint hb_tick;

static gboolean
heartbeat_tick (gpointer data)
{
  guint slots = HEARTBEAT_MS / HB_TICK_MS;

  for (guint i = hb_tick % slots; i < opt.n_clients; i += slots)
    if (clients[i].open && !clients[i].closed)
      soup_websocket_connection_send_text (clients[i].conn,
          "{\"type\":\"HEARTBEAT\"}");
  hb_tick++;
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------ */
/* phases                                                             */

static gint64 rate_start;
static guint64 rate_sent_total;

static gboolean
rate_tick (gpointer data)
{
  gint64 now = now_ns ();
  guint64 due;

  if (!sending)
    return G_SOURCE_REMOVE;
  due = (guint64) ((now - rate_start) / 1e9 * opt.rate);
  /* behind by more than 100 ms: we cannot keep up; send no burst that would
   * hide it, the achieved rate shows it */
  if (due > rate_sent_total + opt.rate / 10)
    rate_sent_total = due - opt.rate / 10;
  while (rate_sent_total < due) {
    Client *c;
    guint tries = 0;

    do {
      c = &clients[next_sender];
      next_sender = (next_sender + 1) % opt.n_clients;
    } while ((!c->open || c->closed) && ++tries < opt.n_clients);
    if (!c->open || c->closed)
      break;
    send_next (c);
    rate_sent_total++;
  }
  return G_SOURCE_CONTINUE;
}

static void
iterate_until (gboolean (*cond) (void), gint64 deadline_ns)
{
  while (!(cond && cond ()) && now_ns () < deadline_ns)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
all_connected (void)
{
  return n_open + n_connect_failed + n_closed >= opt.n_clients
      && next_connect >= opt.n_clients;
}

static gboolean
drained (void)
{
  return st.recv >= st.sent;
}

static gint
cmp_i64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static gdouble
percentile_ms (GArray * a, gdouble p)
{
  guint i;

  if (a->len == 0)
    return -1;
  i = (guint) (p / 100.0 * (a->len - 1) + 0.5);
  return g_array_index (a, gint64, i) / 1e6;
}

typedef struct
{
  gdouble secs, server_cpu, self_cpu, others_cpu, cpu_us_per_msg, achieved_rate,
      delivered_rate;
  gdouble p50, p99, max, lost_pct;
  guint64 sent, sent_w, recv, recv_w, lost, samples;
  gint64 rss_kb;
  gboolean drained;
} PhaseResult;

static PhaseResult
run_phase (Phase ph)
{
  PhaseResult r = { 0 };
  gdouble cpu0, cpu1, self0, self1, busy0, busy1;
  guint timer = 0;
  gint64 t0;
  guint64 recv_at_window_start;

  memset (&st, 0, sizeof (st));
  st.lat_ns = g_array_new (FALSE, FALSE, sizeof (gint64));
  phase = ph;
  sending = TRUE;
  t0 = now_ns ();
  win_start = t0 + (gint64) (opt.warmup * 1e9);
  win_end = win_start + (gint64) (opt.duration * 1e9);

  if (ph == PHASE_RATE) {
    rate_start = t0;
    rate_sent_total = 0;
    timer = g_timeout_add_full (G_PRIORITY_HIGH, 1, rate_tick, NULL, NULL);
  } else {
    for (guint k = 0; k < opt.inflight; k++)
      for (guint i = 0; i < opt.n_clients; i++)
        send_next (&clients[i]);
  }

  iterate_until (NULL, win_start);
  cpu0 = server_cpu_s ();
  recv_at_window_start = st.recv;
  self0 = self_cpu_s ();
  busy0 = machine_busy_s ();
  iterate_until (NULL, win_end);
  cpu1 = server_cpu_s ();
  self1 = self_cpu_s ();
  busy1 = machine_busy_s ();
  r.rss_kb = server_status_kb ("VmRSS");
  sending = FALSE;
  if (timer)
    g_source_remove (timer);

  /* what is in flight must still arrive; bounded */
  iterate_until (drained, now_ns () + (gint64) (opt.drain * 1e9));
  r.drained = drained ();
  /* CPU per message: from the window's start until the last message is in,
   * over every message delivered since then, so that a server that falls
   * behind (or is starved by other processes) is charged for its backlog
   * too; on a quiet machine this is the window's figure */
  {
    gdouble c = server_cpu_s ();
    guint64 n = st.recv - recv_at_window_start;

    r.cpu_us_per_msg = n && c >= 0 ? (c - cpu0) * 1e6 / n : -1;
  }

  r.secs = opt.duration;
  r.server_cpu = cpu1 - cpu0;
  r.self_cpu = self1 - self0;
  /* what the rest of the machine took meanwhile: on a shared machine the
   * server may simply not get a core */
  r.others_cpu = MAX (0, (busy1 - busy0) - r.server_cpu - r.self_cpu);
  r.sent = st.sent;
  r.recv = st.recv;
  r.sent_w = st.sent_in_window;
  r.recv_w = st.recv_in_window;
  r.lost = st.sent > st.recv ? st.sent - st.recv : 0;
  r.achieved_rate = st.sent_in_window / opt.duration;
  r.delivered_rate = st.recv_in_window / opt.duration;
  g_array_sort (st.lat_ns, cmp_i64);
  r.samples = st.lat_ns->len;
  r.p50 = percentile_ms (st.lat_ns, 50);
  r.p99 = percentile_ms (st.lat_ns, 99);
  r.max = percentile_ms (st.lat_ns, 100);
  if (ph == PHASE_RATE)
    r.lost_pct = st.sent_in_window ?
        100.0 * (st.sent_in_window - MIN (st.recv_sent_in_window,
            st.sent_in_window)) / st.sent_in_window : 0;
  else
    r.lost_pct = st.sent ? 100.0 * r.lost / st.sent : 0;
  g_array_free (st.lat_ns, TRUE);
  st.lat_ns = NULL;
  phase = PHASE_NONE;
  return r;
}

#define D(k, v) G_STMT_START { json_builder_set_member_name (b, k); \
    json_builder_add_double_value (b, v); } G_STMT_END
#define I(k, v) G_STMT_START { json_builder_set_member_name (b, k); \
    json_builder_add_int_value (b, v); } G_STMT_END

/* to stderr when @b is NULL, else into @b */
static void
print_phase (JsonBuilder * b, const gchar * name, PhaseResult * r)
{
  gdouble self_pct = 100.0 * r->self_cpu / r->secs;
  gdouble cpu_us = r->cpu_us_per_msg;

  if (!b) {
    g_printerr ("%s: sent %.0f/s, delivered %.0f/s in the %.0f s window; "
        "latency p50 %.2f ms p99 %.2f ms max %.2f ms (n=%" G_GUINT64_FORMAT
        "); lost %" G_GUINT64_FORMAT " (%.2f %%)%s; server CPU %.2f s "
        "(%.1f %%) = %.2f us/msg; generator CPU %.1f %%%s; other processes "
        "%.0f %% (of %ld00 %%)\n", name,
        r->achieved_rate, r->delivered_rate, r->secs, r->p50, r->p99, r->max,
        r->samples, r->lost, r->lost_pct,
        r->drained ? "" : " (not drained in time)", r->server_cpu,
        100.0 * r->server_cpu / r->secs, cpu_us, self_pct,
        self_pct > 90 ? " (generator saturated: a lower bound)" : "",
        100.0 * r->others_cpu / r->secs, sysconf (_SC_NPROCESSORS_ONLN));
    return;
  }

  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  D ("window_s", r->secs);
  D ("sent_per_s", r->achieved_rate);
  D ("delivered_per_s", r->delivered_rate);
  D ("p50_ms", r->p50);
  D ("p99_ms", r->p99);
  D ("max_ms", r->max);
  I ("samples", r->samples);
  I ("sent", r->sent);
  I ("received", r->recv);
  I ("lost", r->lost);
  D ("lost_pct", r->lost_pct);
  json_builder_set_member_name (b, "drained");
  json_builder_add_boolean_value (b, r->drained);
  D ("server_cpu_s", r->server_cpu);
  D ("server_cpu_pct", 100.0 * r->server_cpu / r->secs);
  D ("server_cpu_us_per_msg", cpu_us);
  D ("generator_cpu_pct", self_pct);
  D ("others_cpu_pct", 100.0 * r->others_cpu / r->secs);
  I ("server_rss_kb", r->rss_kb);
  json_builder_end_object (b);
}

/* Every thread of the server and this one at @nice, so that a loaded
 * machine does not starve them (both servers get the same). Threads made
 * later inherit it from their creator. */
static void
renice_all (gint nice)
{
  gchar *dir = g_strdup_printf ("/proc/%d/task", opt.server_pid);
  GDir *d = opt.server_pid > 0 ? g_dir_open (dir, 0, NULL) : NULL;
  const gchar *name;

  FILE *ag;

  /* With autogroup scheduling (Debian's default) CPU is shared fairly
   * between sessions first, and a thread's nice only counts inside its own
   * session: the session's nice is what competes with other sessions.
   * server.sh puts the bench in a session of its own for this. */
  ag = fopen ("/proc/self/autogroup", "w");
  if (ag) {
    if (fprintf (ag, "%d", nice) < 0 || fclose (ag) != 0)
      g_printerr ("cannot set our session's nice to %d: %s\n", nice,
          g_strerror (errno));
  }
  if (setpriority (PRIO_PROCESS, 0, nice) < 0)
    g_printerr ("cannot set our nice to %d: %s\n", nice, g_strerror (errno));
  while (d && (name = g_dir_read_name (d))) {
    if (setpriority (PRIO_PROCESS, atoi (name), nice) < 0)
      g_printerr ("cannot renice server thread %s: %s\n", name,
          g_strerror (errno));
  }
  if (d)
    g_dir_close (d);
  g_free (dir);
}

static void
raise_nofile (void)
{
  struct rlimit rl;

  /* 1000 sockets plus GLib's own fds: the default soft limit may be 1024 */
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4096) {
    rl.rlim_cur = MIN (rl.rlim_max, 4096);
    setrlimit (RLIMIT_NOFILE, &rl);
  }
}

int
main (int argc, char **argv)
{
  gdouble connect_timeout = 60, settle = 3;
  gboolean skip_rate = FALSE, skip_closed = FALSE;
  GOptionEntry entries[] = {
    {"url", 0, 0, G_OPTION_ARG_STRING, &opt.url,
        "Server base URL, ws://host:port/path/ (required)", "URL"},
    {"key", 0, 0, G_OPTION_ARG_STRING, &opt.key, "API key (peerjs)", "KEY"},
    {"server-pid", 0, 0, G_OPTION_ARG_INT, &opt.server_pid,
        "PID of the server, for its CPU time and RSS", "PID"},
    {"clients", 'n', 0, G_OPTION_ARG_INT, &opt.n_clients,
        "Number of clients, even (1000)", "N"},
    {"inflight", 'k', 0, G_OPTION_ARG_INT, &opt.inflight,
        "Closed loop: messages in flight per client (4)", "K"},
    {"rate", 'r', 0, G_OPTION_ARG_INT, &opt.rate,
        "Open loop: messages per second in total (10000)", "R"},
    {"duration", 't', 0, G_OPTION_ARG_DOUBLE, &opt.duration,
        "Measured window of each phase, s (10)", "S"},
    {"warmup", 0, 0, G_OPTION_ARG_DOUBLE, &opt.warmup,
        "Load before each window, s (1)", "S"},
    {"drain", 0, 0, G_OPTION_ARG_DOUBLE, &opt.drain,
        "Longest wait for messages in flight after a phase, s (10)", "S"},
    {"sdp-bytes", 0, 0, G_OPTION_ARG_INT, &opt.sdp_bytes,
        "Size of the SDP in OFFER/ANSWER (2500)", "B"},
    {"nice", 0, 0, G_OPTION_ARG_INT, &opt.nice,
          "Run the server's threads and ours at this nice value (0: leave)",
        "N"},
    {"id-prefix", 0, 0, G_OPTION_ARG_STRING, &opt.prefix,
        "Prefix of the client IDs (bench)", "P"},
    {"settle", 0, 0, G_OPTION_ARG_DOUBLE, &settle,
        "Idle time for the idle RSS and CPU, s (3)", "S"},
    {"no-rate", 0, 0, G_OPTION_ARG_NONE, &skip_rate, "Skip the rate phase",
        NULL},
    {"no-closed", 0, 0, G_OPTION_ARG_NONE, &skip_closed,
        "Skip the closed-loop phase", NULL},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("- PeerJS server load generator");
  GError *error = NULL;
  JsonBuilder *b;
  JsonGenerator *g;
  gint64 t0, connect_ns, rss_base, rss_idle;
  gdouble self0, idle_cpu;
  PhaseResult rate_r = { 0 }, closed_r = { 0 };
  guint hb;
  gchar *out;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  if (!opt.url || opt.n_clients < 2 || opt.n_clients % 2) {
    g_printerr ("--url is required and --clients must be even\n");
    return 2;
  }
  if (!g_str_has_suffix (opt.url, "/")) {
    gchar *u = g_strconcat (opt.url, "/", NULL);
    g_free (opt.url);
    opt.url = u;
  }
  if (!opt.key)
    opt.key = g_strdup ("peerjs");
  if (!opt.prefix)
    opt.prefix = g_strdup ("bench");
  raise_nofile ();
  if (opt.nice)
    renice_all (opt.nice);

  other_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  clients = g_new0 (Client, opt.n_clients);
  for (guint i = 0; i < opt.n_clients; i++) {
    clients[i].idx = i;
    clients[i].partner = i ^ 1;
    clients[i].id = g_strdup_printf ("%s-%u", opt.prefix, i);
  }
  for (guint i = 0; i < opt.n_clients; i++) {
    make_template (&clients[i], TRUE);
    make_template (&clients[i], FALSE);
  }
  g_printerr ("frames: %s %zu bytes, CANDIDATE %zu bytes\n",
      clients[0].idx % 2 ? "ANSWER" : "OFFER",
      strlen (clients[0].pre[0]) + strlen (clients[0].post[0]) + 30,
      strlen (clients[0].pre[1]) + strlen (clients[0].post[1]) + 30);

  /* handshakes must not queue behind libsoup's per-host limit (2) */
  session = soup_session_new_with_options ("max-conns", opt.n_clients + 16,
      "max-conns-per-host", opt.n_clients + 16, "timeout", 30, NULL);

  rss_base = server_status_kb ("VmRSS");
  self0 = self_cpu_s ();
  t0 = now_ns ();
  connect_more ();
  iterate_until (all_connected, t0 + (gint64) (connect_timeout * 1e9));
  connect_ns = now_ns () - t0;
  g_printerr ("%u/%u clients registered in %.0f ms (%u connect failures, "
      "%u refused, %u closed); generator CPU %.2f s\n", n_open, opt.n_clients,
      connect_ns / 1e6, n_connect_failed, n_refused, n_closed,
      self_cpu_s () - self0);

  hb = g_timeout_add (HB_TICK_MS, heartbeat_tick, NULL);
  idle_cpu = server_cpu_s ();
  iterate_until (NULL, now_ns () + (gint64) (settle * 1e9));
  /* what N registered clients cost when they only heartbeat */
  idle_cpu = 100.0 * (server_cpu_s () - idle_cpu) / settle;
  rss_idle = server_status_kb ("VmRSS");
  g_printerr ("server RSS: %.1f MB before clients, %.1f MB with %u idle "
      "clients; server CPU %.1f %% while idle\n", rss_base / 1024.0,
      rss_idle / 1024.0, n_open, idle_cpu);

  /* a phase with clients missing would measure something else */
  if (n_open == opt.n_clients && server_alive ()) {
    if (!skip_rate)
      rate_r = run_phase (PHASE_RATE);
    if (!skip_rate)
      print_phase (NULL, "rate", &rate_r);
    if (!skip_closed && server_alive ())
      closed_r = run_phase (PHASE_CLOSED);
    if (!skip_closed)
      print_phase (NULL, "closed", &closed_r);
  } else {
    g_printerr ("not every client registered: no load phases\n");
  }
  g_source_remove (hb);

  b = json_builder_new ();
  json_builder_begin_object (b);
  I ("clients", opt.n_clients);
  I ("registered", n_open);
  I ("connect_failed", n_connect_failed);
  I ("refused", n_refused);
  I ("clients_closed", n_closed);
  I ("misrouted", n_misrouted);
  I ("stale", n_stale);
  I ("other_frames", n_other_frames);
  json_builder_set_member_name (b, "other_types");
  json_builder_begin_object (b);
  {
    GHashTableIter it;
    gpointer k, v;

    g_hash_table_iter_init (&it, other_types);
    while (g_hash_table_iter_next (&it, &k, &v)) {
      I ((const gchar *) k, GPOINTER_TO_UINT (v));
    }
  }
  json_builder_end_object (b);
  if (first_error) {
    json_builder_set_member_name (b, "first_other_frame");
    json_builder_add_string_value (b, first_error);
  }
  D ("connect_ms", connect_ns / 1e6);
  I ("server_rss_base_kb", rss_base);
  I ("server_rss_idle_kb", rss_idle);
  D ("server_idle_cpu_pct", idle_cpu);
  I ("sdp_bytes", opt.sdp_bytes);
  I ("rate_target", opt.rate);
  I ("inflight", opt.inflight);
  if (!skip_rate && rate_r.secs > 0)
    print_phase (b, "rate", &rate_r);
  if (!skip_closed && closed_r.secs > 0)
    print_phase (b, "closed", &closed_r);
  I ("server_hwm_kb", server_status_kb ("VmHWM"));
  I ("server_rss_end_kb", server_status_kb ("VmRSS"));
  json_builder_set_member_name (b, "server_alive");
  json_builder_add_boolean_value (b, server_alive ());
  json_builder_end_object (b);
  g = json_generator_new ();
  json_generator_set_root (g, json_builder_get_root (b));
  out = json_generator_to_data (g, NULL);
  g_print ("%s\n", out);
  g_free (out);
  g_object_unref (g);
  g_object_unref (b);
  return 0;
}
