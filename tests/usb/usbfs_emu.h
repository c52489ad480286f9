/* usbfs_emu.h - the usbfs side of a USB device emulated under umockdev,
 * shared by the FT601 (ft601_emu.c) and FT2232H (tests/ftdi/ft2232h_emu.c)
 * emulations: the device node and its sysfs entry, the ioctls libusb issues
 * (SUBMITURB, REAPURB[NDELAY], DISCARDURB, CLEAR_HALT, claims, capabilities),
 * the queues of pending and completed URBs, unplugging, and the random draws
 * of the fault injection. A chip plugs in its descriptors, its control
 * requests and the movement of data through its bulk OUT and IN pipes. */
#ifndef NLUT_USBFS_EMU_H
#define NLUT_USBFS_EMU_H

#include <stdint.h>

#include <linux/usbdevice_fs.h>
#include <umockdev.h>

/* One submitted URB. */
struct usbfs_urb {
	UMockdevIoctlData *data;   /* the urb: a reference held until reaped */
	struct usbdevfs_urb *urb;  /* its local copy; buffer points to a local copy too */
	int done;                  /* OUT bytes the chip has taken */
	int rolled;                /* faults drawn for it */
	int stall;                 /* drawn: ends in a stall */
	gint64 ready_at;           /* delayed completion */
};

/* The device as the host enumerates it. */
struct usbfs_dev {
	const char *name;          /* prefix of error messages ("ft601_emu") */
	const char *port;          /* sysfs port below usb1 ("1-1") */
	unsigned devnum;           /* on bus 001 */
	unsigned speed;            /* Mbit/s */
	const char *serial;
	unsigned vid, pid;
	const char *descriptors;   /* hex */
	unsigned ep_out, ep_in;    /* the data pipes: bulk OUT, bulk IN */
};

/* The chip behind the pipes, called under the emulator's lock. control
 * answers a control transfer (8-byte setup packet first in the buffer);
 * bulk takes a bulk transfer on another endpoint than the data pipes and
 * returns 1, or 0 to leave it pending for ever (may be NULL); pump moves
 * data between the chip and the pending transfers of out_q / in_q. Each
 * completes its transfers with usbfs_emu_finish. */
struct usbfs_chip {
	void (*control)(void *chip, struct usbfs_urb *u);
	int (*bulk)(void *chip, struct usbfs_urb *u);
	void (*pump)(void *chip);
	void *chip;
};

/* What moved through the data pipes, and the host's recovery. */
struct usbfs_counts {
	uint64_t urbs_in, urbs_out, clear_halts, discards;
};

struct usbfs_emu {
	UMockdevTestbed *tb;
	UMockdevIoctlBase *handler;
	GMutex lock;               /* held by every ioctl: take it to change the chip's state */
	char devnode[32];
	struct usbfs_dev dev;
	struct usbfs_chip chip;
	GQueue out_q, in_q, other_q, done_q;
	int halted_in, halted_out, unplugged;
	struct usbfs_counts n;
	uint64_t rng;
};

/* Ready the queues and the random draws (no device yet). */
void usbfs_emu_init(struct usbfs_emu *e, const struct usbfs_dev *dev, const struct usbfs_chip *chip,
		    uint64_t seed);
/* The device node, served from then on, and the device's sysfs entry. 0, or
 * -1 with a message on stderr. */
int usbfs_emu_attach(struct usbfs_emu *e);
/* Detach, and free every URB still held. */
void usbfs_emu_fini(struct usbfs_emu *e);

/* Complete u (queued for reaping, not before ready_at). */
void usbfs_emu_finish(struct usbfs_emu *e, struct usbfs_urb *u, int status, int actual,
		      gint64 ready_at);
/* Answer u if it is a GET_DESCRIPTOR of a string (index 0: the languages;
 * 1..n_strings-1: strings[i] in UTF-16LE) and return 0; else -1, u left to
 * the caller. strings[0] is unused. */
int usbfs_emu_string(struct usbfs_emu *e, struct usbfs_urb *u, const char *const *strings,
		     unsigned n_strings);
/* Unplug (every pending transfer ends with ENODEV, every call but reaping
 * fails) or plug back in (no pipe halted); the caller holds the lock. */
void usbfs_emu_set_unplugged(struct usbfs_emu *e, int unplugged);

/* Fault injection in a chip's pump. usbfs_emu_stall_out ends the OUT
 * transfer u at the head of out_q in a stall after the chip took k more
 * bytes, usbfs_emu_stall_in the IN transfer at the head of in_q (complete
 * not before at): the pipe halts until the host clears it. usbfs_emu_delay
 * makes u complete late, by up to max_us (1 ms when 0) after now, with a
 * chance of per_mille; 1 if so. */
void usbfs_emu_stall_out(struct usbfs_emu *e, struct usbfs_urb *u, int k);
void usbfs_emu_stall_in(struct usbfs_emu *e, struct usbfs_urb *u, gint64 at);
int usbfs_emu_delay(struct usbfs_emu *e, struct usbfs_urb *u, gint64 now, unsigned per_mille,
		    unsigned max_us);

/* A random number below n (0 for n = 0); 1 with a chance of per_mille / 1000. */
uint32_t usbfs_emu_rnd(struct usbfs_emu *e, uint32_t n);
int usbfs_emu_chance(struct usbfs_emu *e, unsigned per_mille);

#endif /* NLUT_USBFS_EMU_H */
