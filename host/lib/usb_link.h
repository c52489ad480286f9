/* usb_link.h - the wire protocol (docs/wire-protocol.md) over a USB bridge
 * chip's pair of bulk pipes, through libusb (transport_usb.c); what differs
 * between chips (the FT601 of `usb`, the FT2232H of `ftdi`) is this table.
 * Private to libnlut. */
#ifndef NLUT_USB_LINK_H
#define NLUT_USB_LINK_H

#include <stddef.h>
#include <stdint.h>

#include <libusb.h>

#include "transport.h"

struct nlut_usb_chip {
	const char *name;          /* in messages: "FT601" */
	unsigned vid, pid;         /* defaults; board.def's usb_vid and usb_pid win */
	unsigned n_ifaces;
	int ifaces[2];             /* USB interfaces to claim */
	unsigned char ep_req;      /* FT601 read-request pipe (an IN transfer is asked for); 0: none */
	unsigned char ep_out, ep_in;
	const char *mode_hint;     /* why the IN endpoint may be missing */
	/* Configure the chip after the claim (vendor requests); NULL: nothing
	 * to do. Fails with one nlut_fail line naming the board. */
	int (*setup)(libusb_device_handle *h, const struct nlut_board *b);
	/* The data of an IN transfer of n bytes made of mps-byte packets,
	 * compacted in place; returns its length. NULL: all of it is data. */
	size_t (*in_data)(uint8_t *buf, size_t n, unsigned mps);
};

/* The transport operations over chip c; the other operations are shared. */
int nlut_usb_open(const struct nlut_usb_chip *c, const struct nlut_board *b, const nlut_model *m,
		  const struct nlut_device_opts *o, void **priv);
void nlut_usb_close(void *priv);
int nlut_usb_read32(void *priv, uint32_t off, uint32_t *v);
int nlut_usb_write32(void *priv, uint32_t off, uint32_t v);
int nlut_usb_send(void *priv, const uint8_t *buf, size_t len);
int nlut_usb_recv(void *priv, uint8_t *buf, size_t len, unsigned timeout_ms);

#endif /* NLUT_USB_LINK_H */
