/* compile.c - truth tables: every input code of every neuron through the
 * exact quantised function, into an nlut model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nlut/version.h>

#include "dense.h"
#include "lutlayer.h"
#include "trainer.h"

struct compile_ctx {
	const struct nt_frozen *fz;
	uint32_t *task_layer, *task_neuron; /* per task */
	size_t *task_off;                   /* into tables */
	uint16_t *tables;
};

/* Address width of an adder neuron's output table (docs/model-format.md). */
static uint32_t adder_bits(const struct nt_flayer *F)
{
	return F->sub_bits + nt_ceil_log2(F->a);
}

/* Table entries of neuron of layer F: one table, or the adder's. */
static size_t neuron_entries(const struct nt_flayer *F)
{
	if (F->adder)
		return ((size_t)F->a << (F->fu * F->in_bits)) + ((size_t)1 << adder_bits(F));
	return (size_t)1 << (F->f * F->in_bits);
}

static void compile_task(void *arg, uint32_t task, unsigned worker)
{
	struct compile_ctx *cc = arg;
	const struct nt_flayer *F = &cc->fz->layer[cc->task_layer[task]];
	uint32_t j = cc->task_neuron[task], bits = F->in_bits, f = F->f;
	uint32_t mask = (1u << bits) - 1u, size = F->adder ? 0 : 1u << (f * bits);
	uint16_t *tab = cc->tables + cc->task_off[task];
	uint16_t codes[NLUT_MAX_FAN_IN];

	(void)worker;
	if (F->adder) {
		/* Sub-tables over each unit's fu inputs (two's complement
		 * entries of sub_bits), then the output table over the sum. */
		uint32_t fu = F->fu, sub = 1u << (fu * bits), ab = adder_bits(F);
		uint32_t smask = (1u << F->sub_bits) - 1u;

		for (uint32_t a = 0; a < F->a; a++, tab += sub)
			for (uint32_t addr = 0; addr < sub; addr++) {
				for (uint32_t i = 0; i < fu; i++)
					codes[i] = (uint16_t)((addr >> (i * bits)) & mask);
				tab[addr] = (uint16_t)((uint32_t)nt_sub_code(F, j * F->a + a, codes) &
						       smask);
			}
		for (uint32_t addr = 0; addr < 1u << ab; addr++) {
			int32_t S = addr >= 1u << (ab - 1) ? (int32_t)addr - (int32_t)(1u << ab) :
				    (int32_t)addr;

			tab[addr] = nt_adder_code(F, j, S);
		}
		return;
	}
	/* Input 0 in the low bits of the address (docs/model-format.md). */
	for (uint32_t addr = 0; addr < size; addr++) {
		for (uint32_t i = 0; i < f; i++)
			codes[i] = (uint16_t)((addr >> (i * bits)) & mask);
		tab[addr] = nt_neuron_code(F, j, codes);
	}
}

static int set_meta(nlut_model *m, const char *k, const char *v)
{
	int rc = nlut_model_set_meta(m, k, v);

	return rc ? nt_pass(rc, "metadata") : NLUT_SUCCESS;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

int nlut_trainer_compile(nlut_trainer *t, nlut_model **out)
{
	const struct nt_net *net = t->best.p ? &t->best : &t->net;
	struct nt_frozen fz;
	struct compile_ctx cc = { 0 };
	nlut_model *m = NULL;
	size_t total = 0;
	uint32_t n_tasks = net->n_neurons, task = 0;
	char buf[256];
	int rc;

	nt_clear_error();
	*out = NULL;
	if (t->lut)
		return nt_lut_compile(t, out);
	if (t->dense)
		return nt_dense_compile(t, out);
	rc = nt_freeze(&fz, net, t->c.in_bits);
	if (rc)
		return rc;
	cc.fz = &fz;
	cc.task_layer = malloc(n_tasks * sizeof(uint32_t));
	cc.task_neuron = malloc(n_tasks * sizeof(uint32_t));
	cc.task_off = malloc(n_tasks * sizeof(size_t));
	if (!cc.task_layer || !cc.task_neuron || !cc.task_off) {
		rc = nt_fail(NLUT_ERROR_NO_MEM, "compile tasks");
		goto out;
	}
	for (uint32_t l = 0; l < fz.n_layers; l++)
		for (uint32_t j = 0; j < fz.layer[l].n; j++) {
			cc.task_layer[task] = l;
			cc.task_neuron[task] = j;
			cc.task_off[task] = total;
			total += neuron_entries(&fz.layer[l]);
			task++;
		}
	cc.tables = malloc(total * sizeof(uint16_t));
	if (!cc.tables) {
		rc = nt_fail(NLUT_ERROR_NO_MEM, "%zu table entries", total);
		goto out;
	}
	nt_pool_run(&t->pool, compile_task, &cc, n_tasks);

	rc = nlut_model_new(t->n_in, t->quant, &m);
	if (rc) {
		rc = nt_pass(rc, "model");
		goto out;
	}
	task = 0;
	for (uint32_t l = 0; l < fz.n_layers; l++) {
		const struct nt_flayer *F = &fz.layer[l];

		rc = nlut_model_add_layer(m, F->n);
		if (rc < 0) {
			rc = nt_pass(rc, "model layer");
			goto out;
		}
		for (uint32_t j = 0; j < F->n; j++, task++) {
			const uint16_t *tab = cc.tables + cc.task_off[task];

			if (F->adder) {
				/* Sub-table a reads fan-in positions a fu .. a fu + fu - 1. */
				uint32_t sub_n_in[NLUT_MAX_SUBTABLES], sub_in[NLUT_MAX_FAN_IN];
				const uint16_t *sub_tab[NLUT_MAX_SUBTABLES];

				for (uint32_t a = 0; a < F->a; a++) {
					sub_n_in[a] = F->fu;
					sub_tab[a] = tab + ((size_t)a << (F->fu * F->in_bits));
				}
				for (uint32_t i = 0; i < F->f; i++)
					sub_in[i] = i;
				rc = nlut_model_set_neuron_adder(
					m, l, j, F->f, F->src + (size_t)j * F->f,
					(uint8_t)F->out_bits, (uint8_t)F->sub_bits, F->a, sub_n_in,
					sub_in, sub_tab, tab + ((size_t)F->a << (F->fu * F->in_bits)));
			} else {
				rc = nlut_model_set_neuron(m, l, j, F->f, F->src + (size_t)j * F->f,
							   (uint8_t)F->out_bits, tab);
			}
			if (rc) {
				snprintf(buf, sizeof(buf), "layer %u neuron %u", l, j);
				rc = nt_pass(rc, buf);
				goto out;
			}
		}
	}
	rc = nt_compile_meta(t, m);
	if (!rc) {
		rc = nlut_model_validate(m);
		if (rc)
			rc = nt_pass(rc, "compiled model");
	}
	if (!rc) {
		*out = m;
		m = NULL;
	}
out:
	nlut_model_free(m);
	free(cc.tables);
	free(cc.task_layer);
	free(cc.task_neuron);
	free(cc.task_off);
	nt_frozen_free(&fz);
	return rc;
}

int nt_compile_meta(nlut_trainer *t, nlut_model *m)
{
	char buf[256], *dump = NULL;
	int rc = set_meta(m, "name", t->c.name[0] ? t->c.name : "nlut-train");

	if (!rc)
		rc = set_meta(m, "dataset", base_name(t->c.train_path));
	snprintf(buf, sizeof(buf), "%u", t->best_epoch);
	if (!rc)
		rc = set_meta(m, "train.best_epoch", buf);
	snprintf(buf, sizeof(buf), "%.4f", t->best_val);
	if (!rc && t->best_val >= 0)
		rc = set_meta(m, "train.val_accuracy", buf);
	snprintf(buf, sizeof(buf), "%u", t->epochs_done);
	if (!rc)
		rc = set_meta(m, "train.epochs_done", buf);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)t->c.seed);
	if (!rc)
		rc = set_meta(m, "train.seed", buf);
	snprintf(buf, sizeof(buf), "%u rounds, %u inputs moved", t->prune_rounds,
		 t->prune_dropped);
	if (!rc && t->c.prune)
		rc = set_meta(m, "train.connectivity", buf);
	dump = nlut_train_config_dump(&t->c);
	if (!rc)
		rc = dump ? set_meta(m, "train.config", dump) :
		     nt_fail(NLUT_ERROR_NO_MEM, "config text");
	snprintf(buf, sizeof(buf), "nlut train %s", NLUT_VERSION_STRING);
	if (!rc)
		rc = set_meta(m, "generator", buf);
	free(dump);
	return rc;
}
