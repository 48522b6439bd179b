/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_FANOUT_H__
#define __GST_PEERJS_FANOUT_H__

#include <gst/gst.h>

G_BEGIN_DECLS
/**
 * GstPeerJSTrackKind:
 *
 * Since: 1.0
 */
    typedef enum
{
  GST_PEERJS_TRACK_AUDIO,
  GST_PEERJS_TRACK_VIDEO,
} GstPeerJSTrackKind;

GType gst_peerjs_track_kind_get_type (void);
#define GST_TYPE_PEERJS_TRACK_KIND (gst_peerjs_track_kind_get_type ())

/**
 * GstPeerJSVideoCodec:
 * @GST_PEERJS_VIDEO_CODEC_VP8: VP8 (vp8enc), the default
 * @GST_PEERJS_VIDEO_CODEC_H264: H.264 constrained baseline (x264enc)
 *
 * Since: 1.0
 */
typedef enum
{
  GST_PEERJS_VIDEO_CODEC_VP8,
  GST_PEERJS_VIDEO_CODEC_H264,
} GstPeerJSVideoCodec;

GType gst_peerjs_video_codec_get_type (void);
#define GST_TYPE_PEERJS_VIDEO_CODEC (gst_peerjs_video_codec_get_type ())

/* The largest picture we encode (the game's 4K limit). */
#define GST_PEERJS_MAX_WIDTH 3840
#define GST_PEERJS_MAX_HEIGHT 2160

#define GST_PEERJS_DEFAULT_VIDEO_BITRATE 2000   /* kbit/s */
/* the lowest the rate control takes the video to (kbit/s) */
#define GST_PEERJS_DEFAULT_MIN_BITRATE 150
#define GST_PEERJS_DEFAULT_AUDIO_BITRATE 64     /* kbit/s */

/*
 * GstPeerJSFanout: the local tracks, each encoded once and teed to every
 * connection. Lives inside the element's bin; its elements are children of
 * that bin. Not a GstElement itself.
 */
#define GST_TYPE_PEERJS_FANOUT (gst_peerjs_fanout_get_type ())
G_DECLARE_FINAL_TYPE (GstPeerJSFanout, gst_peerjs_fanout, GST, PEERJS_FANOUT,
    GstObject);

GstPeerJSFanout *gst_peerjs_fanout_new (GstBin * bin,
    GstPeerJSVideoCodec video_codec, guint video_bitrate_kbps);

/* Builds the encode chain of @kind in the bin and returns its sink pad
 * (raw video or audio), which the element ghosts as video_sink/audio_sink.
 * Transfer full. NULL if that kind already has an input. */
GstPad *gst_peerjs_fanout_add_input (GstPeerJSFanout * fanout,
    GstPeerJSTrackKind kind);

/* Removes the chain of @kind (the element released its sink pad). Every
 * branch requested from it must have been released first. */
void gst_peerjs_fanout_remove_input (GstPeerJSFanout * fanout,
    GstPeerJSTrackKind kind);

gboolean gst_peerjs_fanout_has_input (GstPeerJSFanout * fanout,
    GstPeerJSTrackKind kind);

/* The RTP caps a connection should offer for @kind, without payload type:
 * media, encoding-name, clock-rate (+ encoding-params for Opus, the
 * H.264 packetization-mode). Transfer full. */
GstCaps *gst_peerjs_fanout_get_rtp_caps (GstPeerJSFanout * fanout,
    GstPeerJSTrackKind kind);

/* Encoding name of @kind as SDP spells it ("VP8", "H264", "OPUS"). */
const gchar *gst_peerjs_fanout_get_encoding_name (GstPeerJSFanout * fanout,
    GstPeerJSTrackKind kind);

/* A new branch off the tee of @kind: an src pad of the tee carrying the
 * encoded stream, for one connection to payload with its own payload
 * type. Transfer full (release with _release_branch). NULL without input.
 * Call from a non-streaming thread. */
GstPad *gst_peerjs_fanout_request_branch (GstPeerJSFanout * fanout,
    GstPeerJSTrackKind kind);

GstPad *gst_peerjs_fanout_request_raw_branch (GstPeerJSFanout * fanout,
    GstPeerJSTrackKind kind);

void gst_peerjs_fanout_release_branch (GstPeerJSFanout * fanout,
    GstPad * branch);

/* Forces a keyframe on the shared video encoder, at most once per
 * min_keyframe_interval (rate limit). Any thread. */
void gst_peerjs_fanout_request_keyframe (GstPeerJSFanout * fanout);

void gst_peerjs_fanout_set_video_bitrate (GstPeerJSFanout * fanout, guint kbps);

/* The configured video bitrate (kbit/s). */
guint gst_peerjs_fanout_get_video_bitrate (GstPeerJSFanout * fanout);

void gst_peerjs_fanout_set_bitrate_bounds (GstPeerJSFanout * fanout,
    guint min_kbps, guint max_kbps);

void gst_peerjs_fanout_get_bitrate_bounds (GstPeerJSFanout * fanout,
    guint * min_kbps, guint * max_kbps);

/* What the path to one receiver (@path: a key, its connection) carries,
 * in kbit/s, from its bandwidth estimate (gstpeerjsbwe.c); 0 forgets it.
 * The encoder runs at the lowest of these and the configured bitrate.
 * Any thread. */
void gst_peerjs_fanout_set_path_bitrate (GstPeerJSFanout * fanout,
    gconstpointer path, guint kbps);

/* Switches the local track of @kind to black frames / silence and back
 * (any thread, remembered for an input added later). */
void gst_peerjs_fanout_set_enabled (GstPeerJSFanout * fanout,
    GstPeerJSTrackKind kind, gboolean enabled);

G_END_DECLS
#endif /* __GST_PEERJS_FANOUT_H__ */
