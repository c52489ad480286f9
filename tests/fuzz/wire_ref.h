/* wire_ref.h - reference wire parser for fuzz_wire (see wire_ref.c). */
#ifndef NLUT_FUZZ_WIRE_REF_H
#define NLUT_FUZZ_WIRE_REF_H

#include <stddef.h>
#include <stdint.h>

#include <nlut/wire.h>

struct wire_ref {
	uint8_t *buf;
	size_t cap, fill;
	uint64_t frames, errors;
	uint32_t hash; /* CRC over every good frame's header and payload */
};

void wire_ref_feed(struct wire_ref *p, const uint8_t *data, size_t n);

#endif /* NLUT_FUZZ_WIRE_REF_H */
