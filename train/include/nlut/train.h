/* nlut/train.h - LUT-aware training of L-LUT networks and compilation of
 * their neurons into truth tables (the library behind `nlut train`). */
#ifndef NLUT_TRAIN_H
#define NLUT_TRAIN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <nlut/data.h>
#include <nlut/error.h>
#include <nlut/model.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NLUT_TRAIN_MAX_DEPTH 8u   /* hidden layers inside one neuron */
#define NLUT_TRAIN_MAX_WIDTH 64u  /* units per hidden layer inside one neuron */
#define NLUT_TRAIN_MAX_DEGREE 4u  /* degree of a PolyLUT polynomial */
#define NLUT_TRAIN_MAX_MONOMIALS 1024u /* monomials of one polynomial */
#define NLUT_TRAIN_PATH_MAX 1024u

enum nlut_train_conn {
	NLUT_CONN_RANDOM = 0, /* each neuron draws distinct sources, all used evenly */
	NLUT_CONN_LOCAL = 1   /* layer 0: sources from a random window of the image */
};

enum nlut_train_neuron {
	NLUT_TRAIN_NEURON_NET = 0, /* NeuraLUT sub-network (LogicNets at depth 0) */
	NLUT_TRAIN_NEURON_LUT = 1, /* binary LUT layers, DWN (docs/train-config.md) */
	NLUT_TRAIN_NEURON_POLY = 2, /* PolyLUT: a linear function of the monomials up to `degree` */
	NLUT_TRAIN_NEURON_DENSE = 3 /* HGQ-LUT LUT-Dense layers (format 1.3 neurons) */
};

enum nlut_train_sched {
	NLUT_SCHED_COSINE = 0,
	NLUT_SCHED_STEP = 1,  /* x0.1 at 50% and 75% of the steps */
	NLUT_SCHED_CONST = 2
};

enum nlut_train_qfit {
	NLUT_QFIT_GLOBAL = 0,  /* one range over every feature */
	NLUT_QFIT_FEATURE = 1  /* a range per feature */
};

/*
 * Everything `nlut train` can be told; docs/train-config.md describes each
 * key. Set with nlut_train_config_set() or a config file.
 */
struct nlut_train_config {
	/* data */
	char train_path[NLUT_TRAIN_PATH_MAX];
	char test_path[NLUT_TRAIN_PATH_MAX];
	char train_labels[NLUT_TRAIN_PATH_MAX]; /* IDX/npy labels file of train ("": none or beside it) */
	char test_labels[NLUT_TRAIN_PATH_MAX];  /* ... of test */
	int label_col;            /* CSV label column, NLUT_LABEL_LAST default */
	uint32_t test_rows;       /* no test file: rows of train that are the test set */
	int test_random;          /* 0: the last test_rows rows; 1: seeded by split_seed */
	uint64_t split_seed;
	uint32_t val_rows;        /* held out of train for validation (0: val_percent) */
	double val_percent;
	uint32_t image_w, image_h;/* for pool and local connectivity */
	uint32_t pool;            /* average-pool images by pool x pool */
	uint32_t augment_shift;   /* images: random shifts up to this many pixels */
	uint32_t augment_flip;    /* images: 1 = mirrored left to right with probability 1/2 */
	enum nlut_train_qfit quant_fit;
	double quant_clip;        /* fraction clipped at each end when fitting */
	/* network */
	uint32_t n_layers;
	uint32_t width[NLUT_MAX_LAYERS];   /* last = number of classes */
	uint32_t n_fan_in;        /* fan_in values given; the last repeats */
	uint32_t fan_in[NLUT_MAX_LAYERS];
	uint32_t in_bits, hidden_bits, out_bits;
	uint32_t depth, sub_width;
	int skip;
	enum nlut_train_conn conn;
	uint32_t window;          /* NLUT_CONN_LOCAL window side */
	enum nlut_train_neuron neuron; /* kind of neuron trained */
	uint32_t thermometer;     /* LUT: thresholds per feature */
	double tau;               /* LUT: softmax temperature, 0 = sqrt(group) */
	uint32_t rewire;          /* LUT: epochs between rewirings, 0 = fixed mapping */
	uint32_t degree;          /* POLY: degree of the polynomial */
	uint32_t adder;           /* sub-neurons summed per neuron (PolyLUT-Add), 0 = plain table */
	uint32_t sub_bits;        /* adder: width of each sub-neuron's two's complement code */
	uint32_t prune;           /* SparseLUT: epochs between prune/regrow rounds, 0 = fixed */
	int lut_code;             /* LUT: layer 0 reads whole input codes (lut_input = code) */
	double lut_cost;          /* DENSE: weight of the estimated LUTs in the loss */
	uint32_t dense_frac;      /* DENSE: fraction bits of the edge tables' fixed point */
	uint32_t learn_map;       /* LUT: the first N layers learn their input mapping (DWN) */
	uint32_t map_window;      /* LUT, learn_map: layer 0's candidates, a window side; 0 = all bits */
	uint32_t lut_blocks;      /* LUT: K > 1 members, block-diagonal after layer 0, each with its own loss */
	uint32_t map_epochs;      /* LUT, learn_map: the mapping learns for N epochs, then is fixed; 0 = all */
	/* optimisation */
	uint32_t epochs, batch, ghost;
	double lr, lr_min, warmup, weight_decay, bn_momentum;
	enum nlut_train_sched sched;
	uint64_t seed;
	uint32_t threads;         /* 0 = one per online CPU */
	/* output */
	char output[NLUT_TRAIN_PATH_MAX];
	char name[256];
};

/* Defaults (docs/train-config.md). */
void nlut_train_config_init(struct nlut_train_config *c);

/* Set one key from its text value. where names the origin for messages
 * ("file.cfg:12", "--epochs"); the error detail names it. */
int nlut_train_config_set(struct nlut_train_config *c, const char *key,
			  const char *value, const char *where);

/* Read a "key = value" file (# comments) into c. */
int nlut_train_config_load(struct nlut_train_config *c, const char *path);
/* The same from n bytes of text; name is used in messages ("file:line"). */
int nlut_train_config_parse(struct nlut_train_config *c, const char *text, size_t n,
			    const char *name);

/* Bytes the model's neurons will take in the file (tables, sources): a lower
 * bound of its size, known before any data is read. */
uint64_t nlut_train_config_table_bytes(const struct nlut_train_config *c);

/* Check the whole config (every width, fan-in and table size, and that the
 * model fits the format's NLUT_MAX_FILE_SIZE). */
int nlut_train_config_check(const struct nlut_train_config *c);

/* The config as "key = value" lines (a valid config file), malloc'd. */
char *nlut_train_config_dump(const struct nlut_train_config *c);

/* Is key a config key? (For command-line parsers.) */
int nlut_train_config_has_key(const char *key);

/* Detail of the last failure of an nlut_train_* call in this thread;
 * "" when none. Failures of libnlut calls it made are copied here. */
const char *nlut_train_error_detail(void);

/*
 * Load the training (and test) data the config names and apply its
 * preprocessing (pooling). Without a test file the last test_rows rows of
 * the training file become the test set; *test is NULL when there is none.
 */
int nlut_train_load_data(const struct nlut_train_config *c,
			 struct nlut_dataset **train, struct nlut_dataset **test);

/* Apply the config's preprocessing to a raw dataset (a copy). */
int nlut_train_preprocess(const struct nlut_train_config *c,
			  const struct nlut_dataset *raw,
			  struct nlut_dataset **out);

typedef struct nlut_trainer nlut_trainer;

/* What the progress callback sees. */
struct nlut_train_progress {
	uint32_t epoch;           /* 1-based, epochs done (or in progress) */
	uint32_t epochs;
	uint32_t step, steps;     /* within the epoch */
	int end_of_epoch;         /* val_acc is fresh */
	double loss;              /* mean cross-entropy so far this epoch */
	double train_acc;         /* float forward pass, this epoch so far */
	double val_acc;           /* exact quantised forward pass, -1 before any */
	double best_val_acc;
	uint32_t best_epoch;
	double lr;
	double elapsed, eta;      /* seconds */
	double samples_per_s;
};

typedef void (*nlut_train_progress_fn)(const struct nlut_train_progress *p,
				       void *user);

/*
 * Split validation rows off train (seeded), fit the input quantisers on the
 * rest, build and initialise the network. train must be preprocessed and
 * labelled; it is copied.
 */
int nlut_trainer_new(const struct nlut_train_config *c,
		     const struct nlut_dataset *train, nlut_trainer **out);
void nlut_trainer_free(nlut_trainer *t);

/*
 * Train for the configured epochs, keeping the network of the best
 * validation accuracy. When *stop becomes non-zero (a signal handler) the
 * current batch ends, and NLUT_ERROR_INTERRUPTED is returned with the best
 * network kept. Reproducible: the same config, seed and data give the same
 * network bit for bit, whatever the number of threads.
 */
int nlut_trainer_run(nlut_trainer *t, nlut_train_progress_fn fn, void *user,
		     const volatile sig_atomic_t *stop);

/*
 * The exact quantised forward pass of the kept network: features quantised
 * by nlut_quant_code, then every neuron's code function. scores
 * (n * classes) and cls (n) may each be NULL.
 */
int nlut_trainer_predict(nlut_trainer *t, size_t n, const float *x,
			 uint16_t *scores, uint32_t *cls);

/* Compile every neuron of the kept network into its truth table. Metadata:
 * name, dataset, train.* and generator. */
int nlut_trainer_compile(nlut_trainer *t, nlut_model **out);

/* Shape of the kept network. */
uint32_t nlut_trainer_num_inputs(const nlut_trainer *t);
uint32_t nlut_trainer_num_classes(const nlut_trainer *t);
uint64_t nlut_trainer_table_entries(const nlut_trainer *t);
uint64_t nlut_trainer_num_params(const nlut_trainer *t);
/* Best validation accuracy and its epoch (0: initial network). */
double nlut_trainer_best_val(const nlut_trainer *t, uint32_t *epoch);
/* Threads actually used. */
unsigned nlut_trainer_threads(const nlut_trainer *t);

/* Training throughput measurement for the benchmark: run `steps`
 * minibatches, return samples per second. */
int nlut_trainer_bench_steps(nlut_trainer *t, uint32_t steps, double *samples_per_s);

#ifdef __cplusplus
}
#endif

#endif /* NLUT_TRAIN_H */
