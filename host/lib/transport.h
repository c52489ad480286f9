/* transport.h - the one small table of operations every transport (golden,
 * sim, xrt, usb, ftdi) implements; private to libnlut. */
#ifndef NLUT_TRANSPORT_H
#define NLUT_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include <nlut/device.h>

#include "board.h"

struct nlut_transport_ops {
	const char *name;
	/* Connect to the board for model m (the sim transport builds it). */
	int (*open)(const struct nlut_board *b, const nlut_model *m,
		    const struct nlut_device_opts *o, void **priv);
	void (*close)(void *priv);
	/* 32-bit register access at a byte offset of the register map. */
	int (*read32)(void *priv, uint32_t off, uint32_t *v);
	int (*write32)(void *priv, uint32_t off, uint32_t v);
	/* Queue len bytes of whole input records (docs/stream-format.md);
	 * the buffer may be reused on return. */
	int (*send)(void *priv, const uint8_t *buf, size_t len);
	/* Receive exactly len bytes of result records, waiting at most
	 * timeout_ms for the device to produce them. */
	int (*recv)(void *priv, uint8_t *buf, size_t len, unsigned timeout_ms);

	/* Zero-copy records (optional: all NULL, and the device API stages
	 * records in host memory and calls send and recv). in_acquire lends
	 * space for n (<= max_records) whole input records in the buffer the
	 * device reads; in_commit queues the first n of them (0: none) and
	 * starts the device on them. out_peek waits for the next len bytes of
	 * result records and lends them in place, or is NLUT_ERROR_UNSUPPORTED
	 * when they are not contiguous (the caller then uses recv);
	 * out_release consumes len bytes lent. */
	size_t (*max_records)(void *priv);
	int (*in_acquire)(void *priv, size_t n, uint8_t **buf);
	int (*in_commit)(void *priv, size_t n);
	int (*out_peek)(void *priv, size_t len, const uint8_t **buf, unsigned timeout_ms);
	void (*out_release)(void *priv, size_t len);
};

/* Built-in transport of that name, or one added by nlut_transport_add. */
const struct nlut_transport_ops *nlut_transport_find(const char *name);
/* Add a transport at run time (tests use it for a mock). */
int nlut_transport_add(const struct nlut_transport_ops *ops);

extern const struct nlut_transport_ops nlut_transport_golden;
extern const struct nlut_transport_ops nlut_transport_sim;
extern const struct nlut_transport_ops nlut_transport_xrt;
extern const struct nlut_transport_ops nlut_transport_usb;
extern const struct nlut_transport_ops nlut_transport_ftdi;

#endif /* NLUT_TRANSPORT_H */
