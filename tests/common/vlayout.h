/* vlayout.h - write a model as the Verilog folder a LogicNets-family
 * generator writes (tests and fuzz seeds of `nlut import`): LogicNets'
 * layout (first fan-in input in the high bits, keys in offset-binary order, a
 * myreg register before every layer) with a module prefix (an ensemble
 * member: ens<e>_), any top name, any neuron port names (M0/M1,
 * address/data), and PolyLUT-Add's layout (layer<k> of sub-tables
 * layer<k>_N<j>_E<a> then adder<k> of tables adder<k>_N<j>). */
#ifndef NLUT_TEST_VLAYOUT_H
#define NLUT_TEST_VLAYOUT_H

#include <nlut/model.h>

struct vl_style {
	const char *pfx;        /* module prefix: "" or "ens<e>_" */
	const char *top;        /* top module */
	const char *pin, *pout; /* neuron module ports */
	int polyadd;            /* layers alternate layer<k> (neurons _N<j>_E<a>, a < 2)
				 * and adder<k> (neurons _N<j>) */
	int alias_odd;          /* `assign` instead of a register before odd layers */
};

/* Write m (table neurons only) into the existing folder dir; 0 or -1 (a
 * write failed or m has adder neurons). */
int vl_write(const nlut_model *m, const char *dir, const struct vl_style *st);

#endif
