/* usbfs_emu.c - the usbfs ioctls of a USB device emulated under umockdev
 * (usbfs_emu.h): URBs submitted, reaped and discarded, control transfers,
 * claims, clear halt and unplugging, with the chip behind the pipes plugged
 * in through struct usbfs_chip. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "usbfs_emu.h"

uint32_t usbfs_emu_rnd(struct usbfs_emu *e, uint32_t n)
{
	e->rng ^= e->rng << 13;
	e->rng ^= e->rng >> 7;
	e->rng ^= e->rng << 17;
	return n ? (uint32_t)(e->rng % n) : 0;
}

int usbfs_emu_chance(struct usbfs_emu *e, unsigned per_mille)
{
	return per_mille && usbfs_emu_rnd(e, 1000) < per_mille;
}

void usbfs_emu_finish(struct usbfs_emu *e, struct usbfs_urb *u, int status, int actual,
		      gint64 ready_at)
{
	u->urb->status = status;
	u->urb->actual_length = actual;
	u->ready_at = ready_at;
	g_queue_push_tail(&e->done_q, u);
}

void usbfs_emu_stall_out(struct usbfs_emu *e, struct usbfs_urb *u, int k)
{
	u->done += k;
	g_queue_pop_head(&e->out_q);
	e->halted_out = 1;
	usbfs_emu_finish(e, u, -EPIPE, u->done, 0);
}

void usbfs_emu_stall_in(struct usbfs_emu *e, struct usbfs_urb *u, gint64 at)
{
	g_queue_pop_head(&e->in_q);
	e->halted_in = 1;
	usbfs_emu_finish(e, u, -EPIPE, 0, at);
}

int usbfs_emu_delay(struct usbfs_emu *e, struct usbfs_urb *u, gint64 now, unsigned per_mille,
		    unsigned max_us)
{
	if (!usbfs_emu_chance(e, per_mille))
		return 0;
	u->ready_at = now + 1 + usbfs_emu_rnd(e, max_us ? max_us : 1000);
	return 1;
}

int usbfs_emu_string(struct usbfs_emu *e, struct usbfs_urb *u, const char *const *strings,
		     unsigned n_strings)
{
	uint8_t *p = u->urb->buffer;
	int want = u->urb->buffer_length - 8;

	if (!p || want < 0 || p[0] != 0x80 || p[1] != 6 || p[3] != 3 || p[2] >= n_strings)
		return -1;
	unsigned idx = p[2];
	uint8_t d[64];
	int n;

	if (idx == 0) {
		n = 4;
		memcpy(d, "\x04\x03\x09\x04", 4);
	} else {
		size_t k = strlen(strings[idx]);

		n = (int)(2 + 2 * k);
		d[0] = (uint8_t)n;
		d[1] = 3;
		for (size_t i = 0; i < k; i++) {
			d[2 + 2 * i] = (uint8_t)strings[idx][i];
			d[3 + 2 * i] = 0;
		}
	}
	if (n > want)
		n = want;
	memcpy(p + 8, d, (size_t)n);
	usbfs_emu_finish(e, u, 0, n, 0);
	return 0;
}

void usbfs_emu_set_unplugged(struct usbfs_emu *e, int unplugged)
{
	GQueue *qs[] = { &e->out_q, &e->in_q, &e->other_q };
	struct usbfs_urb *u;

	e->unplugged = unplugged;
	if (!unplugged) {
		e->halted_in = e->halted_out = 0;
		return;
	}
	for (int i = 0; i < 3; i++)
		while ((u = g_queue_pop_head(qs[i])))
			usbfs_emu_finish(e, u, -ENODEV, 0, 0);
}

/* ---- usbfs ---- */

static void submit_urb(struct usbfs_emu *e, UMockdevIoctlClient *c)
{
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(c);
	UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), NULL);
	struct usbdevfs_urb *urb;
	struct usbfs_urb *u;

	if (!d) {
		umockdev_ioctl_client_complete(c, -1, EFAULT);
		return;
	}
	urb = (struct usbdevfs_urb *)d->data;
	if (urb->buffer_length > 0) {
		UMockdevIoctlData *b = umockdev_ioctl_data_resolve(d, offsetof(struct usbdevfs_urb, buffer),
								   (gsize)urb->buffer_length, NULL);

		if (b)
			g_object_unref(b); /* the urb keeps it as a child */
	}
	u = g_new0(struct usbfs_urb, 1);
	u->data = d;
	u->urb = urb;
	if (urb->type == USBDEVFS_URB_TYPE_CONTROL) {
		e->chip.control(e->chip.chip, u);
	} else if (urb->type != USBDEVFS_URB_TYPE_BULK) {
		g_queue_push_tail(&e->other_q, u);
	} else if (urb->endpoint == e->dev.ep_out) {
		e->n.urbs_out++;
		g_queue_push_tail(&e->out_q, u);
	} else if (urb->endpoint == e->dev.ep_in) {
		e->n.urbs_in++;
		g_queue_push_tail(&e->in_q, u);
	} else if (!e->chip.bulk || !e->chip.bulk(e->chip.chip, u)) {
		g_queue_push_tail(&e->other_q, u); /* nothing there: it pends */
	}
	umockdev_ioctl_client_complete(c, 0, 0);
}

static void reap_urb(struct usbfs_emu *e, UMockdevIoctlClient *c)
{
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(c);
	struct usbfs_urb *u;

	if (!e->unplugged)
		e->chip.pump(e->chip.chip);
	u = g_queue_peek_head(&e->done_q);
	if (!u || u->ready_at > g_get_monotonic_time()) {
		umockdev_ioctl_client_complete(c, -1, e->unplugged && !u ? ENODEV : EAGAIN);
		return;
	}
	g_queue_pop_head(&e->done_q);
	UMockdevIoctlData *ptr = umockdev_ioctl_data_resolve(arg, 0, sizeof(void *), NULL);

	if (!ptr) {
		umockdev_ioctl_client_complete(c, -1, EFAULT);
	} else {
		umockdev_ioctl_data_set_ptr(ptr, 0, u->data);
		umockdev_ioctl_client_complete(c, 0, 0);
		g_object_unref(ptr);
	}
	g_object_unref(u->data);
	g_free(u);
}

static gint by_addr(gconstpointer a, gconstpointer addr)
{
	return ((const struct usbfs_urb *)a)->data->client_addr != (gulong)addr;
}

static void discard_urb(struct usbfs_emu *e, UMockdevIoctlClient *c)
{
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(c);
	gulong addr = *(gulong *)arg->data;
	GQueue *qs[] = { &e->out_q, &e->in_q, &e->other_q };

	for (int i = 0; i < 3; i++) {
		GList *l = g_queue_find_custom(qs[i], (gconstpointer)addr, by_addr);

		if (l) {
			struct usbfs_urb *u = l->data;

			g_queue_delete_link(qs[i], l);
			e->n.discards++;
			usbfs_emu_finish(e, u, -ENOENT, u->done, 0);
			umockdev_ioctl_client_complete(c, 0, 0);
			return;
		}
	}
	umockdev_ioctl_client_complete(c, -1, EINVAL); /* already completed */
}

static gboolean on_ioctl(UMockdevIoctlBase *h, UMockdevIoctlClient *c, gpointer user)
{
	struct usbfs_emu *e = user;
	gulong req = umockdev_ioctl_client_get_request(c);

	(void)h;
	g_mutex_lock(&e->lock);
	if (e->unplugged && req != USBDEVFS_REAPURB && req != USBDEVFS_REAPURBNDELAY &&
	    req != USBDEVFS_DISCARDURB && req != USBDEVFS_RELEASEINTERFACE) {
		umockdev_ioctl_client_complete(c, -1, ENODEV);
	} else if (req == USBDEVFS_SUBMITURB) {
		submit_urb(e, c);
	} else if (req == USBDEVFS_REAPURB || req == USBDEVFS_REAPURBNDELAY) {
		reap_urb(e, c);
	} else if (req == USBDEVFS_DISCARDURB) {
		discard_urb(e, c);
	} else if (req == USBDEVFS_GET_CAPABILITIES) {
		UMockdevIoctlData *d = umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(c), 0,
								   sizeof(guint32), NULL);

		/* An xHCI host: one URB per transfer, whatever its size. */
		*(guint32 *)d->data = USBDEVFS_CAP_BULK_SCATTER_GATHER | USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
				      USBDEVFS_CAP_REAP_AFTER_DISCONNECT | USBDEVFS_CAP_ZERO_PACKET;
		g_object_unref(d);
		umockdev_ioctl_client_complete(c, 0, 0);
	} else if (req == USBDEVFS_CLEAR_HALT) {
		UMockdevIoctlData *d = umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(c), 0,
								   sizeof(unsigned int), NULL);
		unsigned ep = d ? *(unsigned int *)d->data : 0;

		if (d)
			g_object_unref(d);
		if (ep == e->dev.ep_in)
			e->halted_in = 0;
		if (ep == e->dev.ep_out)
			e->halted_out = 0;
		e->n.clear_halts++;
		umockdev_ioctl_client_complete(c, 0, 0);
	} else if (req == USBDEVFS_CLAIMINTERFACE || req == USBDEVFS_RELEASEINTERFACE ||
		   req == USBDEVFS_SETINTERFACE || req == USBDEVFS_RESETEP || req == USBDEVFS_RESET) {
		umockdev_ioctl_client_complete(c, 0, 0);
	} else if (req == USBDEVFS_GETDRIVER) {
		umockdev_ioctl_client_complete(c, -1, ENODATA); /* no kernel driver bound */
	} else {
		umockdev_ioctl_client_complete(c, -1, ENOTTY);
	}
	g_mutex_unlock(&e->lock);
	return TRUE;
}

/* ---- setup ---- */

void usbfs_emu_init(struct usbfs_emu *e, const struct usbfs_dev *dev, const struct usbfs_chip *chip,
		    uint64_t seed)
{
	g_mutex_init(&e->lock);
	g_queue_init(&e->out_q);
	g_queue_init(&e->in_q);
	g_queue_init(&e->other_q);
	g_queue_init(&e->done_q);
	e->dev = *dev;
	e->chip = *chip;
	e->rng = seed | 1;
	snprintf(e->devnode, sizeof(e->devnode), "/dev/bus/usb/001/%03u", dev->devnum);
}

int usbfs_emu_attach(struct usbfs_emu *e)
{
	GError *err = NULL;
	char dev[4096];

	e->tb = umockdev_testbed_new();
	e->handler = umockdev_ioctl_base_new();
	g_signal_connect(e->handler, "handle-ioctl", G_CALLBACK(on_ioctl), e);
	/* The handler first, so the device node is served from the start. */
	if (!umockdev_testbed_attach_ioctl(e->tb, e->devnode, e->handler, &err)) {
		fprintf(stderr, "%s: attach %s: %s\n", e->dev.name, e->devnode, err->message);
		return -1;
	}
	snprintf(dev, sizeof(dev),
		 "P: /devices/pci0000:00/0000:00:14.0/usb1/%s\n"
		 "N: bus/usb/001/%03u\n"
		 "E: SUBSYSTEM=usb\nE: DRIVER=usb\nE: BUSNUM=001\nE: DEVNUM=%03u\n"
		 "E: DEVNAME=%s\nE: DEVTYPE=usb_device\n"
		 "A: bConfigurationValue=1\\n\nA: busnum=1\\n\nA: devnum=%u\\n\n"
		 "A: speed=%u\\n\nA: serial=%s\\n\n"
		 "A: idVendor=%04x\\n\nA: idProduct=%04x\\n\n"
		 "H: descriptors=%s\n",
		 e->dev.port, e->dev.devnum, e->dev.devnum, e->devnode, e->dev.devnum, e->dev.speed,
		 e->dev.serial, e->dev.vid, e->dev.pid, e->dev.descriptors);
	if (!umockdev_testbed_add_from_string(e->tb, dev, &err)) {
		fprintf(stderr, "%s: add device: %s\n", e->dev.name, err->message);
		return -1;
	}
	return 0;
}

void usbfs_emu_fini(struct usbfs_emu *e)
{
	struct usbfs_urb *u;
	GQueue *qs[] = { &e->out_q, &e->in_q, &e->other_q, &e->done_q };

	if (e->tb) {
		umockdev_testbed_detach_ioctl(e->tb, e->devnode, NULL);
		g_object_unref(e->handler);
		g_object_unref(e->tb);
	}
	for (int i = 0; i < 4; i++)
		while ((u = g_queue_pop_head(qs[i]))) {
			g_object_unref(u->data);
			g_free(u);
		}
	g_mutex_clear(&e->lock);
}
