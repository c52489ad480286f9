/* ft601_rtl.h - the Verilated ft601-a7 board (boards/ft601-a7/ft601_a7_system.v: the FT601
 * bridge, the shell, the controller running the firmware, the core) behind the FT601 bus model
 * (sim/ft601/ft601_model.h), as a backend of the emulated FT601 (ft601_emu.h). The board runs
 * on its own thread, like hardware, for 30 ms of its time after each exchange with the host
 * (so its firmware works while the host polls), then sleeps until the next. A bus violation
 * ends the program with one line. FT601_RTL_TRACE=1 in the environment prints the bytes
 * each way. */
#ifndef NLUT_FT601_RTL_H
#define NLUT_FT601_RTL_H

#include <stdint.h>

#include "ft601_emu.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ft601_rtl;

/* The board, booted (the firmware has run its self-test): shell clock period in ps. */
struct ft601_rtl *ft601_rtl_new(uint64_t shell_ps, uint64_t seed);
void ft601_rtl_free(struct ft601_rtl *r);
/* Its backend for ft601_emu_start_backend. */
struct ft601_backend ft601_rtl_backend(struct ft601_rtl *r);
/* FT601 clock cycles simulated, words across the bus each way. */
void ft601_rtl_stats(struct ft601_rtl *r, uint64_t *cycles, uint64_t *words_in, uint64_t *words_out);

#ifdef __cplusplus
}
#endif

#endif /* NLUT_FT601_RTL_H */
