/* nlut/nlut.h - umbrella header of libnlut. */
#ifndef NLUT_NLUT_H
#define NLUT_NLUT_H

#include <nlut/error.h>
#include <nlut/model.h>
#include <nlut/golden.h>
#include <nlut/data.h>
#include <nlut/device.h>
#include <nlut/regs.h>
#include <nlut/stream.h>
#include <nlut/wire.h>
#include <nlut/version.h>

#endif /* NLUT_NLUT_H */
