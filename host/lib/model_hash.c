/* model_hash.c - the model identity: SHA-256 over the canonical encoding of
 * the function sections (INPT, LAYR..., OUTP), see docs/model-format.md. */
#include <stdio.h>

#include "internal.h"
#include "model_internal.h"

NLUT_API int nlut_model_hash(const nlut_model *m, uint8_t out[NLUT_HASH_SIZE])
{
	struct nlut_encoding e;
	struct nlut_sha256 s;
	int err;

	if (!m || !out)
		return nlut_fail(NLUT_ERROR_INVALID_PARAM, "model or out is NULL");
	if ((err = nlut_model_encode(m, &e)))
		return err;
	nlut_sha256_init(&s);
	nlut_sha256_update(&s, "NLUT-ID1", 8);
	/* Function sections are INPT, the layers and OUTP: all but META. */
	uint32_t n_fun = m->n_layers + 2;

	for (uint32_t i = 0; i < n_fun; i++)
		nlut_sha256_update(&s, e.buf + e.sec_off[i], e.sec_len[i]);
	nlut_sha256_final(&s, out);
	nlut_encoding_free(&e);
	return NLUT_SUCCESS;
}

NLUT_API int nlut_model_id(const nlut_model *m, char out[NLUT_ID_STR_SIZE])
{
	uint8_t h[NLUT_HASH_SIZE];
	int err = nlut_model_hash(m, h);

	if (err)
		return err;
	for (unsigned i = 0; i < NLUT_HASH_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
	return NLUT_SUCCESS;
}
