/* nlut_engine.h - the board side of the wire protocol (docs/wire-protocol.md):
 * bytes from the host in, register accesses and input records out through
 * callbacks, REG_VALUE / RESULTS / ERROR frames queued for the host.
 * Freestanding: <stdint.h> and <string.h> only, no allocation; the firmware
 * and the host-side board emulation build this very file. */
#ifndef NLUT_ENGINE_H
#define NLUT_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include <nlut/wire.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the engine drives: the register bus and the stream ports. */
struct nlut_engine_ops {
	/* Register access at a byte offset the engine has checked (aligned,
	 * inside the map). Return 0, or an NLUT_WIRE_ERR_* code to send back. */
	int (*read32)(void *user, uint32_t off, uint32_t *v);
	int (*write32)(void *user, uint32_t off, uint32_t v);
	/* Take n whole input records (docs/stream-format.md): 0, or
	 * NLUT_WIRE_ERR_BUSY when the datapath takes none of them. */
	int (*push)(void *user, const uint8_t *rec, uint32_t n);
	/* Copy up to max whole result records into buf; return how many. */
	uint32_t (*pull)(void *user, uint8_t *buf, uint32_t max);
	void *user;
};

struct nlut_engine_config {
	uint32_t in_record;   /* bytes of one input record */
	uint32_t out_record;  /* bytes of one result record */
	uint32_t reg_space;   /* bytes of the register map */
	/* Parser buffer: frames longer than it are dropped as LENGTH errors;
	 * NLUT_WIRE_OVERHEAD + NLUT_WIRE_MAX_PAYLOAD takes every frame. */
	uint8_t *rx_buf;
	size_t rx_cap;
	/* Output queue towards the host (at least 256 bytes). */
	uint8_t *tx_buf;
	size_t tx_cap;
	/* One RESULTS payload is gathered here: its size bounds the frame. */
	uint8_t *scratch;
	size_t scratch_cap;
};

struct nlut_engine_stats {
	uint64_t frames_in;     /* good frames received */
	uint64_t frames_out;    /* frames queued for the host */
	uint64_t vectors_in;    /* input records handed to the datapath */
	uint64_t results_out;   /* result records queued for the host */
	uint64_t crc_errors;    /* frames dropped for a bad CRC */
	uint64_t length_errors; /* frames dropped for a bad length */
	uint64_t seq_errors;    /* frames dropped for a sequence gap */
	uint64_t sessions;      /* new host sessions seen (sequence restarted at 0) */
	uint64_t errors_lost;   /* ERROR frames not sent: output queue full */
	uint64_t dropped_bytes; /* bytes discarded while resynchronising */
};

struct nlut_engine {
	struct nlut_engine_config cfg;
	struct nlut_engine_ops ops;
	struct nlut_wire_parser parser;
	size_t tx_head, tx_tail;   /* queued bytes are tx_buf[tx_head, tx_tail) */
	uint16_t rx_seq;           /* sequence number expected from the host */
	uint16_t tx_seq;           /* sequence number of the next RESULTS frame */
	int synced;                /* a host frame has been accepted since init */
	struct nlut_engine_stats st;
};

/* Set the engine up; returns 0, or -1 when the configuration is unusable
 * (record sizes 0, buffers too small for one frame of one record). */
int nlut_engine_init(struct nlut_engine *e, const struct nlut_engine_config *cfg,
		     const struct nlut_engine_ops *ops);

/*
 * Feed bytes received from the host. Returns how many were taken: fewer
 * than n (possibly 0) when the output queue has no room for the answers
 * they could need; the rest must be offered again after the host has
 * drained some output (the link applies back-pressure meanwhile).
 */
size_t nlut_engine_rx(struct nlut_engine *e, const uint8_t *data, size_t n);

/* Move results from the datapath into RESULTS frames while there is room. */
void nlut_engine_poll(struct nlut_engine *e);

/* Bytes queued for the host. */
size_t nlut_engine_tx_pending(const struct nlut_engine *e);

/* Copy up to max queued bytes into out and dequeue them; returns the count. */
size_t nlut_engine_tx_read(struct nlut_engine *e, uint8_t *out, size_t max);

#ifdef __cplusplus
}
#endif

#endif /* NLUT_ENGINE_H */
