/* ftdi_baud.h - the baud-rate divisor of FTDI's high-speed (H) UARTs (FT2232H,
 * FT4232H, FT232H), as SIO_SET_BAUD_RATE carries it; private to libnlut. */
#ifndef NLUT_FTDI_BAUD_H
#define NLUT_FTDI_BAUD_H

#include <stdint.h>

struct nlut_ftdi_divisor {
	uint16_t value;  /* wValue: the divisor's low 16 bits */
	uint16_t index;  /* wIndex's high byte (the channel goes in the low byte) */
	unsigned baud;   /* the rate the chip really makes */
};

/*
 * The divisor for `baud`: from the 120 MHz clock divided by 10 (12 MHz, flag
 * 0x20000) when the rate allows, else from 48 MHz divided by 16; in eighths,
 * the integer part in bits 0-13, the eighth's code in bits 14-16. 0, or -1
 * when the nearest rate is more than 3% off.
 */
int nlut_ftdi_h_divisor(unsigned baud, struct nlut_ftdi_divisor *out);

#endif /* NLUT_FTDI_BAUD_H */
