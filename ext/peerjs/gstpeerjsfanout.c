/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The local tracks, encoded once and shared by every connection.
 *
 * How it scales: each local track (one video, one audio) has exactly one
 * encode chain, whatever the number of members:
 *
 *   video: queue ! videoconvertscale ! capsfilter (<= 3840x2160, aspect
 *          kept) ! videobalance ! vp8enc | x264enc ! [capsfilter] ! tee
 *   audio: queue ! audioconvert ! audioresample ! capsfilter ! volume !
 *          opusenc ! tee
 *
 * videobalance and volume are the camera/mic switches (video-enabled,
 * audio-enabled): black frames and silence, as a browser sends for a
 * track with `enabled = false`, with no renegotiation. Both pass through
 * untouched while enabled.
 *
 * A connection takes a branch off the tee and only payloads it (rtpvp8pay,
 * rtph264pay or rtpopuspay with its own payload type) before webrtcbin
 * encrypts and sends it. So N members cost one encode per track plus N
 * payloaders and N SRTP/DTLS sessions; the encoder cost does not grow.
 * The price is that every member gets the same bitrate and the same
 * keyframes: a keyframe asked for by one member (PLI/FIR from its
 * browser, or a new connection) is sent to all, which is why requests are
 * rate limited here.
 *
 * The input queue is the thread boundary: the raw input arrives on the
 * application's streaming thread, the encoder runs on the queue's thread.
 * The queue is leaky and short so that a slow encoder drops old frames
 * instead of adding latency. Each connection puts its own (leaky) queue
 * after its tee branch, so one stalled connection never stalls the tee.
 *
 * The encoders follow caps changes of the input (resolution, framerate:
 * an input-selector switching cameras) on their own: vp8enc and x264enc
 * reconfigure and start with a keyframe; the RTP caps the connections
 * negotiated do not change, so no renegotiation is needed (PeerJS has
 * none). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjsfanout.h"

#include <gst/video/video.h>

#define GST_CAT_DEFAULT peerjs_fanout_debug
GST_DEBUG_CATEGORY_STATIC (GST_CAT_DEFAULT);

/* At most one forced keyframe per this interval: with many members, each
 * browser asking on its own would otherwise keep the encoder producing
 * keyframes (big, and bad for the bitrate of everyone). */
#define MIN_KEYFRAME_INTERVAL (500 * GST_MSECOND)

/* Longest time between keyframes when nobody asks: a member that lost a
 * keyframe and whose request got lost too recovers at the latest then. */
#define KEYFRAME_INTERVAL_S 10
#define NOMINAL_FRAMERATE 30

#define INPUT_QUEUE_VIDEO_BUFFERS 3
#define INPUT_QUEUE_AUDIO_TIME (200 * GST_MSECOND)

#define OPUS_FRAME_SIZE_MS 20

typedef struct
{
  GstPeerJSTrackKind kind;
  GPtrArray *elements;          /* the chain, upstream first */
  GstElement *encoder;
  GstElement *blanker;          /* videobalance / volume: the on/off switch */
  GstElement *raw_tee;          /* the raw input, for the game table */
  GstElement *tee;
  GstPad *tee_sink;
  gulong probe_id;              /* keyframe rate limit, video */
  guint n_branches;

  /* keyframe rate limit, under the fanout lock */
  GstClockTime last_keyframe;   /* monotonic, GST_CLOCK_TIME_NONE: never */
  GstClockID pending_keyframe;
} Track;

struct _GstPeerJSFanout
{
  GstObject parent;

  /* set at construction */
  GstBin *bin;                  /* not a reference: the bin outlives us */
  GstPeerJSVideoCodec video_codec;

  GMutex lock;
  guint video_bitrate_kbps;
  guint min_kbps, max_kbps;     /* the rate control's bounds; max 0: video */
  GHashTable *path_kbps;        /* path -> its estimate (GUINT_TO_POINTER) */
  guint applied_kbps;           /* what the encoder was told; 0: configured */
  gboolean enabled[2];          /* by GstPeerJSTrackKind */
  Track *tracks[2];             /* by GstPeerJSTrackKind */
};

#define gst_peerjs_fanout_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstPeerJSFanout, gst_peerjs_fanout, GST_TYPE_OBJECT,
    GST_DEBUG_CATEGORY_INIT (peerjs_fanout_debug, "peerjsfanout", 0,
        "PeerJS media fan-out"));

GType
gst_peerjs_video_codec_get_type (void)
{
  static const GEnumValue values[] = {
    {GST_PEERJS_VIDEO_CODEC_VP8, "VP8", "vp8"},
    {GST_PEERJS_VIDEO_CODEC_H264, "H.264 constrained baseline", "h264"},
    {0, NULL, NULL},
  };
  static gsize id = 0;

  if (g_once_init_enter (&id))
    g_once_init_leave (&id, g_enum_register_static ("GstPeerJSVideoCodec",
            values));
  return id;
}

GType
gst_peerjs_track_kind_get_type (void)
{
  static const GEnumValue values[] = {
    {GST_PEERJS_TRACK_AUDIO, "Audio", "audio"},
    {GST_PEERJS_TRACK_VIDEO, "Video", "video"},
    {0, NULL, NULL},
  };
  static gsize id = 0;

  if (g_once_init_enter (&id))
    g_once_init_leave (&id, g_enum_register_static ("GstPeerJSTrackKind",
            values));
  return id;
}

static const gchar *
kind_name (GstPeerJSTrackKind kind)
{
  return kind == GST_PEERJS_TRACK_VIDEO ? "video" : "audio";
}

/* ---- building the chains ---- */

/* The chain array owns one reference to each element, the bin another. */
static void
chain_add (GPtrArray * chain, GstElement * element)
{
  g_ptr_array_add (chain, gst_object_ref_sink (element));
}

static GstElement *
make (const gchar * factory, GError ** error)
{
  GstElement *e = gst_element_factory_make (factory, NULL);

  if (!e)
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
        "GStreamer element '%s' is missing", factory);
  return e;
}

static GstElement *
make_input_queue (GstPeerJSTrackKind kind)
{
  GstElement *queue = gst_element_factory_make ("queue", NULL);

  /* drop the oldest raw data rather than add latency when the encoder
   * falls behind */
  g_object_set (queue, "leaky", 2, "max-size-bytes", 0, NULL);
  if (kind == GST_PEERJS_TRACK_VIDEO)
    g_object_set (queue, "max-size-buffers", INPUT_QUEUE_VIDEO_BUFFERS,
        "max-size-time", (guint64) 0, NULL);
  else
    g_object_set (queue, "max-size-buffers", 0, "max-size-time",
        (guint64) INPUT_QUEUE_AUDIO_TIME, NULL);
  return queue;
}

/* Encoder threads for a picture of @width x @height, libwebrtc's rule
 * (LibvpxVp8Encoder::NumberOfThreads): libvpx's threads wait for each
 * other spinning, and with a mesh's encoder and decoders on two cores the
 * spinning took over half the CPU (perf, tests/bench/cpu-memory.mjs: two
 * instructions of libvpx at 52 %) and a 640x360 member decoded 2 frames a
 * second of 30. */
static gint
encoder_threads (gint width, gint height)
{
  gint pixels = width * height, cpus = (gint) g_get_num_processors ();

  if (pixels >= 1920 * 1080 && cpus > 8)
    return 8;
  if (pixels > 1280 * 960 && cpus >= 6)
    return 3;
  if (pixels > 640 * 480 && cpus >= 3)
    return 2;
  return 1;
}

/* Sets the threads before the encoder configures itself for new caps. */
static GstPadProbeReturn
encoder_caps_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  GstVideoInfo vinfo;
  GstCaps *caps;

  if (GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
    return GST_PAD_PROBE_OK;
  gst_event_parse_caps (event, &caps);
  if (gst_video_info_from_caps (&vinfo, caps)) {
    GstElement *enc = gst_pad_get_parent_element (pad);

    if (enc) {
      g_object_set (enc, "threads", encoder_threads (vinfo.width,
              vinfo.height), NULL);
      gst_object_unref (enc);
    }
  }
  return GST_PAD_PROBE_OK;
}

static GstElement *
make_vp8_encoder (guint kbps, GError ** error)
{
  GstPad *sink;
  GstElement *enc = make ("vp8enc", error);

  if (!enc)
    return NULL;
  /* real time: encode each frame as it comes, no lookahead, CBR so the
   * bitrate holds; error-resilient frames (flag "default") so that a lost
   * packet does not ruin every frame up to the next keyframe; frames
   * dropped when the rate buffer runs under 30 %, as libwebrtc does:
   * without, a moving 640x360 picture still took ~600 kbit/s at a
   * 150 kbit/s target and a link capped at 600 kbit/s decoded nothing
   * (tests/bench/weakest-link.sh) */
  gst_util_set_object_arg (G_OBJECT (enc), "end-usage", "cbr");
  gst_util_set_object_arg (G_OBJECT (enc), "error-resilient", "default");
  g_object_set (enc, "deadline", (gint64) 1, "cpu-used", 8,
      "target-bitrate", (gint) (kbps * 1000), "lag-in-frames", 0,
      "dropframe-threshold", 30,
      "keyframe-max-dist", KEYFRAME_INTERVAL_S * NOMINAL_FRAMERATE,
      "threads", 1, NULL);
  sink = gst_element_get_static_pad (enc, "sink");
  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      encoder_caps_probe, NULL, NULL);
  gst_object_unref (sink);
  return enc;
}

static GstElement *
make_h264_encoder (guint kbps, GError ** error)
{
  GstElement *enc = make ("x264enc", error);

  if (!enc)
    return NULL;
  /* zerolatency: no B-frames, no lookahead, sliced threads */
  gst_util_set_object_arg (G_OBJECT (enc), "tune", "zerolatency");
  gst_util_set_object_arg (G_OBJECT (enc), "speed-preset", "ultrafast");
  g_object_set (enc, "bitrate", kbps, "bframes", 0, "rc-lookahead", 0,
      "key-int-max", KEYFRAME_INTERVAL_S * NOMINAL_FRAMERATE, NULL);
  return enc;
}

static GstElement *
make_capsfilter (const gchar * caps_str)
{
  GstElement *filter = gst_element_factory_make ("capsfilter", NULL);
  GstCaps *caps = gst_caps_from_string (caps_str);

  g_object_set (filter, "caps", caps, NULL);
  gst_caps_unref (caps);
  return filter;
}

/* The picture is scaled down to fit GST_PEERJS_MAX_WIDTH x _HEIGHT;
 * square pixels make the scaler keep the display aspect ratio. */
static gchar *
video_limit_caps (void)
{
  return g_strdup_printf ("video/x-raw, width=(int)[16,%d], "
      "height=(int)[16,%d], pixel-aspect-ratio=(fraction)1/1",
      GST_PEERJS_MAX_WIDTH, GST_PEERJS_MAX_HEIGHT);
}

static gboolean
append_converter (GPtrArray * chain, GError ** error)
{
  GstElement *e = gst_element_factory_make ("videoconvertscale", NULL);

  /* one pass for both (1.22); older installs have the two elements */
  if (e) {
    chain_add (chain, e);
    return TRUE;
  }
  if (!(e = make ("videoconvert", error)))
    return FALSE;
  chain_add (chain, e);
  if (!(e = make ("videoscale", error)))
    return FALSE;
  chain_add (chain, e);
  return TRUE;
}

static GstElement *
build_video_chain (GstPeerJSFanout * self, GPtrArray * chain, guint kbps,
    GError ** error)
{
  GstElement *enc, *e;
  gchar *limit;

  if (!append_converter (chain, error))
    return NULL;
  limit = video_limit_caps ();
  chain_add (chain, make_capsfilter (limit));
  g_free (limit);
  if (!(e = make ("videobalance", error)))
    return NULL;
  chain_add (chain, e);

  if (self->video_codec == GST_PEERJS_VIDEO_CODEC_H264) {
    if (!(enc = make_h264_encoder (kbps, error)))
      return NULL;
    chain_add (chain, enc);
    /* what every browser decodes; byte-stream for rtph264pay */
    chain_add (chain, make_capsfilter ("video/x-h264, "
            "profile=(string)constrained-baseline, "
            "stream-format=(string)byte-stream, alignment=(string)au"));
  } else {
    if (!(enc = make_vp8_encoder (kbps, error)))
      return NULL;
    chain_add (chain, enc);
  }
  return enc;
}

static GstElement *
build_audio_chain (GPtrArray * chain, GError ** error)
{
  GstElement *e;

  if (!(e = make ("audioconvert", error)))
    return NULL;
  chain_add (chain, e);
  if (!(e = make ("audioresample", error)))
    return NULL;
  chain_add (chain, e);
  /* Opus RTP is 48 kHz; more than two channels would need multiopus,
   * which browsers do not offer */
  chain_add (chain, make_capsfilter ("audio/x-raw, rate=(int)48000, "
          "channels=(int)[1,2]"));
  if (!(e = make ("volume", error)))
    return NULL;
  chain_add (chain, e);
  if (!(e = make ("opusenc", error)))
    return NULL;
  g_object_set (e, "frame-size", OPUS_FRAME_SIZE_MS, "bitrate",
      GST_PEERJS_DEFAULT_AUDIO_BITRATE * 1000, "inband-fec", TRUE, NULL);
  chain_add (chain, e);
  return e;
}

static void
track_free (Track * track)
{
  g_ptr_array_unref (track->elements);
  gst_clear_object (&track->tee_sink);
  g_free (track);
}

/* ---- keyframes ---- */

static gboolean
keyframe_deferred_cb (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data);

/* Called with the lock held: lets a request through when the last one is
 * old enough; otherwise makes sure one follows when it is. */
static gboolean
keyframe_allowed (GstPeerJSFanout * self, Track * track)
{
  GstClockTime now = g_get_monotonic_time () * GST_USECOND;
  GstClock *clock;

  /* a little slack: the deferred request must not be refused itself */
  if (!GST_CLOCK_TIME_IS_VALID (track->last_keyframe)
      || now + GST_MSECOND >= track->last_keyframe + MIN_KEYFRAME_INTERVAL) {
    track->last_keyframe = now;
    return TRUE;
  }

  if (!track->pending_keyframe) {
    clock = gst_system_clock_obtain ();
    track->pending_keyframe = gst_clock_new_single_shot_id (clock,
        gst_clock_get_time (clock) + track->last_keyframe +
        MIN_KEYFRAME_INTERVAL - now);
    gst_clock_id_wait_async (track->pending_keyframe, keyframe_deferred_cb,
        gst_object_ref (self), gst_object_unref);
    gst_object_unref (clock);
    GST_LOG_OBJECT (self, "keyframe request deferred");
  }
  return FALSE;
}

static GstEvent *
new_keyframe_request (void)
{
  return gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE,
      TRUE, 0);
}

/* The clock thread: sends the request that was held back. */
static gboolean
keyframe_deferred_cb (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  GstPeerJSFanout *self = user_data;
  Track *track;
  GstPad *pad = NULL;

  g_mutex_lock (&self->lock);
  track = self->tracks[GST_PEERJS_TRACK_VIDEO];
  if (track && track->pending_keyframe == id) {
    gst_clock_id_unref (track->pending_keyframe);
    track->pending_keyframe = NULL;
    pad = gst_object_ref (track->tee_sink);
  }
  g_mutex_unlock (&self->lock);

  if (pad) {
    GST_DEBUG_OBJECT (self, "sending the deferred keyframe request");
    gst_pad_push_event (pad, new_keyframe_request ());
    gst_object_unref (pad);
  }
  return TRUE;
}

/* Every keyframe request passes the tee's sink pad on its way to the
 * encoder, whoever sent it: the connections' payloaders (PLI/FIR from the
 * browsers, turned into GstForceKeyUnit by rtpsession) and
 * gst_peerjs_fanout_request_keyframe(). */
static GstPadProbeReturn
tee_upstream_event_probe (GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  GstPeerJSFanout *self = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  gboolean allowed = TRUE;
  Track *track;

  if (!gst_video_event_is_force_key_unit (event))
    return GST_PAD_PROBE_OK;

  g_mutex_lock (&self->lock);
  track = self->tracks[GST_PEERJS_TRACK_VIDEO];
  if (track && track->tee_sink == pad)
    allowed = keyframe_allowed (self, track);
  g_mutex_unlock (&self->lock);

  if (!allowed)
    return GST_PAD_PROBE_DROP;
  GST_DEBUG_OBJECT (self, "forcing a keyframe");
  return GST_PAD_PROBE_OK;
}

/* ---- public API ---- */

/**
 * gst_peerjs_fanout_new:
 * @bin: where the encode chains go; must outlive the fan-out
 * @video_codec: the video codec to encode with
 * @video_bitrate_kbps: target video bitrate; 0 for the default
 */
GstPeerJSFanout *
gst_peerjs_fanout_new (GstBin * bin, GstPeerJSVideoCodec video_codec,
    guint video_bitrate_kbps)
{
  GstPeerJSFanout *self;

  g_return_val_if_fail (GST_IS_BIN (bin), NULL);

  self = g_object_new (GST_TYPE_PEERJS_FANOUT, NULL);
  gst_object_ref_sink (self);
  self->bin = bin;
  self->video_codec = video_codec;
  self->video_bitrate_kbps = video_bitrate_kbps ? video_bitrate_kbps :
      GST_PEERJS_DEFAULT_VIDEO_BITRATE;
  return self;
}

static gboolean
add_chain_to_bin (GstPeerJSFanout * self, GPtrArray * chain)
{
  guint i;

  for (i = 0; i < chain->len; i++)
    gst_bin_add (self->bin, g_ptr_array_index (chain, i));
  for (i = 0; i + 1 < chain->len; i++) {
    if (!gst_element_link (g_ptr_array_index (chain, i),
            g_ptr_array_index (chain, i + 1)))
      return FALSE;
  }
  /* downstream first, so nothing pushes into an element not yet running */
  for (i = chain->len; i > 0; i--)
    gst_element_sync_state_with_parent (g_ptr_array_index (chain, i - 1));
  return TRUE;
}

static void
remove_chain_from_bin (GstPeerJSFanout * self, GPtrArray * chain)
{
  guint i;

  for (i = 0; i < chain->len; i++) {
    GstElement *e = g_ptr_array_index (chain, i);

    gst_element_set_locked_state (e, TRUE);
    gst_element_set_state (e, GST_STATE_NULL);
    if (GST_OBJECT_PARENT (e) == GST_OBJECT (self->bin))
      gst_bin_remove (self->bin, e);
  }
}

static Track *
build_track (GstPeerJSFanout * self, GstPeerJSTrackKind kind, guint kbps,
    GError ** error)
{
  Track *track = g_new0 (Track, 1);
  guint i;

  track->kind = kind;
  track->last_keyframe = GST_CLOCK_TIME_NONE;
  track->elements = g_ptr_array_new_with_free_func (gst_object_unref);
  chain_add (track->elements, make_input_queue (kind));

  if (kind == GST_PEERJS_TRACK_VIDEO)
    track->encoder = build_video_chain (self, track->elements, kbps, error);
  else
    track->encoder = build_audio_chain (track->elements, error);
  if (!track->encoder) {
    track_free (track);
    return NULL;
  }
  /* the chains put the switch right before the encoder */
  if (g_ptr_array_find (track->elements, track->encoder, &i) && i > 0)
    track->blanker = g_ptr_array_index (track->elements, i - 1);
  /* the raw picture and sound, before the switch: the table shows its own
   * placeholder; the encoder branch stays in the input's thread */
  if (track->blanker && g_ptr_array_find (track->elements, track->blanker, &i)) {
    track->raw_tee = gst_element_factory_make ("tee", NULL);
    g_object_set (track->raw_tee, "allow-not-linked", TRUE, NULL);
    g_ptr_array_insert (track->elements, i,
        gst_object_ref_sink (track->raw_tee));
  }

  track->tee = gst_element_factory_make ("tee", NULL);
  /* no branch yet, or one whose connection is not linked: go on */
  g_object_set (track->tee, "allow-not-linked", TRUE, NULL);
  chain_add (track->elements, track->tee);
  track->tee_sink = gst_element_get_static_pad (track->tee, "sink");
  return track;
}

static void
switch_blanker (GstElement * blanker, GstPeerJSTrackKind kind, gboolean enabled)
{
  if (kind == GST_PEERJS_TRACK_VIDEO)
    /* contrast 0 maps every luma to black, saturation 0 every chroma to
     * grey */
    g_object_set (blanker, "contrast", enabled ? 1.0 : 0.0,
        "saturation", enabled ? 1.0 : 0.0, NULL);
  else
    g_object_set (blanker, "mute", !enabled, NULL);
}

/**
 * gst_peerjs_fanout_add_input:
 *
 * Returns: (transfer full) (nullable): the sink pad of the chain.
 */
GstPad *
gst_peerjs_fanout_add_input (GstPeerJSFanout * self, GstPeerJSTrackKind kind)
{
  GError *error = NULL;
  Track *track;
  gboolean enabled;
  guint kbps;

  g_return_val_if_fail (GST_IS_PEERJS_FANOUT (self), NULL);
  g_return_val_if_fail (kind <= GST_PEERJS_TRACK_VIDEO, NULL);

  g_mutex_lock (&self->lock);
  kbps = self->video_bitrate_kbps;
  if (self->tracks[kind]) {
    g_mutex_unlock (&self->lock);
    return NULL;
  }
  g_mutex_unlock (&self->lock);

  track = build_track (self, kind, kbps, &error);
  if (!track) {
    GST_ERROR_OBJECT (self, "no %s input: %s", kind_name (kind),
        error->message);
    g_error_free (error);
    return NULL;
  }

  if (!add_chain_to_bin (self, track->elements)) {
    GST_ERROR_OBJECT (self, "could not link the %s chain", kind_name (kind));
    remove_chain_from_bin (self, track->elements);
    track_free (track);
    return NULL;
  }
  if (kind == GST_PEERJS_TRACK_VIDEO)
    track->probe_id = gst_pad_add_probe (track->tee_sink,
        GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, tee_upstream_event_probe, self,
        NULL);

  g_mutex_lock (&self->lock);
  self->tracks[kind] = track;
  enabled = self->enabled[kind];
  g_mutex_unlock (&self->lock);
  switch_blanker (track->blanker, kind, enabled);

  GST_INFO_OBJECT (self, "%s input: encoder %s", kind_name (kind),
      GST_ELEMENT_NAME (track->encoder));
  return gst_element_get_static_pad (g_ptr_array_index (track->elements, 0),
      "sink");
}

void
gst_peerjs_fanout_remove_input (GstPeerJSFanout * self, GstPeerJSTrackKind kind)
{
  Track *track;

  g_return_if_fail (GST_IS_PEERJS_FANOUT (self));
  g_return_if_fail (kind <= GST_PEERJS_TRACK_VIDEO);

  g_mutex_lock (&self->lock);
  track = self->tracks[kind];
  self->tracks[kind] = NULL;
  if (track && track->pending_keyframe) {
    gst_clock_id_unschedule (track->pending_keyframe);
    gst_clock_id_unref (track->pending_keyframe);
    track->pending_keyframe = NULL;
  }
  g_mutex_unlock (&self->lock);

  if (!track)
    return;
  if (track->n_branches)
    GST_WARNING_OBJECT (self, "%s input removed with %u branches left",
        kind_name (kind), track->n_branches);
  GST_INFO_OBJECT (self, "removing the %s input", kind_name (kind));
  remove_chain_from_bin (self, track->elements);
  track_free (track);
}

gboolean
gst_peerjs_fanout_has_input (GstPeerJSFanout * self, GstPeerJSTrackKind kind)
{
  gboolean ret;

  g_return_val_if_fail (GST_IS_PEERJS_FANOUT (self), FALSE);
  g_return_val_if_fail (kind <= GST_PEERJS_TRACK_VIDEO, FALSE);

  g_mutex_lock (&self->lock);
  ret = self->tracks[kind] != NULL;
  g_mutex_unlock (&self->lock);
  return ret;
}

const gchar *
gst_peerjs_fanout_get_encoding_name (GstPeerJSFanout * self,
    GstPeerJSTrackKind kind)
{
  g_return_val_if_fail (GST_IS_PEERJS_FANOUT (self), NULL);

  if (kind == GST_PEERJS_TRACK_AUDIO)
    return "OPUS";
  return self->video_codec == GST_PEERJS_VIDEO_CODEC_H264 ? "H264" : "VP8";
}

/**
 * gst_peerjs_fanout_get_rtp_caps:
 *
 * Returns: (transfer full): the RTP caps without payload type.
 */
GstCaps *
gst_peerjs_fanout_get_rtp_caps (GstPeerJSFanout * self, GstPeerJSTrackKind kind)
{
  const gchar *name = gst_peerjs_fanout_get_encoding_name (self, kind);

  g_return_val_if_fail (name != NULL, NULL);

  if (kind == GST_PEERJS_TRACK_AUDIO)
    return gst_caps_new_simple ("application/x-rtp",
        "media", G_TYPE_STRING, "audio", "encoding-name", G_TYPE_STRING, name,
        "clock-rate", G_TYPE_INT, 48000,
        "encoding-params", G_TYPE_STRING, "2", NULL);
  if (self->video_codec == GST_PEERJS_VIDEO_CODEC_H264)
    return gst_caps_new_simple ("application/x-rtp",
        "media", G_TYPE_STRING, "video", "encoding-name", G_TYPE_STRING, name,
        "clock-rate", G_TYPE_INT, 90000,
        "packetization-mode", G_TYPE_STRING, "1", NULL);
  return gst_caps_new_simple ("application/x-rtp",
      "media", G_TYPE_STRING, "video", "encoding-name", G_TYPE_STRING, name,
      "clock-rate", G_TYPE_INT, 90000, NULL);
}

/* A new src pad of the encoded tee of @kind (counted as a branch), or of
 * its raw tee. */
static GstPad *
request_tee_branch (GstPeerJSFanout * self, GstPeerJSTrackKind kind,
    gboolean raw)
{
  GstElement *tee = NULL;
  GstPad *pad;

  g_mutex_lock (&self->lock);
  if (self->tracks[kind] && !raw) {
    tee = gst_object_ref (self->tracks[kind]->tee);
    self->tracks[kind]->n_branches++;
  } else if (self->tracks[kind] && self->tracks[kind]->raw_tee) {
    tee = gst_object_ref (self->tracks[kind]->raw_tee);
  }
  g_mutex_unlock (&self->lock);

  if (!tee)
    return NULL;
  pad = gst_element_request_pad_simple (tee, "src_%u");
  GST_DEBUG_OBJECT (self, "new %s%s branch %" GST_PTR_FORMAT,
      raw ? "raw " : "", kind_name (kind), pad);
  gst_object_unref (tee);
  return pad;
}

/**
 * gst_peerjs_fanout_request_branch:
 *
 * Returns: (transfer full) (nullable): a new src pad of the tee of @kind.
 */
GstPad *
gst_peerjs_fanout_request_branch (GstPeerJSFanout * self,
    GstPeerJSTrackKind kind)
{
  g_return_val_if_fail (GST_IS_PEERJS_FANOUT (self), NULL);
  g_return_val_if_fail (kind <= GST_PEERJS_TRACK_VIDEO, NULL);

  return request_tee_branch (self, kind, FALSE);
}

/**
 * gst_peerjs_fanout_request_raw_branch:
 *
 * Returns: (transfer full) (nullable): a new src pad giving out the raw
 *     input of @kind (before the on/off switch and the encoder). Release it
 *     with gst_element_release_request_pad() on its parent.
 */
GstPad *
gst_peerjs_fanout_request_raw_branch (GstPeerJSFanout * self,
    GstPeerJSTrackKind kind)
{
  g_return_val_if_fail (GST_IS_PEERJS_FANOUT (self), NULL);
  g_return_val_if_fail (kind <= GST_PEERJS_TRACK_VIDEO, NULL);

  return request_tee_branch (self, kind, TRUE);
}

void
gst_peerjs_fanout_release_branch (GstPeerJSFanout * self, GstPad * branch)
{
  GstElement *tee;
  guint i;

  g_return_if_fail (GST_IS_PEERJS_FANOUT (self));
  g_return_if_fail (GST_IS_PAD (branch));

  tee = gst_pad_get_parent_element (branch);
  g_mutex_lock (&self->lock);
  for (i = 0; i < G_N_ELEMENTS (self->tracks); i++) {
    if (self->tracks[i] && self->tracks[i]->tee == tee
        && self->tracks[i]->n_branches > 0)
      self->tracks[i]->n_branches--;
  }
  g_mutex_unlock (&self->lock);

  GST_DEBUG_OBJECT (self, "releasing branch %" GST_PTR_FORMAT, branch);
  /* tee takes care of a pad released while it streams */
  if (tee) {
    gst_element_release_request_pad (tee, branch);
    gst_object_unref (tee);
  }
  gst_object_unref (branch);
}

void
gst_peerjs_fanout_request_keyframe (GstPeerJSFanout * self)
{
  GstPad *pad = NULL;

  g_return_if_fail (GST_IS_PEERJS_FANOUT (self));

  g_mutex_lock (&self->lock);
  if (self->tracks[GST_PEERJS_TRACK_VIDEO])
    pad = gst_object_ref (self->tracks[GST_PEERJS_TRACK_VIDEO]->tee_sink);
  g_mutex_unlock (&self->lock);

  if (!pad)
    return;
  /* through the rate limit on the pad, like the connections' requests */
  gst_pad_push_event (pad, new_keyframe_request ());
  gst_object_unref (pad);
}

void
gst_peerjs_fanout_set_enabled (GstPeerJSFanout * self,
    GstPeerJSTrackKind kind, gboolean enabled)
{
  GstElement *blanker = NULL;

  g_return_if_fail (GST_IS_PEERJS_FANOUT (self));
  g_return_if_fail (kind <= GST_PEERJS_TRACK_VIDEO);

  g_mutex_lock (&self->lock);
  self->enabled[kind] = enabled;
  if (self->tracks[kind])
    blanker = gst_object_ref (self->tracks[kind]->blanker);
  g_mutex_unlock (&self->lock);

  if (blanker) {
    GST_INFO_OBJECT (self, "%s %s", kind_name (kind), enabled ? "on" : "off");
    switch_blanker (blanker, kind, enabled);
    gst_object_unref (blanker);
  }
}

/* [min, max] of the rate control. Lock held. */
static void
bounds (GstPeerJSFanout * self, guint * min_kbps, guint * max_kbps)
{
  *max_kbps = self->max_kbps ? self->max_kbps : self->video_bitrate_kbps;
  *min_kbps = MIN (self->min_kbps, *max_kbps);
}

/* The configured bitrate until the paths have estimates, then the lowest
 * estimate (one encoder serves them all), within the bounds. Lock held. */
static guint
effective_video_bitrate (GstPeerJSFanout * self)
{
  GHashTableIter iter;
  gpointer value;
  guint kbps = G_MAXUINT, lo, hi;

  g_hash_table_iter_init (&iter, self->path_kbps);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    kbps = MIN (kbps, GPOINTER_TO_UINT (value));
  if (kbps == G_MAXUINT)
    kbps = self->video_bitrate_kbps;
  bounds (self, &lo, &hi);
  return CLAMP (kbps, lo, hi);
}

/* Tells the encoder the effective bitrate if that changed. */
static void
apply_video_bitrate (GstPeerJSFanout * self, gboolean force)
{
  GstElement *enc = NULL;
  guint kbps;

  g_mutex_lock (&self->lock);
  kbps = effective_video_bitrate (self);
  if (self->tracks[GST_PEERJS_TRACK_VIDEO]
      && (force || kbps != self->applied_kbps))
    enc = gst_object_ref (self->tracks[GST_PEERJS_TRACK_VIDEO]->encoder);
  self->applied_kbps = kbps;
  g_mutex_unlock (&self->lock);

  if (!enc)
    return;
  GST_INFO_OBJECT (self, "video bitrate %u kbit/s", kbps);
  if (self->video_codec == GST_PEERJS_VIDEO_CODEC_H264)
    g_object_set (enc, "bitrate", kbps, NULL);
  else
    g_object_set (enc, "target-bitrate", (gint) (kbps * 1000), NULL);
  gst_object_unref (enc);
}

void
gst_peerjs_fanout_set_video_bitrate (GstPeerJSFanout * self, guint kbps)
{
  g_return_if_fail (GST_IS_PEERJS_FANOUT (self));

  if (!kbps)
    kbps = GST_PEERJS_DEFAULT_VIDEO_BITRATE;
  g_mutex_lock (&self->lock);
  self->video_bitrate_kbps = kbps;
  g_mutex_unlock (&self->lock);
  apply_video_bitrate (self, TRUE);
}

guint
gst_peerjs_fanout_get_video_bitrate (GstPeerJSFanout * self)
{
  guint kbps;

  g_return_val_if_fail (GST_IS_PEERJS_FANOUT (self), 0);

  g_mutex_lock (&self->lock);
  kbps = self->video_bitrate_kbps;
  g_mutex_unlock (&self->lock);
  return kbps;
}

/**
 * gst_peerjs_fanout_set_bitrate_bounds:
 * @min_kbps: the lowest the rate control may take the video to
 * @max_kbps: the highest (above video-bitrate when every path carries
 *   it); 0: video-bitrate
 */
void
gst_peerjs_fanout_set_bitrate_bounds (GstPeerJSFanout * self,
    guint min_kbps, guint max_kbps)
{
  g_return_if_fail (GST_IS_PEERJS_FANOUT (self));

  g_mutex_lock (&self->lock);
  self->min_kbps = min_kbps;
  self->max_kbps = max_kbps;
  g_mutex_unlock (&self->lock);
  apply_video_bitrate (self, FALSE);
}

void
gst_peerjs_fanout_get_bitrate_bounds (GstPeerJSFanout * self,
    guint * min_kbps, guint * max_kbps)
{
  g_return_if_fail (GST_IS_PEERJS_FANOUT (self));

  g_mutex_lock (&self->lock);
  bounds (self, min_kbps, max_kbps);
  g_mutex_unlock (&self->lock);
}

void
gst_peerjs_fanout_set_path_bitrate (GstPeerJSFanout * self,
    gconstpointer path, guint kbps)
{
  g_return_if_fail (GST_IS_PEERJS_FANOUT (self));

  g_mutex_lock (&self->lock);
  if (kbps)
    g_hash_table_insert (self->path_kbps, (gpointer) path,
        GUINT_TO_POINTER (kbps));
  else
    g_hash_table_remove (self->path_kbps, path);
  g_mutex_unlock (&self->lock);
  apply_video_bitrate (self, FALSE);
}

static void
gst_peerjs_fanout_finalize (GObject * object)
{
  GstPeerJSFanout *self = GST_PEERJS_FANOUT (object);
  guint i;

  /* the chains belong to the bin; only our bookkeeping goes, and the
   * probe that points to us */
  for (i = 0; i < G_N_ELEMENTS (self->tracks); i++) {
    Track *track = self->tracks[i];

    if (!track)
      continue;
    if (track->probe_id)
      gst_pad_remove_probe (track->tee_sink, track->probe_id);
    if (track->pending_keyframe) {
      gst_clock_id_unschedule (track->pending_keyframe);
      gst_clock_id_unref (track->pending_keyframe);
    }
    track_free (track);
  }
  g_hash_table_unref (self->path_kbps);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_peerjs_fanout_init (GstPeerJSFanout * self)
{
  g_mutex_init (&self->lock);
  self->path_kbps = g_hash_table_new (NULL, NULL);
  self->min_kbps = GST_PEERJS_DEFAULT_MIN_BITRATE;
  self->enabled[GST_PEERJS_TRACK_AUDIO] = TRUE;
  self->enabled[GST_PEERJS_TRACK_VIDEO] = TRUE;
}

static void
gst_peerjs_fanout_class_init (GstPeerJSFanoutClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gst_peerjs_fanout_finalize;
}
