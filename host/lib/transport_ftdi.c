/* transport_ftdi.c - the `ftdi` transport: a board whose FPGA speaks the wire
 * protocol on a UART behind one channel of an FTDI FT2232H (the iCE40-HX8K
 * Breakout Board, docs/ice40.md). The chip's own vendor requests set the
 * channel up (reset, purge, baud rate, 8N1, no flow control, latency
 * timer); the link itself is the shared one of usb_link.h, which strips the
 * two modem-status bytes that open every IN packet. */
#include <string.h>

#include <libusb.h>

#include "ftdi_baud.h"
#include "internal.h"
#include "transport.h"
#include "usb_link.h"

/* Vendor requests (bmRequestType 0x40); wIndex's low byte is the channel. */
#define SIO_RESET 0x00u
#define SIO_SET_FLOW_CTRL 0x02u
#define SIO_SET_BAUD_RATE 0x03u
#define SIO_SET_DATA 0x04u
#define SIO_SET_LATENCY_TIMER 0x09u
#define SIO_SET_BITMODE 0x0Bu
#define SIO_RESET_SIO 0u
#define SIO_PURGE_HOST_TO_UART 1u  /* libftdi: SIO_TCOFLUSH */
#define SIO_PURGE_UART_TO_HOST 2u  /* libftdi: SIO_TCIFLUSH */
#define SIO_DATA_8N1 0x0008u       /* 8 bits, no parity (bits 8-10), one stop bit (11-12) */
#define SIO_FLOW_NONE 0x0000u      /* in wIndex's high byte; 0x0100 would be RTS/CTS */
#define SIO_BITMODE_RESET 0x0000u  /* the channel is a UART (not MPSSE or bit-bang) */
#define FTDI_CTRL_TIMEOUT_MS 1000u
#define FTDI_LATENCY_MS 2u         /* a short answer leaves the chip within 2 ms */

#define FT2232H_CHANNEL_B 2u       /* the channel's index in wIndex (A is 1) */

static int vendor(libusb_device_handle *h, const struct nlut_board *b, uint8_t req, uint16_t value,
		  uint16_t index, const char *what)
{
	int r = libusb_control_transfer(h, LIBUSB_REQUEST_TYPE_VENDOR | LIBUSB_RECIPIENT_DEVICE |
					       LIBUSB_ENDPOINT_OUT,
					req, value, index, NULL, 0, FTDI_CTRL_TIMEOUT_MS);

	if (r >= 0)
		return NLUT_SUCCESS;
	if (r == LIBUSB_ERROR_NO_DEVICE)
		return nlut_fail(NLUT_ERROR_NO_DEVICE, "board %s: unplugged while setting up the FT2232H (%s)",
				 b->name, what);
	return nlut_fail(r == LIBUSB_ERROR_TIMEOUT ? NLUT_ERROR_TIMEOUT : NLUT_ERROR_IO,
			 "board %s: the FT2232H refused %s: %s", b->name, what, libusb_error_name(r));
}

/* Channel B as the board wires it: baud from board.def, 8N1, TXD and RXD only. */
static int ft2232h_setup(libusb_device_handle *h, const struct nlut_board *b)
{
	const uint16_t ch = FT2232H_CHANNEL_B;
	unsigned long baud;
	struct nlut_ftdi_divisor div;
	int err;

	if ((err = nlut_board_get_uint(b, "baud", 0, &baud)))
		return err;
	if (!baud || nlut_ftdi_h_divisor((unsigned)baud, &div))
		return nlut_fail(NLUT_ERROR_INVALID_PARAM,
				 "board %s: baud = %lu is not a rate the FT2232H makes within 3%% (board.def)",
				 b->name, baud);
	if ((err = vendor(h, b, SIO_RESET, SIO_RESET_SIO, ch, "the channel reset")) ||
	    (err = vendor(h, b, SIO_SET_BITMODE, SIO_BITMODE_RESET, ch, "UART mode")) ||
	    (err = vendor(h, b, SIO_SET_BAUD_RATE, div.value, (uint16_t)(div.index | ch), "the baud rate")) ||
	    (err = vendor(h, b, SIO_SET_DATA, SIO_DATA_8N1, ch, "8N1")) ||
	    (err = vendor(h, b, SIO_SET_FLOW_CTRL, 0, SIO_FLOW_NONE | ch, "no flow control")) ||
	    (err = vendor(h, b, SIO_SET_LATENCY_TIMER, FTDI_LATENCY_MS, ch, "the latency timer")) ||
	    /* Whatever an earlier session left in the chip's buffers goes. */
	    (err = vendor(h, b, SIO_RESET, SIO_PURGE_HOST_TO_UART, ch, "the purge of its TX buffer")) ||
	    (err = vendor(h, b, SIO_RESET, SIO_PURGE_UART_TO_HOST, ch, "the purge of its RX buffer")))
		return err;
	return NLUT_SUCCESS;
}

/* Every IN packet opens with the two modem-status bytes; a packet of only
 * those (the chip's latency-timer heartbeat) carries no data. */
static size_t ft2232h_in_data(uint8_t *buf, size_t n, unsigned mps)
{
	size_t out = 0;

	for (size_t at = 0; at < n; at += mps) {
		size_t k = n - at < mps ? n - at : mps;

		if (k > 2) {
			memmove(buf + out, buf + at + 2, k - 2);
			out += k - 2;
		}
	}
	return out;
}

static const struct nlut_usb_chip ft2232h = {
	.name = "FT2232H",
	.vid = 0x0403u,
	.pid = 0x6010u,
	.n_ifaces = 1,
	.ifaces = { 1 },           /* channel B: interface 1, bulk OUT 0x04, IN 0x83 */
	.ep_out = 0x04u,
	.ep_in = 0x83u,
	.mode_hint = "is it an FT2232H with channel B as a UART?",
	.setup = ft2232h_setup,
	.in_data = ft2232h_in_data,
};

static int f_open(const struct nlut_board *b, const nlut_model *m, const struct nlut_device_opts *o,
		  void **priv)
{
	return nlut_usb_open(&ft2232h, b, m, o, priv);
}

const struct nlut_transport_ops nlut_transport_ftdi = {
	.name = "ftdi",
	.open = f_open,
	.close = nlut_usb_close,
	.read32 = nlut_usb_read32,
	.write32 = nlut_usb_write32,
	.send = nlut_usb_send,
	.recv = nlut_usb_recv,
};
